// Enketo's form engine as the test drives it: the XForm transformed in the browser (enketo-transformer/web), loaded
// into enketo-core with the cases.csv the manifest serves (turned into the XML Enketo reads external data from), and
// the instance it produces returned for the test to send to /openrosa/submission.

import { transform } from 'enketo-transformer/web';
import { Form } from 'enketo-core';

function parseCsv(text) {
    const rows = [];
    let row = [], field = '', quoted = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quoted) {
            if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
            else if (ch === '"') { quoted = false; }
            else { field += ch; }
        } else if (ch === '"') { quoted = true; }
        else if (ch === ',') { row.push(field); field = ''; }
        else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
        else if (ch !== '\r') { field += ch; }
    }
    if (field || row.length) { row.push(field); rows.push(row); }
    return rows;
}

function csvToXml(text) {
    const [head, ...rows] = parseCsv(text);
    const doc = document.implementation.createDocument(null, 'root', null);
    for (const values of rows) {
        const item = doc.createElement('item');
        head.forEach((name, i) => {
            const el = doc.createElement(name);
            el.textContent = values[i] ?? '';
            item.appendChild(el);
        });
        doc.documentElement.appendChild(item);
    }
    return doc;
}

window.enketoLoad = async function (xform, media, session) {
    const result = await transform({ xform });
    const container = document.getElementById('form');
    container.innerHTML = result.form;
    const formEl = container.querySelector('form.or');
    const external = Object.entries(media).map(([name, csv]) => ({
        id: name.replace(/\.csv$/, ''), src: `jr://file-csv/${name}`, xml: csvToXml(csv),
    }));
    window.enketoForm = new Form(formEl, { modelStr: result.model, external, session }, {});
    return { errors: window.enketoForm.init(), languages: result.languageMap || null };
};

window.enketoSubmit = async function () {
    const valid = await window.enketoForm.validate();
    return { valid, xml: window.enketoForm.getDataStr() };
};
