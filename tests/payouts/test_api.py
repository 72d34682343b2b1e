"""The payouts API: shapes a client relies on, and the errors it answers (403, 404, 409, 422)."""

import io
from datetime import timedelta

import pytest

from claims.enums import TimeOfDay
from conflict_service.db import db
from conflict_service.timeutil import local_today, utcnow
from tests.helpers import bearer, login

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def commit():
    db.session.commit()  # the test client uses its own session (inside the same test transaction)


def test_assessment_shape(client, payouts, ir):
    claim = payouts.verified(ir, incident_at=utcnow() - timedelta(days=4), **DAY)
    commit()
    r = client.get(f"/api/v1/claims/{claim.id}/assessment", headers=bearer(client, ir.auditor))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["payable"], body["total"], body["currency"], body["frozen"]) == (True, "45000000", "IRR", False)
    assert [ln["step"] for ln in body["lines"]] == ["coverage", "base", "base", "late_report", "husbandry",
                                                   "mitigation", "rounding"]
    assert body["lines"][1] == {"step": "base", "description": "2 × Sheep (Adult) killed, at IRR\xa045,000,000 each",
                                "amount": "90000000"}
    assert body["lines"][3]["description"] == ("Reported 4 days after the incident, after the deadline of 3 days "
                                               "but within 6 days: × 50%")
    assert body["reasons"] == []


def test_assessment_in_another_language(client, payouts, ir):
    claim = payouts.verified(ir, **DAY)
    commit()
    headers = bearer(client, ir.manager) | {"Accept-Language": "ru"}
    body = client.get(f"/api/v1/claims/{claim.id}/assessment?lang=ru", headers=headers).get_json()
    assert body["total"] == "90000000"  # the data does not change with the language


def test_assessment_of_an_unverified_claim_is_409_and_of_another_country_404(client, make, world, ir):
    claim = make.claim(ir)
    commit()
    r = client.get(f"/api/v1/claims/{claim.id}/assessment", headers=bearer(client, ir.manager))
    assert r.status_code == 409 and "cannot be assessed" in r.get_json()["message"]
    r = client.get(f"/api/v1/claims/{claim.id}/assessment", headers=bearer(client, world.am.manager))
    assert r.status_code == 404


def test_not_payable_reasons_are_codes_with_text(client, payouts, ir):
    claim = payouts.verified(ir, incident_at=utcnow() - timedelta(days=10), **DAY)
    commit()
    body = client.get(f"/api/v1/claims/{claim.id}/assessment", headers=bearer(client, ir.manager)).get_json()
    assert (body["payable"], body["total"]) == (False, "0")
    assert body["reasons"] == [{"code": "late_report", "message": "The loss was reported more than twice the reporting "
                                                                  "deadline after the incident."}]


def test_approve_then_the_assessment_is_frozen(client, payouts, ir):
    claim = payouts.verified(ir, **DAY)
    commit()
    r = client.post(f"/api/v1/claims/{claim.id}/approve", json={"note": "ok"}, headers=bearer(client, ir.manager))
    assert r.status_code == 200, r.get_json()
    assert r.get_json() | {"decision": None} == {"claim_id": claim.id, "status": "approved",
                                                 "awaiting_second_approval": False, "total": "90000000",
                                                 "currency": "IRR", "decision": None}
    r = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=bearer(client, ir.manager2))
    assert r.status_code == 409 and "approved" in r.get_json()["message"]
    body = client.get(f"/api/v1/claims/{claim.id}/assessment", headers=bearer(client, ir.clerk)).get_json()
    assert body["frozen"] is True and body["approved_at"]


def test_dual_approval_through_the_api(client, payouts, ir):
    ir.programme.dual_approval_threshold = 1
    claim = payouts.verified(ir, **DAY)
    commit()
    first = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=bearer(client, ir.manager)).get_json()
    assert (first["awaiting_second_approval"], first["status"]) == (True, "verified")
    again = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=bearer(client, ir.manager))
    assert again.status_code == 403 and "second, different manager" in again.get_json()["message"]
    second = client.post(f"/api/v1/claims/{claim.id}/approve", json={}, headers=bearer(client, ir.manager2))
    assert second.get_json()["status"] == "approved"
    decisions = client.get(f"/api/v1/claims/{claim.id}/decisions", headers=bearer(client, ir.auditor)).get_json()
    assert [(d["manager"], d["is_final"]) for d in decisions] == [("manager_ir", False), ("manager2_ir", True)]


def test_reject_needs_a_known_reason_and_a_note_for_other(client, payouts, ir):
    claim = payouts.verified(ir, **DAY)
    commit()
    headers = bearer(client, ir.manager)
    r = client.post(f"/api/v1/claims/{claim.id}/reject", json={"reason_code": "bad"}, headers=headers)
    assert r.status_code == 422 and "reason_code" in r.get_json()["errors"]
    r = client.post(f"/api/v1/claims/{claim.id}/reject", json={"reason_code": "other"}, headers=headers)
    assert r.status_code == 422 and r.get_json()["errors"] == {"note": ["Explain the reason in the note."]}
    r = client.post(f"/api/v1/claims/{claim.id}/reject", json={"reason_code": "duplicate", "note": "see 12"},
                    headers=headers)
    assert r.status_code == 200 and r.get_json()["reason_code"] == "duplicate"


def test_rates_get_and_post_keep_every_version(client, world):
    headers = bearer(client, world.ir.manager)
    url = f"/api/v1/programmes/{world.ir.programme.id}/rates"
    first = {"entries": [{"species": "sheep", "age_class": "adult", "amount": "40000000", "valid_from": "2024-03-20"}]}
    later = {"entries": [{"species": "sheep", "age_class": "adult", "amount": "45000000", "valid_from": "2025-03-21"}],
             "note": "Nowruz 1404"}
    assert client.post(url, json=first, headers=headers).status_code == 201
    r = client.post(url, json=later, headers=headers)
    assert r.status_code == 201 and r.get_json()["version"] == 2 and r.get_json()["is_pending"]
    assert client.get(url, headers=headers).get_json()["in_force"] == []  # rates wait for a second manager
    second = bearer(client, world.ir.manager2)
    for version in (1, 2):
        assert client.post(f"{url}/{version}/confirm", headers=second).status_code == 200
    body = client.get(f"{url}?on=2025-01-10", headers=headers).get_json()
    assert [(e["amount"], e["version"]) for e in body["in_force"]] == [("40000000", 1)]
    body = client.get(url, headers=headers).get_json()
    assert [(e["amount"], e["valid_from"]) for e in body["in_force"]] == [("45000000", "2025-03-21")]
    assert [v["version"] for v in body["versions"]] == [2, 1] and body["versions"][0]["note"] == "Nowruz 1404"


@pytest.mark.parametrize(("entry", "field", "message"), [
    ({"species": "lion", "age_class": "adult", "amount": "1", "valid_from": "2025-01-01"}, "species", "Must be one of"),
    ({"species": "sheep", "age_class": "adult", "amount": "-1", "valid_from": "2025-01-01"}, "amount", "negative"),
    ({"species": "sheep", "age_class": "adult", "amount": "1.5", "valid_from": "2025-01-01"}, "amount",
     "IRR amounts are whole numbers"),
    ({"species": "sheep", "age_class": "adult", "amount": "1", "valid_from": "soon"}, "valid_from", "Not a valid date"),
])
def test_bad_rates_answer_422_per_field(client, world, entry, field, message):
    r = client.post(f"/api/v1/programmes/{world.ir.programme.id}/rates", json={"entries": [entry]},
                    headers=bearer(client, world.ir.manager))
    assert r.status_code == 422
    assert message in str(r.get_json()["errors"]["entries"]["0"][field])


def test_rates_of_a_programme_above_ones_jurisdiction_cannot_be_changed(client, world, make):
    regional = make.user("manager", world.ir.region, username="regional_manager")
    commit()
    r = client.post(f"/api/v1/programmes/{world.ir.programme.id}/rates", headers=bearer(client, regional),
                    json={"entries": [{"species": "sheep", "age_class": "adult", "amount": "1",
                                       "valid_from": "2025-01-01"}]})
    assert r.status_code == 403 and "above your jurisdiction" in r.get_json()["message"]


def test_csv_import_reports_every_bad_line(client, world):
    url = f"/api/v1/programmes/{world.ir.programme.id}/rates/import"
    bad = b"species,age_class,amount,valid_from\nsheep,adult,45000000,2025-03-21\ngoat,old,1,2025-03-21\n" \
          b"cattle,adult,lots,2025-03-21\n"
    r = client.post(url, data={"file": (io.BytesIO(bad), "rates.csv")}, headers=bearer(client, world.ir.manager))
    assert r.status_code == 422
    assert r.get_json()["errors"]["file"] == ["Line 3, age_class: Must be one of: young, adult.",
                                              "Line 4, amount: Not a valid number."]
    good = b"species;age_class;amount;valid_from\nsheep;adult;45000000;2025-03-21\n"
    r = client.post(url, data={"file": (io.BytesIO(good), "rates.csv"), "note": "from the ministry"},
                    headers=bearer(client, world.ir.manager))
    assert r.status_code == 201 and r.get_json()["source"] == "csv" and len(r.get_json()["entries"]) == 1


def test_csv_import_reports_fractions_and_duplicates_with_the_other_bad_lines_in_one_pass(client, world):
    # IRR has no minor unit; line 5 repeats line 2's species, age class and date; line 3 does not read at all.
    bad = (b"species,age_class,amount,valid_from\nsheep,adult,45000000,2025-03-21\ngoat,old,1,2025-03-21\n"
           b"goat,adult,30000000.5,2025-03-21\nsheep,adult,46000000,2025-03-21\n")
    r = client.post(f"/api/v1/programmes/{world.ir.programme.id}/rates/import",
                    data={"file": (io.BytesIO(bad), "rates.csv")}, headers=bearer(client, world.ir.manager))
    assert r.status_code == 422
    assert r.get_json()["errors"]["file"] == [
        "Line 3, age_class: Must be one of: young, adult.",
        "Line 4, amount: IRR amounts are whole numbers.",
        "Line 5, valid_from: This species and age class already has a rate from this date in the table."]
    rates = client.get(f"/api/v1/programmes/{world.ir.programme.id}/rates", headers=bearer(client, world.ir.manager))
    assert rates.get_json()["versions"] == []  # nothing recorded


def test_batch_lifecycle_through_the_api(client, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    commit()
    m1, m2 = bearer(client, ir.manager), bearer(client, ir.manager2)
    r = client.post("/api/v1/payment-batches", json={"programme_id": ir.programme.id}, headers=m1)
    assert r.status_code == 201, r.get_json()
    batch = r.get_json()
    assert (batch["status"], batch["payment_count"], batch["total"]) == ("awaiting_approval", 1, "90000000")
    assert client.post(f"/api/v1/payment-batches/{batch['id']}/approve", headers=m1).status_code == 403
    assert client.get(f"/api/v1/payment-batches/{batch['id']}/payment-file.csv", headers=m1).status_code == 409
    assert client.post(f"/api/v1/payment-batches/{batch['id']}/approve", headers=m2).status_code == 200
    file = client.get(f"/api/v1/payment-batches/{batch['id']}/payment-file.csv", headers=m1)
    assert file.mimetype == "text/csv" and f"90000000,IRR,{claim.number}-F1" in file.get_data(as_text=True)
    payment = batch["payments"][0]
    r = client.post(f"/api/v1/payments/{payment['id']}/confirm", json={"reference": "T1"}, headers=m2)
    assert r.status_code == 422 and "paid_at" in r.get_json()["errors"]
    both = {"reference": "T1", "paid_at": utcnow().isoformat(), "paid_on": utcnow().date().isoformat()}
    r = client.post(f"/api/v1/payments/{payment['id']}/confirm", json=both, headers=m2)
    assert r.status_code == 422 and "either the moment or the day" in r.get_json()["errors"]["paid_at"][0]
    paid_at = utcnow().isoformat()
    r = client.post(f"/api/v1/payments/{payment['id']}/confirm", json={"reference": "T1", "paid_at": paid_at},
                    headers=m2)
    assert r.status_code == 200 and r.get_json()["status"] == "confirmed"
    r = client.post(f"/api/v1/payments/{payment['id']}/confirm", json={"reference": "T1", "paid_at": paid_at},
                    headers=m2)
    assert r.status_code == 409 and "confirmed" in r.get_json()["message"]
    listed = client.get("/api/v1/payment-batches?status=closed", headers=bearer(client, ir.auditor)).get_json()
    assert [b["id"] for b in listed["items"]] == [batch["id"]]


def test_auditors_see_payments_with_the_account_masked(client, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    payouts.batch(ir)
    commit()
    payments = client.get(f"/api/v1/claims/{claim.id}/payments", headers=bearer(client, ir.auditor)).get_json()
    assert payments[0]["payee_account"].endswith("67") and payments[0]["payee_account"].startswith("•")
    payments = client.get(f"/api/v1/claims/{claim.id}/payments", headers=bearer(client, ir.manager)).get_json()
    assert payments[0]["payee_account"] == "+98 915 123 4567"


def test_failing_a_payment_needs_a_reason(client, payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    commit()
    payment_id = client.get(f"/api/v1/payment-batches/{batch.id}", headers=bearer(client, ir.manager)
                            ).get_json()["payments"][0]["id"]
    r = client.post(f"/api/v1/payments/{payment_id}/fail", json={"reason": ""}, headers=bearer(client, ir.manager))
    assert r.status_code == 422
    r = client.post(f"/api/v1/payments/{payment_id}/fail", json={"reason": "Account closed"},
                    headers=bearer(client, ir.manager))
    assert r.get_json()["status"] == "failed" and r.get_json()["failure_reason"] == "Account closed"


def test_reconciliation_upload(client, payouts, ir, world):
    claim = payouts.approved(ir, **DAY)
    payouts.batch(ir)
    commit()
    today = local_today("Asia/Tehran").isoformat()
    text = f"reference,amount,date\n{claim.number}-F1,90000000,{today}\nNOPE,1,{today}\n".encode()
    r = client.post("/api/v1/reconciliations", data={"statement": (io.BytesIO(text), "bank.csv")},
                    headers=bearer(client, ir.manager))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["matched_count"], body["mismatch_count"]) == (1, 1)
    assert [(row["code"], row["message"]) for row in body["rows"]][1] == (
        "unknown_reference", "No payment with this reference in your offices.")
    assert client.get(f"/api/v1/reconciliations/{body['id']}", headers=bearer(client, ir.auditor)).status_code == 200
    assert client.get(f"/api/v1/reconciliations/{body['id']}", headers=bearer(client, world.am.manager)
                      ).status_code == 404


def test_overdue_list(client, payouts, ir):
    import time_machine

    claim = payouts.approved(ir, **DAY)
    commit()
    with time_machine.travel(utcnow() + timedelta(days=35), tick=False):
        body = client.get("/api/v1/payments/overdue", headers=bearer(client, ir.manager)).get_json()
    assert [(row["number"], row["days_overdue"] >= 4) for row in body] == [(claim.number, True)]


def test_payout_details(client, make, world):
    owner = make.owner(world.ir.clerk, world.ir.office)
    commit()
    url, headers = f"/api/v1/owners/{owner.id}/payout-details", bearer(client, world.ir.clerk)
    assert client.get(url, headers=headers).get_json() | {} == {
        "method": "mobile_money", "bank_name": "", "account_number": None, "account_or_phone": "+98 915 123 4567",
        "is_default": True}
    r = client.put(url, json={"method": "bank"}, headers=headers)
    assert r.status_code == 422 and "account_number" in r.get_json()["errors"]
    r = client.put(url, json={"method": "bank", "bank_name": "Bank Melli", "account_number": "IR82 0170 0000 0012"},
                   headers=headers)
    assert r.get_json()["account_or_phone"] == "IR82 0170 0000 0012"
    assert client.get(url, headers=bearer(client, world.ir.auditor)).status_code == 403


def test_the_openapi_document_describes_payouts(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/programmes/{programme_id}/rates", "/api/v1/claims/{claim_id}/assessment",
                 "/api/v1/claims/{claim_id}/approve", "/api/v1/claims/{claim_id}/reject", "/api/v1/payment-batches",
                 "/api/v1/payments/{payment_id}/confirm", "/api/v1/reconciliations"):
        assert path in paths
    assert "patch" in paths["/api/v1/programmes/{programme_id}"]
    assert paths["/api/v1/payments/{payment_id}"]["parameters"][0]["schema"]["maximum"] == 2**31 - 1


def test_the_payment_file_for_excel_starts_with_a_byte_order_mark(client, runner, payouts, ir, tmp_path):
    owner = payouts.make.owner(ir.clerk, ir.office, name="رحیم اسدی")
    payouts.approved(ir, owner=owner, **DAY)
    batch = payouts.batch(ir)
    commit()
    url = f"/api/v1/payment-batches/{batch.id}/payment-file.csv"
    plain = client.get(url, headers=bearer(client, ir.manager)).data
    assert plain.startswith(b"payee,") and "رحیم اسدی".encode() in plain
    assert client.get(f"{url}?bom=true", headers=bearer(client, ir.manager)).data == b"\xef\xbb\xbf" + plain
    login(client, ir.manager)
    page = client.get(f"/payment-batches/{batch.id}").get_data(as_text=True)
    assert 'name="bom"' in page
    assert client.get(f"/payment-batches/{batch.id}/payment-file.csv?bom=true").data == b"\xef\xbb\xbf" + plain
    out = tmp_path / "batch.csv"
    result = runner.invoke(args=["batches", "export", str(batch.id), "--user", "manager_ir", "--bom", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"\xef\xbb\xbf" + plain
