"""The insurance API: schemes, seasons, premium rates, policies, premiums, the ledger and statements."""

import io

import pytest

from claims.enums import Species
from conflict_service.db import db
from tests.casefiles.pdftools import pdf_lines
from tests.helpers import bearer


def commit():
    db.session.commit()  # the test client uses its own session (inside the same test transaction)


@pytest.fixture
def am(insurance):
    return insurance.am


def test_schemes_show_the_fund_to_managers_and_auditors_only(client, insurance, am):
    insurance.contribute("100000")
    commit()
    body = client.get("/api/v1/schemes", headers=bearer(client, am.auditor)).get_json()
    scheme = next(s for s in body if s["id"] == insurance.scheme.id)
    assert scheme["fund"]["available"] == "100000" and scheme["fund"]["postings"] == 1
    assert [s["name"] for s in scheme["seasons"]] == ["2026"]
    clerk_view = client.get(f"/api/v1/schemes/{insurance.scheme.id}", headers=bearer(client, am.clerk)).get_json()
    assert clerk_view["fund"] is None
    other = client.get(f"/api/v1/schemes/{insurance.scheme.id}", headers=bearer(client, insurance.world.ir.manager))
    assert other.status_code == 404


def test_a_manager_adds_a_season_and_its_premium_rates(client, insurance, am):
    commit()
    headers = bearer(client, am.manager)
    r = client.post(f"/api/v1/schemes/{insurance.scheme.id}/seasons", headers=headers,
                    json={"name": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31"})
    assert r.status_code == 201, r.get_json()
    season_id = r.get_json()["id"]
    r = client.post(f"/api/v1/schemes/{insurance.scheme.id}/seasons/{season_id}/premium-rates", headers=headers,
                    json={"entries": [{"species": "sheep", "amount": "2100", "valid_from": "2026-12-01"}]})
    assert r.status_code == 201 and r.get_json()["version"] == 1
    rates = client.get(f"/api/v1/schemes/{insurance.scheme.id}/seasons/{season_id}/premium-rates?on=2026-12-15",
                       headers=bearer(client, am.clerk)).get_json()
    assert rates["in_force"] == [{"species": "sheep", "amount": "2100", "valid_from": "2026-12-01", "version": 1}]


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"name": "2027", "starts_on": "2027-05-01", "ends_on": "2027-01-01"}, "ends_on", "on or after the day it starts"),
    ({"name": "Overlap", "starts_on": "2026-12-01", "ends_on": "2027-06-30"}, "starts_on", "must not overlap"),
    ({"name": "2026", "starts_on": "2030-01-01", "ends_on": "2030-12-31"}, "name", "already has a season called"),
    ({"name": "", "starts_on": "2030-01-01", "ends_on": "2030-12-31"}, "name", "This field is required."),
])
def test_bad_seasons_are_refused_per_field(client, insurance, am, body, field, message):
    commit()
    r = client.post(f"/api/v1/schemes/{insurance.scheme.id}/seasons", headers=bearer(client, am.manager), json=body)
    assert r.status_code == 422
    assert message in " ".join(r.get_json()["errors"][field])


def test_enrolment_prices_the_premium_and_refuses_what_the_herd_does_not_have(client, insurance, am):
    owner = insurance.owner()  # 120 sheep, 40 goats
    commit()
    headers = bearer(client, am.clerk)
    data = {"owner_id": owner.id, "season_id": insurance.season.id, "agreement_signed_on": "2026-06-10",
            "lines": [{"species": "sheep", "head_count": 100}, {"species": "goat", "head_count": 41}]}
    r = client.post("/api/v1/policies", headers=headers, json=data)
    assert r.status_code == 422
    assert r.get_json()["errors"] == {"lines": {"1": {"head_count": [
        "The owner's registered herd has 40 head of goat; update the herd record before insuring more."]}}}
    data["lines"][1]["head_count"] = 40
    r = client.post("/api/v1/policies", headers=headers, json=data)
    assert r.status_code == 201, r.get_json()
    policy = r.get_json()
    # 100 sheep × 2,000 + 40 goats × 1,500 = 260,000
    assert (policy["premium_due"], policy["premium_paid"], policy["arrears"], policy["status"]) == (
        "260000", "0", "260000", "active")
    assert policy["cover_from"] == "2026-06-15" and policy["number"].startswith("AM-OFF-P2026-")
    again = client.post("/api/v1/policies", headers=headers, json=data)
    assert again.status_code == 409 and "already enrolled for 2026" in again.get_json()["message"]


def test_enrolment_needs_a_premium_rate_for_each_species(client, insurance, am):
    owner = insurance.owner(herd={Species.SHEEP: 10, Species.HORSE: 2})
    commit()
    data = {"owner_id": owner.id, "season_id": insurance.season.id, "agreement_signed_on": "2026-06-10",
            "lines": [{"species": "horse", "head_count": 1}]}
    r = client.post("/api/v1/policies", headers=bearer(client, am.clerk), json=data)
    assert r.get_json()["errors"]["lines"]["0"]["species"] == [
        "The season has no premium rate for horse on Jun 15, 2026."]


def test_premium_payments_and_arrears(client, insurance, am):
    policy = insurance.enrol(lines={"sheep": 10})  # 20,000 due
    commit()
    headers = bearer(client, am.clerk)
    too_much = client.post("/api/v1/premiums", headers=headers, json={
        "policy_id": policy.id, "amount": "20000.01", "paid_on": "2026-06-15", "method": "cash"})
    assert too_much.status_code == 422
    assert too_much.get_json()["errors"]["amount"] == ["Only AMD\xa020,000.00 of the premium is still due."]
    r = client.post("/api/v1/premiums", headers=headers, json={
        "policy_id": policy.id, "amount": "12500", "paid_on": "2026-06-14", "method": "mobile_money",
        "reference": "IDRAM123"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["receipt_number"] == f"{policy.number}-R1"
    in_arrears = client.get("/api/v1/policies?in_arrears=true", headers=headers).get_json()
    assert [(p["number"], p["arrears"]) for p in in_arrears["items"]] == [(policy.number, "7500")]
    pdf = client.get(f"/api/v1/premiums/{r.get_json()['id']}/receipt.pdf?lang=en", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdf_lines(pdf.data))
    assert f"{policy.number}-R1" in text and "AMD 12,500.00" in text and "AMD 7,500.00" in text


@pytest.mark.parametrize(("field", "value", "message"), [
    ("paid_on", "2026-06-16", "cannot be dated after today"),
    ("paid_on", "2026-02-28", "a premium is paid on or after that day"),
    ("amount", "0", "Give an amount above zero."),
    ("amount", "10.005", "at most 2 decimal places"),
    ("policy_id", 999999, "No such policy in your offices."),
])
def test_bad_premium_payments_are_refused(client, insurance, am, field, value, message):
    policy = insurance.enrol()
    commit()
    body = {"policy_id": policy.id, "amount": "100", "paid_on": "2026-06-15", "method": "cash"} | {field: value}
    r = client.post("/api/v1/premiums", headers=bearer(client, am.clerk), json=body)
    assert r.status_code == 422 and message in " ".join(r.get_json()["errors"][field])


def test_contribution_ledger_and_correction(client, insurance, am):
    commit()
    headers = bearer(client, am.manager)
    r = client.post(f"/api/v1/schemes/{insurance.scheme.id}/contributions", headers=headers,
                    json={"amount": "250000", "received_on": "2026-06-15", "donor": "WWF Armenia"})
    assert r.status_code == 201 and r.get_json()["seq"] == 1
    assert r.get_json()["entries"] == [{"account": "fund", "amount": "250000"},
                                       {"account": "contributions", "amount": "-250000"}]
    r = client.post(f"/api/v1/schemes/{insurance.scheme.id}/ledger/1/reverse", headers=headers,
                    json={"reason": "Pledge, not yet received"})
    assert r.status_code == 201 and r.get_json()["reverses_id"] is not None
    ledger = client.get(f"/api/v1/schemes/{insurance.scheme.id}/ledger", headers=bearer(client, am.auditor))
    assert [(t["seq"], t["kind"]) for t in ledger.get_json()["items"]] == [(2, "reversal"), (1, "contribution")]
    refused = client.post(f"/api/v1/schemes/{insurance.scheme.id}/ledger/1/reverse", headers=headers,
                          json={"reason": "Again"})
    assert refused.status_code == 409 and "already reversed" in refused.get_json()["message"]
    clerk = client.post(f"/api/v1/schemes/{insurance.scheme.id}/contributions", headers=bearer(client, am.clerk),
                        json={"amount": "1", "received_on": "2026-06-15", "donor": "x"})
    assert clerk.status_code == 403


def test_a_claim_waiting_for_funds_shows_in_the_claims_api(client, insurance, am):
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    commit()
    headers = bearer(client, am.auditor)
    assert client.get(f"/api/v1/claims/{claim.id}", headers=headers).get_json()["status"] == "awaiting_funds"
    listed = client.get("/api/v1/claims?status=awaiting_funds", headers=headers).get_json()
    assert [c["number"] for c in listed["items"]] == [claim.number]
    waiting = client.get(f"/api/v1/schemes/{insurance.scheme.id}/awaiting-funds", headers=headers).get_json()
    assert waiting == [{"claim_id": claim.id, "number": claim.number, "owner": claim.owner.name, "amount": "48000",
                        "approved_at": waiting[0]["approved_at"]}]


def test_statement_and_its_csv(client, insurance, am):
    policy = insurance.enrol(lines={"sheep": 10})
    insurance.pay(policy, "15000")
    insurance.contribute("100000")
    claim = insurance.approve(insurance.verified(policy.owner))
    insurance.pay_claim(claim)
    commit()
    headers = bearer(client, am.manager)
    url = f"/api/v1/schemes/{insurance.scheme.id}/seasons/{insurance.season.id}/statement"
    s = client.get(url, headers=headers).get_json()
    assert (s["opening"], s["premiums"], s["contributions"], s["payouts"], s["closing"]) == (
        "0", "15000", "100000", "48000", "67000")
    assert s["loss_ratio_pct"] == "320.0" and s["arrears_total"] == "5000" and s["policy_count"] == 1
    assert s["enrolment"][0]["insured_head"] == {"sheep": 10}
    csv = client.get(url + ".csv?part=arrears", headers=headers)
    assert csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).splitlines()[1].startswith(f"{policy.number},{policy.owner.name},")
    assert client.get(url + ".csv?part=nonsense", headers=headers).status_code == 422
    assert client.get(url, headers=bearer(client, am.clerk)).status_code == 403


def test_violation_through_the_api(client, insurance, am):
    policy = insurance.enrol()
    commit()
    r = client.post(f"/api/v1/policies/{policy.id}/violation", headers=bearer(client, am.manager),
                    json={"occurred_on": "2026-06-01", "note": "Snares found"})
    assert r.status_code == 200 and r.get_json()["violation_on"] == "2026-06-01"
    assert r.get_json()["status"] == "violation" and r.get_json()["cover_to"] == "2026-05-31"
    again = client.post(f"/api/v1/policies/{policy.id}/violation", headers=bearer(client, am.manager),
                        json={"occurred_on": "2026-06-02", "note": "x"})
    assert again.status_code == 409
    assert client.post(f"/api/v1/policies/{policy.id}/violation", headers=bearer(client, am.clerk),
                       json={"occurred_on": "2026-06-01", "note": "x"}).status_code == 403


def test_the_openapi_document_lists_the_insurance_resources(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/schemes", "/api/v1/policies", "/api/v1/premiums", "/api/v1/premiums/{payment_id}/receipt.pdf",
                 "/api/v1/schemes/{scheme_id}/seasons/{season_id}/statement"):
        assert path in paths


def test_premium_rates_import_reads_the_file_and_its_note_from_one_multipart_body(client, insurance, am):
    commit()
    url = f"/api/v1/schemes/{insurance.scheme.id}/seasons/{insurance.season.id}/premium-rates/import"
    body = {"file": (io.BytesIO(b"species,amount,valid_from\nsheep,2100.50,2026-07-01\n"), "premiums.csv"),
            "note": "village council, June"}
    r = client.post(url, data=body, headers=bearer(client, am.manager))
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["note"], r.get_json()["source"]) == ("village council, June", "csv")
