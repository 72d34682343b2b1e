"""GET /api/v1/claims/{id}/casefile.pdf and receipt.pdf: scoped like the claim, validated like every API call."""

from __future__ import annotations

from tests.casefiles.pdftools import pdf_text
from tests.helpers import bearer


def test_clerk_downloads_the_case_file_and_the_receipt(client, filed, world):
    claim = filed(name="Hamid Amiri", language="en")
    headers = bearer(client, world.ir.clerk)
    for kind in ("casefile", "receipt"):
        r = client.get(f"/api/v1/claims/{claim.id}/{kind}.pdf", headers=headers)
        assert r.status_code == 200 and r.mimetype == "application/pdf"
        assert r.headers["Content-Disposition"] == f'inline; filename="{kind}-{claim.number}-en.pdf"'
        assert "Hamid Amiri" in pdf_text(r.data)


def test_language_and_bilingual_come_from_the_query(client, filed, world):
    claim = filed(language="en")  # the Iranian programme's official language is Persian
    headers = bearer(client, world.ir.clerk)
    r = client.get(f"/api/v1/claims/{claim.id}/receipt.pdf?lang=ka&bilingual=true", headers=headers)
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].endswith(f'receipt-{claim.number}-ka-fa.pdf"')


def test_unknown_language_is_a_422_naming_the_field(client, filed, world):
    claim = filed(language="en")
    r = client.get(f"/api/v1/claims/{claim.id}/casefile.pdf?lang=xx", headers=bearer(client, world.ir.clerk))
    assert r.status_code == 422
    assert "Choose one of the supported languages" in r.get_json()["errors"]["lang"][0]


def test_claims_outside_the_users_jurisdiction_are_not_found(client, filed, world):
    claim = filed(language="en")
    r = client.get(f"/api/v1/claims/{claim.id}/casefile.pdf", headers=bearer(client, world.am.clerk))
    assert r.status_code == 404


def test_only_clerks_print_receipts_and_auditors_get_masked_case_files(client, filed, world):
    claim = filed(language="en")
    headers = bearer(client, world.ir.auditor)
    r = client.get(f"/api/v1/claims/{claim.id}/receipt.pdf", headers=headers)
    assert r.status_code == 403 and "PIN" in r.get_json()["message"]
    r = client.get(f"/api/v1/claims/{claim.id}/casefile.pdf", headers=headers)
    assert claim.owner.national_id and r.status_code == 200 and claim.owner.national_id not in pdf_text(r.data)


def test_a_token_is_needed(client, filed):
    claim = filed(language="en")
    assert client.get(f"/api/v1/claims/{claim.id}/casefile.pdf").status_code == 401


def test_the_documents_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for kind in ("casefile", "receipt"):
        operation = spec["paths"][f"/api/v1/claims/{{claim_id}}/{kind}.pdf"]["get"]
        assert "application/pdf" in operation["responses"]["200"]["content"]
        assert {p["name"] for p in operation["parameters"]} >= {"lang", "bilingual"}


def test_no_document_prints_an_address_the_request_chose(app, client, filed, world, monkeypatch):
    claim = filed(language="en")
    headers = bearer(client, world.ir.clerk)
    path = f"/api/v1/claims/{claim.id}/casefile.pdf"
    forged = client.get(path, headers={**headers, "Host": "evil.example"})
    assert forged.status_code == 503 and forged.get_json()["code"] == "not_configured"  # not a configured host
    monkeypatch.setitem(app.config, "DOCUMENT_HOSTS", "claims.lan")
    r = client.get(path, headers={**headers, "Host": "claims.lan:8080"})
    assert r.status_code == 200 and "http://claims.lan:8080/status/" in "".join(pdf_text(r.data).split())
    monkeypatch.setitem(app.config, "DEPLOYMENT", "production")
    refused = client.get(path, headers={**headers, "Host": "claims.lan:8080"})
    assert refused.status_code == 503 and "PUBLIC_BASE_URL" in refused.get_json()["message"]
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://claims.example.org")
    printed = client.get(path, headers={**headers, "Host": "evil.example"})
    assert printed.status_code == 200
    assert "https://claims.example.org/status/" in "".join(pdf_text(printed.data).split())
