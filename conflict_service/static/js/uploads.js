// Every file input of the service, as progressive enhancement (without JavaScript the original file is sent and the
// server's own limit applies):
// - a JPEG photo is shrunk on the phone to the configured longest side and quality before it is uploaded, and the
//   camera's EXIF block (time, GPS, camera) is copied into the smaller file, so the evidence checks still read when
//   and where it was taken; the pixels are drawn upright, so the copied Orientation tag is set to 1;
// - a file still over the input's limit is refused before anything is sent, with a message beside the input;
// - the chooser speaks the reader's language: a button ("Choose photos") and a line saying what is chosen ("3 files:
//   a.jpg, b.jpg, c.jpg", in the reader's digits and plural forms), with words the page gives on <body>, instead of the
//   browser's own "Choose Files / No file chosen" in the browser's language. The native input stays the control,
//   transparent over the button: it keeps its label, focus, accept, capture, multiple, required and description, and
//   a tap on the button is a tap on it (the camera opens as before).
(function () {
  "use strict";
  var body = document.body;
  var MAX_SIDE = Number(body.getAttribute("data-photo-max-side")) || 2048;
  var QUALITY = Number(body.getAttribute("data-photo-quality")) || 0.75;
  var DEFAULT_LIMIT = Number(body.getAttribute("data-upload-max-bytes")) || 0;
  var canRewrite = typeof DataTransfer === "function" && typeof createImageBitmap === "function" &&
    !!HTMLCanvasElement.prototype.toBlob;

  // The APP1 "Exif" segment of a JPEG (marker, length and content), or null.
  function exifSegment(bytes) {
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8) { return null; }
    var i = 2;
    while (i + 4 <= bytes.length && bytes[i] === 0xff) {
      var marker = bytes[i + 1];
      var length = (bytes[i + 2] << 8) | bytes[i + 3];
      if (marker === 0xda || length < 2) { return null; }  // image data starts: no EXIF before it
      if (marker === 0xe1 && bytes[i + 4] === 0x45 && bytes[i + 5] === 0x78 && bytes[i + 6] === 0x69 &&
          bytes[i + 7] === 0x66 && bytes[i + 8] === 0 && bytes[i + 9] === 0) {
        return bytes.slice(i, i + 2 + length);
      }
      i += 2 + length;
    }
    return null;
  }

  // Set the Orientation tag (0x0112) of IFD0 to 1 in a copied EXIF segment: the new pixels are already upright.
  function uprightOrientation(segment) {
    var tiff = 10;
    var view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
    if (segment.length < tiff + 8) { return; }
    var little = view.getUint16(tiff) === 0x4949;
    var ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > segment.length) { return; }
    var count = view.getUint16(ifd, little);
    for (var n = 0; n < count; n++) {
      var entry = ifd + 2 + n * 12;
      if (entry + 12 > segment.length) { return; }
      if (view.getUint16(entry, little) === 0x0112) { view.setUint16(entry + 8, 1, little); return; }
    }
  }

  function withExif(jpeg, segment) {
    var out = new Uint8Array(jpeg.length + segment.length);
    out.set(jpeg.subarray(0, 2), 0);            // SOI
    out.set(segment, 2);                        // the camera's EXIF, first, where readers look for it
    out.set(jpeg.subarray(2), 2 + segment.length);
    return out;
  }

  function toBlob(canvas) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
  }

  function shrink(file) {
    if (file.type !== "image/jpeg") { return Promise.resolve(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1) { bitmap.close(); return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return Promise.all([toBlob(canvas), file.arrayBuffer()]).then(function (parts) {
        var small = parts[0];
        if (!small || small.size >= file.size) { return file; }
        return small.arrayBuffer().then(function (buffer) {
          var segment = exifSegment(new Uint8Array(parts[1]));
          var bytes = new Uint8Array(buffer);
          if (segment) { uprightOrientation(segment); bytes = withExif(bytes, segment); }
          return new File([bytes], file.name, { type: "image/jpeg", lastModified: file.lastModified });
        });
      });
    }).catch(function () { return file; });  // a photo the browser cannot decode is sent as it is
  }

  // Add an id to the input's aria-describedby once, after the ones it has.
  function describe(input, id) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) < 0) { input.setAttribute("aria-describedby", ids.concat([id]).join(" ")); }
  }

  function note(input) {
    var id = input.id + "-upload-note";
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("p");
      el.id = id;
      el.className = "hint upload-note";
      el.setAttribute("role", "status");
      (input.closest(".file-pick") || input).insertAdjacentElement("afterend", el);
    }
    return el;
  }

  // The chooser's words, from the page in the reader's language.
  var WORDS = {
    photos: body.getAttribute("data-msg-choose-photos"),
    files: body.getAttribute("data-msg-choose-files"),
    file: body.getAttribute("data-msg-choose-file"),
    none: body.getAttribute("data-msg-no-file")
  };
  var DIGITS = body.getAttribute("data-digits") || "0123456789";
  var COMMA = body.getAttribute("data-list-comma") || ", ";
  var SIGNS = { decimal: ".", group: "," };
  try { SIGNS = JSON.parse(body.getAttribute("data-number-signs")) || SIGNS; } catch (e) { /* the defaults */ }
  var SHOWN_NAMES = 5;  // more are left out ("…"): the count says how many
  var counted = {};
  try { counted = JSON.parse(body.getAttribute("data-msg-files") || "{}"); } catch (e) { counted = {}; }
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;

  function digits(n) { return String(n).replace(/[0-9]/g, function (d) { return DIGITS.charAt(Number(d)); }); }

  // A phone's file names are long ("IMG_20261120_091512_HDR.jpg"): keep the start and the end, which tell them apart.
  function shortName(name) { return name.length > 24 ? name.slice(0, 12) + "\u2026" + name.slice(-10) : name; }

  function nameElement(name) {
    var el = document.createElement("bdi");  // a Latin name keeps its dots in place in a right-to-left sentence
    el.textContent = shortName(name);
    if (el.textContent !== name) { el.title = name; }  // the whole name where a pointer can hover
    return el;
  }

  function chooseWords(input) {
    var types = (input.getAttribute("accept") || "").split(",").filter(Boolean);
    var images = types.length > 0 && types.every(function (t) { return /^\s*image\//.test(t); });
    return input.multiple ? (images ? WORDS.photos : WORDS.files) : WORDS.file;
  }

  function showChosen(input) {
    var line = document.getElementById(input.id + "-chosen");
    var files = Array.prototype.slice.call(input.files || []);
    if (!line) { return; }
    line.textContent = "";
    if (!files.length) { line.textContent = WORDS.none; return; }
    if (files.length === 1) { line.appendChild(nameElement(files[0].name)); return; }
    var sentence = counted[plural ? plural.select(files.length) : "other"] || counted.other || "{n}: {names}";
    var parts = sentence.replace("{n}", digits(files.length)).split("{names}");
    line.appendChild(document.createTextNode(parts[0]));
    files.slice(0, SHOWN_NAMES).forEach(function (f, i) {
      if (i) { line.appendChild(document.createTextNode(COMMA)); }
      line.appendChild(nameElement(f.name));
    });
    if (files.length > SHOWN_NAMES) { line.appendChild(document.createTextNode(COMMA + "\u2026")); }
    line.appendChild(document.createTextNode(parts.slice(1).join("")));
  }

  // Put the input in a frame with its button (the input transparent over it) and its status line.
  function enhance(input) {
    if (!input.id || !WORDS.none || input.closest(".file-pick")) { return; }
    var pick = document.createElement("div");
    var target = document.createElement("span");
    var button = document.createElement("span");
    var line = document.createElement("span");
    pick.className = "file-pick";
    target.className = "file-target";
    button.className = "button file-button";
    button.setAttribute("aria-hidden", "true");  // the input itself is the control, named by its own label
    button.textContent = chooseWords(input);
    line.className = "file-status";
    line.id = input.id + "-chosen";
    input.parentNode.insertBefore(pick, input);
    target.appendChild(input);
    target.appendChild(button);
    pick.appendChild(target);
    pick.appendChild(line);
    describe(input, line.id);
    showChosen(input);
  }

  // "12.5" as the page writes it («۱۲٫۵», «12,5», «١٬٠٢٤»), one decimal at most, as the hint above the input does.
  function megabytes(n) {
    var tenths = Math.round(n / 104857.6);
    var whole = String(Math.floor(tenths / 10)).replace(/\B(?=(\d{3})+$)/g, SIGNS.group);
    return digits(whole + (tenths % 10 ? SIGNS.decimal + (tenths % 10) : ""));
  }

  function handle(input) {
    var limit = Number(input.getAttribute("data-max-bytes")) || DEFAULT_LIMIT;
    var form = input.form;
    var buttons = form ? form.querySelectorAll("button[type=submit], input[type=submit]") : [];
    var chosen = Array.prototype.slice.call(input.files || []);
    if (!chosen.length) { return; }
    var status = note(input);
    status.textContent = body.getAttribute("data-msg-preparing") || "";
    input.setAttribute("data-busy", "1");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    Promise.all(chosen.map(canRewrite ? shrink : function (f) { return Promise.resolve(f); })).then(function (files) {
      var kept = [], refused = [];
      files.forEach(function (f) { (limit && f.size > limit ? refused : kept).push(f); });
      if (canRewrite) {
        var list = new DataTransfer();
        kept.forEach(function (f) { list.items.add(f); });
        input.files = list.files;
      } else if (refused.length) {
        input.value = "";
      }
      var template = body.getAttribute("data-msg-too-large") || "{name}";
      status.textContent = refused.map(function (f) {
        return template.replace("{name}", f.name).replace("{mb}", megabytes(limit));
      }).join(" ");
      status.classList.toggle("field-errors", refused.length > 0);
      describe(input, status.id);
    }).then(function () {
      input.removeAttribute("data-busy");
      showChosen(input);  // what was kept: a file refused for its size is no longer chosen
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      input.dispatchEvent(new CustomEvent("uploads-ready", { bubbles: true }));
    });
  }

  document.querySelectorAll("input[type=file]").forEach(function (input) {
    enhance(input);
    input.addEventListener("change", function () { showChosen(input); handle(input); });
    if (input.files && input.files.length) { handle(input); }  // chosen before this script had loaded
  });
})();
