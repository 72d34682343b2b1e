"""The payouts pages as a manager, an auditor and a clerk use them."""

import io

import pytest
import sqlalchemy as sa
from markupsafe import escape

from claims import rule_changes
from claims.enums import TimeOfDay
from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from conflict_service.timeutil import local_today
from payouts.enums import BatchStatus, PaymentStatus
from payouts.models import Payment, PaymentBatch, RateTable
from tests.helpers import csrf_token, post_form, whole
from tests.payouts.conftest import sign_in

DAY = {"time_of_day": TimeOfDay.DAY}


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    return world.ir


def text(response) -> str:
    return response.get_data(as_text=True)


def test_approval_queue_and_claim_page(client, payouts, ir):
    claim = payouts.verified(ir, **DAY)
    db.session.commit()
    sign_in(client, ir.manager)
    page = text(client.get("/approvals"))
    assert claim.number in page and "IRR\xa090,000,000" in page
    page = text(client.get(f"/claims/{claim.id}"))
    assert "2 × Sheep (Adult) killed, at IRR\xa045,000,000 each" in page
    assert "Approve IRR\xa090,000,000" in page and "Live: follows the current rules" in page


def test_approving_from_the_claim_page_freezes_the_breakdown(client, payouts, ir):
    claim = payouts.verified(ir, **DAY)
    db.session.commit()
    sign_in(client, ir.manager)
    r = post_form(client, f"/claims/{claim.id}/approve", {"note": "Photos are clear"}, form_path=f"/claims/{claim.id}")
    assert r.status_code == 302
    page = text(client.get(f"/claims/{claim.id}"))
    assert f"Claim {whole(claim.number)} approved." in page
    assert "Frozen at approval" in page and "Approve IRR" not in page and "Payment due by" in page


def test_a_refused_decision_comes_back_as_a_message_and_changes_nothing(client, payouts, ir):
    ir.programme.dual_approval_threshold = 1
    claim = payouts.verified(ir, **DAY)
    db.session.commit()
    sign_in(client, ir.manager)
    post_form(client, f"/claims/{claim.id}/approve", {}, form_path=f"/claims/{claim.id}")
    page = text(client.get(f"/claims/{claim.id}"))
    assert "a second manager must approve" in page
    assert "You gave the first approval; another manager must give the second." in page
    r = post_form(client, f"/claims/{claim.id}/approve", {}, form_path=f"/claims/{claim.id}")
    assert "second, different manager" in text(client.get(r.headers["Location"]))
    r = post_form(client, f"/claims/{claim.id}/reject", {"reason_code": ""}, form_path=f"/claims/{claim.id}")
    assert "required" in text(client.get(r.headers["Location"]))
    db.session.expire_all()
    assert claim.status == ClaimState.VERIFIED


def test_clerks_see_the_assessment_but_no_decision_forms(client, payouts, ir):
    claim = payouts.verified(ir, **DAY)
    db.session.commit()
    sign_in(client, ir.clerk)
    page = text(client.get(f"/claims/{claim.id}"))
    assert "Base amount" in page and "Approve IRR" not in page
    assert client.get("/approvals").status_code == 403


def test_rates_page_records_a_version_and_keeps_typed_values_on_errors(client, ir):
    db.session.commit()
    sign_in(client, ir.manager)
    url = f"/programmes/{ir.programme.id}/rates"
    r = post_form(client, url, {"rates-0-species": "camel", "rates-0-age_class": "adult", "rates-0-amount": "x",
                                "rates-0-valid_from": "2025-03-21"})
    assert r.status_code == 422
    assert 'value="x"' in text(r) and "Not a valid number." in text(r)
    r = post_form(client, url, {"rates-0-species": "camel", "rates-0-age_class": "adult",
                                "rates-0-amount": "600000000", "rates-0-valid_from": "2025-03-21", "note": "camels"})
    assert r.status_code == 302
    assert "IRR\xa0600,000,000" in text(client.get(url))
    assert db.session.scalar(sa.select(sa.func.max(RateTable.version))) == 2


def test_rates_csv_upload_from_the_page(client, ir):
    db.session.commit()
    sign_in(client, ir.manager)
    url = f"/programmes/{ir.programme.id}/rates"
    r = client.post(url, data={"csrf_token": csrf_token(client, url), "file": (
        io.BytesIO(b"species,age_class,amount,valid_from\nyak,adult,nope,2025-01-01\n"), "r.csv")})
    assert r.status_code == 422 and "Line 2, amount: Not a valid number." in text(r)


def test_the_rates_page_links_a_sample_file_the_import_accepts(client, ir):
    """The page describes the columns in words and links a sample file; that file, as downloaded, records a version."""
    db.session.commit()
    sign_in(client, ir.manager)
    url = f"/programmes/{ir.programme.id}/rates"
    page = text(client.get(url))
    assert 'href="/rates/sample.csv"' in page and "age_class," not in page
    sample = client.get("/rates/sample.csv")
    assert sample.mimetype == "text/csv" and sample.data.startswith(b"species,age_class,amount,valid_from\r\n")
    r = client.post(url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(sample.data), "r.csv")})
    assert r.status_code == 302, text(r)


def test_programme_rules_form(client, ir):
    db.session.commit()
    sign_in(client, ir.manager)
    url = f"/programmes/{ir.programme.id}/edit"
    form = {"name": "Razavi programme", "official_language": "fa", "is_active": "true", "report_deadline_days": "5",
            "injured_pct": "130", "missing_pct": "0", "negligence_pct": "25", "noncompliance_pct": "50",
            "mitigation_bonus_pct": "10", "coverage_pct": "80", "deductible": "0", "household_annual_cap": "",
            "dual_approval_threshold": "150000000", "verification_sla_hours": "72", "payment_sla_days": "30",
            "appeal_days": "30", "max_claims_per_year": "5", "min_confidence": "probable",
            "covered_predators": ["leopard", "wolf"], "advance_pct": "0", "late_interest_pct_per_year": "12",
            "retaliation_freeze_days": "0", "exclusion_zones": '{"type": "Point", "coordinates": [59, 37]}'}
    r = post_form(client, url, form)
    assert r.status_code == 422
    page = text(r)
    assert "Must be between 0 and 100." in page and "only polygons are allowed (found Point)" in page
    assert 'value="130"' in page and 'value="wolf" checked' in page
    form.update(injured_pct="35", exclusion_zones="")
    assert post_form(client, url, form).status_code == 302
    db.session.expire_all()
    assert ir.programme.report_deadline_days == 5 and ir.programme.injured_pct == 30  # money rules: a proposal
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "programme.updated")).one()
    assert event.changes["name"][1] == "Razavi programme" and "injured_pct" not in event.changes
    page = text(client.get(f"/programmes/{ir.programme.id}"))
    assert "waiting for a second manager" in page and "Confirm the change" not in page  # not by its author
    (change,) = rule_changes.pending(ir.programme)
    second = client.application.test_client()
    sign_in(second, ir.manager2)
    assert post_form(second, f"/programmes/{ir.programme.id}/rule-changes/{change.id}/confirm", {},
                     form_path=f"/programmes/{ir.programme.id}").status_code == 302
    db.session.expire_all()
    assert ir.programme.injured_pct == 35 and ir.programme.covered_predators == ["leopard", "wolf"]
    assert ir.programme.dual_approval_threshold == 150000000
    page = text(client.get(f"/programmes/{ir.programme.id}"))
    assert "35%" in page and "Leopard and Wolf" in page


def test_batches_from_the_pages(client, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    db.session.commit()
    sign_in(client, ir.manager)
    page = text(client.get(f"/payment-batches/new?programme_id={ir.programme.id}"))
    assert claim.number in page and "IRR\xa090,000,000" in page
    r = post_form(client, "/payment-batches/new", {"programme_id": ir.programme.id, "claim_ids": [claim.id]},
                  form_path=f"/payment-batches/new?programme_id={ir.programme.id}")
    assert r.status_code == 302
    batch = db.session.scalars(sa.select(PaymentBatch)).one()
    detail = f"/payment-batches/{batch.id}"
    assert "another manager must approve it" in text(client.get(detail))
    client.post("/logout", data={"csrf_token": csrf_token(client, detail)})
    sign_in(client, ir.manager2)
    post_form(client, f"{detail}/approve", {}, form_path=detail)
    db.session.expire_all()
    assert batch.status == BatchStatus.APPROVED
    csv_text = text(client.get(f"{detail}/payment-file.csv"))
    assert csv_text.splitlines()[1].endswith(f"90000000,IRR,{claim.number}-F1,mobile_money")
    payment = db.session.scalars(sa.select(Payment)).one()
    r = post_form(client, f"/payments/{payment.id}/confirm", {"reference": "MELLI-77",
                                                               "paid_on": local_today("Asia/Tehran").isoformat()},
                  form_path=detail)
    assert "confirmed" in text(client.get(r.headers["Location"]))
    db.session.expire_all()
    assert payment.status == PaymentStatus.CONFIRMED and claim.status == ClaimState.PAID


def test_reconciliation_page(client, payouts, ir):
    claim = payouts.approved(ir, **DAY)
    payouts.batch(ir)
    db.session.commit()
    sign_in(client, ir.manager)
    statement = f"reference,amount,date\n{claim.number}-F1,90000000,{local_today('Asia/Tehran')}\n".encode()
    r = client.post("/reconciliations", data={"csrf_token": csrf_token(client, "/reconciliations"),
                                              "statement": (io.BytesIO(statement), "melli.csv")})
    assert r.status_code == 302
    page = text(client.get(r.headers["Location"]))
    assert "Matched: the payment of IRR\xa090,000,000 is confirmed." in page
    assert "melli.csv" in text(client.get("/reconciliations"))


def test_the_reconciliation_page_links_a_sample_statement_the_import_reads(client, ir):
    db.session.commit()
    sign_in(client, ir.manager)
    assert 'href="/reconciliations/sample.csv"' in text(client.get("/reconciliations"))
    sample = client.get("/reconciliations/sample.csv")
    assert sample.data.startswith(b"reference,amount,date,bank_reference,currency\r\n")
    r = client.post("/reconciliations", data={"csrf_token": csrf_token(client, "/reconciliations"),
                                              "statement": (io.BytesIO(sample.data), "sample.csv")})
    assert r.status_code == 302  # read: its one row is listed as not matching any payment


def test_payout_details_on_the_owner_page(client, make, ir):
    owner = make.owner(ir.clerk, ir.office)
    db.session.commit()
    sign_in(client, ir.clerk)
    assert "Mobile money" in text(client.get(f"/owners/{owner.id}"))
    url = f"/owners/{owner.id}/payout-details"
    r = post_form(client, url, {"method": "bank", "bank_name": "Bank Melli", "account_number": ""})
    assert r.status_code == 422 and "Give the bank account number" in text(r) and 'value="Bank Melli"' in text(r)
    assert post_form(client, url, {"method": "bank", "bank_name": "Bank Melli",
                                   "account_number": "IR820170000000123456789012"}).status_code == 302
    assert "IR82 0170 0000 0012 3456 7890 12" in text(client.get(f"/owners/{owner.id}"))  # in fours, as banks print it


def test_auditors_read_batches_without_buttons(client, payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    db.session.commit()
    sign_in(client, ir.auditor)
    page = text(client.get(f"/payment-batches/{batch.id}"))
    assert "Payments" in page and "Confirm as paid" not in page and "Download the payment file" not in page
    assert "+98 915 123 4567" not in page  # personal data masked


def test_a_rejected_claim_shows_the_decision_not_a_live_assessment(client, payouts, ir):
    from payouts import operations
    from payouts.enums import RejectReason

    claim = payouts.verified(ir, **DAY)
    operations.reject_claim(claim, {"reason_code": RejectReason.FALSE_CLAIM, "note": "Animals seen alive"}, ir.manager)
    db.session.commit()
    sign_in(client, ir.auditor)
    page = text(client.get(f"/claims/{claim.id}"))
    assert "Animals seen alive" in page and "False claim" in page and "Base amount" not in page


def test_the_rates_form_names_the_currency_as_amounts_do_in_the_readers_script(client, ir):
    """A Pashto manager's rate column reads «(ریال)», as the amounts below it, not the code «(IRR)»."""
    ir.manager.preferred_language = "ps"
    db.session.commit()
    sign_in(client, ir.manager)
    page = text(client.get(f"/programmes/{ir.programme.id}/rates"))
    assert "(ریال)" in page and "IRR" not in page  # nor in the sentence above the table
    assert "د هر سر مبلغونه په ریال." in page
    ir.manager.preferred_language = "en"
    db.session.commit()
    assert "Per head (IRR)" in text(client.get(f"/programmes/{ir.programme.id}/rates"))


def test_a_batchs_builder_and_approver_are_isolated_from_the_text_around_them(client, payouts, ir):
    """«۶ آذر ۱۴۰۵ · manager_ir»: a name in another direction than the page ran into the date beside it."""
    batch = payouts.batch(ir, [payouts.approved(ir, **DAY)])
    db.session.commit()
    sign_in(client, ir.manager)
    for path in ("/payment-batches", f"/payment-batches/{batch.id}"):
        page = text(client.get(path))
        for user in (ir.manager, ir.manager2):  # built by the one, approved by the other
            assert f"<bdi>{user.display_name}</bdi>" in page, (path, user.display_name)


def test_a_batchs_payee_is_isolated_from_the_text_around_it(client, payouts, ir):
    """A payee's name is text its owner entered, in either direction: on the batch's page it is isolated (<bdi>)."""
    batch = payouts.batch(ir, [payouts.approved(ir, **DAY)])
    payment = db.session.scalar(sa.select(Payment).where(Payment.batch_id == batch.id))
    payment.payee_name = "Ebrahim Zarei (ابراهیم)"
    db.session.commit()
    sign_in(client, ir.manager)
    page = text(client.get(f"/payment-batches/{batch.id}"))
    assert f"<bdi>{escape(payment.payee_name)}</bdi>" in page
