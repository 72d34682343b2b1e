"""The claim page offers the receipt (prominently right after filing) and the case file."""

from __future__ import annotations

import re
from datetime import timedelta

from conflict_service.db import db
from conflict_service.timeutil import utcnow
from tests.casefiles.pdftools import pdf_text
from tests.helpers import login, post_form


def test_filing_a_claim_leads_to_a_prominent_receipt_button(client, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office, name="Hamid Amiri", preferred_language="en")
    db.session.commit()
    login(client, world.ir.clerk)
    incident = utcnow() - timedelta(days=1)
    r = post_form(client, f"/claims/new?owner_id={owner.id}", {
        "owner_id": owner.id, "programme_id": world.ir.programme.id, "incident_village": "Chehelmir",
        "incident_date": incident.date().isoformat(), "incident_time": "21:30", "time_of_day": "night",
        "lines-0-species": "sheep", "lines-0-age_class": "adult", "lines-0-outcome": "killed", "lines-0-count": "2",
    })
    assert r.status_code == 302, r.get_data(as_text=True).split("<main")[-1][:1500]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    button = re.search(r'<a class="button primary" href="(/claims/\d+/receipt\.pdf)"[^>]*>([^<]+)</a>', page)
    assert button and button.group(2) == "Print the receipt"
    receipt = client.get(button.group(1))
    assert receipt.status_code == 200 and "Hamid Amiri" in pdf_text(receipt.data)


def test_documents_panel_prints_in_the_chosen_language(client, filed, world):
    claim = filed(language="fa")
    login(client, world.ir.clerk)
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert 'id="documents"' in page and f'action="/claims/{claim.id}/casefile.pdf"' in page
    r = client.get(f"/claims/{claim.id}/casefile.pdf?lang=en&bilingual=true")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith(f'casefile-{claim.number}-en-fa.pdf"')
    assert client.get(f"/claims/{claim.id}/casefile.pdf?lang=xx").status_code == 422


def test_auditors_see_the_case_file_but_no_receipt(client, filed, world):
    claim = filed(language="en")
    login(client, world.ir.auditor)
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "receipt.pdf" not in page and "casefile.pdf" in page
    assert client.get(f"/claims/{claim.id}/receipt.pdf").status_code == 403


def test_other_offices_claims_are_not_found(client, filed, world):
    claim = filed(language="en")
    login(client, world.am.clerk)
    assert client.get(f"/claims/{claim.id}/casefile.pdf").status_code == 404


def test_signed_out_visitors_go_to_the_sign_in_page(client, filed):
    claim = filed(language="en")
    r = client.get(f"/claims/{claim.id}/casefile.pdf")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
