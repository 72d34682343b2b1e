"""The insurance pages as a clerk, a manager and an auditor use them."""

import sqlalchemy as sa

from claims.states import ClaimState
from conflict_service.db import db
from insurance.models import Policy, PremiumPayment
from tests.helpers import post_form, whole
from tests.payouts.conftest import sign_in


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_manager_sees_the_fund_and_the_claims_waiting_for_it(client, insurance):
    insurance.contribute("30000")
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    db.session.commit()
    sign_in(client, insurance.am.manager)
    page = text(client.get(f"/insurance/schemes/{insurance.scheme.id}"))
    assert "AMD\xa030,000.00" in page and "Available to pay claims" in page
    assert "1 claim awaits funds: AMD\xa048,000.00 needed" in page and claim.number in page
    home = text(client.get("/"))
    assert "Insurance funds" in home and "Claims awaiting funds: AMD\xa048,000.00 needed" in home
    claim_page = text(client.get(f"/claims/{claim.id}"))
    assert "Awaiting funds" in claim_page
    assert "more than the fund can pay now (AMD\xa030,000.00 available)" in claim_page
    assert "First in line" in claim_page and "Share of the assessed loss the scheme pays: 80%" in claim_page


def test_a_contribution_from_the_page_releases_the_waiting_claim(client, insurance):
    claim = insurance.approve(insurance.verified(insurance.enrol().owner))
    db.session.commit()
    sign_in(client, insurance.am.manager)
    path = f"/insurance/schemes/{insurance.scheme.id}"
    r = post_form(client, f"{path}/contributions", {"amount": "60000", "received_on": "2026-06-15",
                                                    "donor": "WWF Armenia", "season_id": insurance.season.id},
                  form_path=path)
    assert r.status_code == 302
    assert "Contribution recorded as posting no. 1." in text(client.get(path))
    db.session.expire_all()
    assert claim.status == ClaimState.APPROVED


def test_bad_input_on_the_scheme_page_keeps_what_was_typed(client, insurance):
    db.session.commit()
    sign_in(client, insurance.am.manager)
    path = f"/insurance/schemes/{insurance.scheme.id}"
    r = post_form(client, f"{path}/contributions", {"amount": "12.345", "received_on": "2026-06-15",
                                                    "donor": "Typo Trust"}, form_path=path)
    assert r.status_code == 422
    page = text(r)
    assert "AMD amounts have at most 2 decimal places." in page and 'value="Typo Trust"' in page
    r = post_form(client, f"{path}/seasons", {"name": "2026b", "starts_on": "2026-06-01", "ends_on": "2026-09-30"},
                  form_path=path)
    assert r.status_code == 422 and "seasons of a scheme must not overlap" in text(r)
    assert 'value="2026b"' in text(r)


def test_a_clerk_enrols_an_owner_and_collects_the_premium(client, insurance):
    owner = insurance.owner()
    db.session.commit()
    sign_in(client, insurance.am.clerk)
    path = f"/insurance/policies/new?owner_id={owner.id}"
    form = {"owner_id": owner.id, "season_id": insurance.season.id, "agreement_signed_on": "2026-06-15",
            "lines-0-species": "sheep", "lines-0-head_count": "500"}
    r = post_form(client, path, form)
    assert r.status_code == 422 and "registered herd has 120 head of sheep" in text(r) and 'value="500"' in text(r)
    r = post_form(client, path, form | {"lines-0-head_count": "60"})
    assert r.status_code == 302
    policy = db.session.scalar(sa.select(Policy).where(Policy.owner_id == owner.id))
    page = text(client.get(r.headers["Location"]))
    assert f"policy {whole(policy.number)}, premium due AMD\xa0120,000.00" in page
    r = post_form(client, f"/insurance/policies/{policy.id}/premiums", {"amount": "130000", "paid_on": "2026-06-15",
                                                                        "method": "cash"},
                  form_path=f"/insurance/policies/{policy.id}")
    assert r.status_code == 422 and "Only AMD\xa0120,000.00 of the premium is still due." in text(r)
    assert 'value="130000"' in text(r)
    r = post_form(client, f"/insurance/policies/{policy.id}/premiums", {"amount": "100000", "paid_on": "2026-06-15",
                                                                        "method": "cash"},
                  form_path=f"/insurance/policies/{policy.id}")
    page = text(client.get(r.headers["Location"]))
    assert f"receipt {whole(policy.number + '-R1')}" in page and "Print the receipt" in page
    payment = db.session.scalar(sa.select(PremiumPayment))
    pdf = client.get(f"/insurance/premiums/{payment.id}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    owner_page = text(client.get(f"/owners/{owner.id}"))
    assert policy.number in owner_page and "AMD\xa020,000.00" in owner_page  # still in arrears


def test_the_statement_page_and_downloads(client, insurance):
    policy = insurance.enrol(lines={"sheep": 10})
    insurance.pay(policy, "5000")
    db.session.commit()
    sign_in(client, insurance.am.auditor)
    page = text(client.get(f"/insurance/seasons/{insurance.season.id}/statement"))
    assert "Fund statement 2026" in page and "AMD\xa015,000.00" in page and policy.number in page
    csv = client.get(f"/insurance/seasons/{insurance.season.id}/enrolment.csv")
    assert csv.mimetype == "text/csv" and "village,policies,insured_sheep" in csv.get_data(as_text=True)
    html = client.get(f"/insurance/seasons/{insurance.season.id}/statement").get_data(as_text=True)
    assert f"/insurance/seasons/{insurance.season.id}/enrolment.csv?bom=true" in html  # the link for Excel
    excel = client.get(f"/insurance/seasons/{insurance.season.id}/enrolment.csv?bom=true")
    assert excel.data == b"\xef\xbb\xbf" + csv.data and not csv.data.startswith(b"\xef\xbb\xbf")
    assert "Record a donor contribution" not in text(client.get(f"/insurance/schemes/{insurance.scheme.id}"))


def test_the_ledger_page_corrects_a_contribution(client, insurance):
    insurance.contribute("5000", donor="Typo")
    db.session.commit()
    sign_in(client, insurance.am.manager)
    path = f"/insurance/schemes/{insurance.scheme.id}/ledger"
    r = post_form(client, f"{path}/1/reverse", {"reason": "Entered in the wrong scheme"}, form_path=path)
    page = text(client.get(r.headers["Location"]))
    assert "Posting no. 1 reversed by posting no. 2." in page and "Reversed by posting no. 2" in page


def test_clerks_do_not_see_statements_and_other_countries_see_nothing(client, insurance):
    db.session.commit()
    sign_in(client, insurance.am.clerk)
    assert client.get(f"/insurance/seasons/{insurance.season.id}/statement").status_code == 403
    assert "Policies with premium in arrears" in text(client.get("/"))
    other = insurance.world.ir.manager
    client2 = client.application.test_client()
    sign_in(client2, other)
    assert client2.get(f"/insurance/schemes/{insurance.scheme.id}").status_code == 404
    assert client2.get(f"/insurance/seasons/{insurance.season.id}/statement").status_code == 404


def test_a_manager_records_a_violation_from_the_policy_page(client, insurance):
    policy = insurance.enrol()
    db.session.commit()
    sign_in(client, insurance.am.manager)
    path = f"/insurance/policies/{policy.id}"
    r = post_form(client, f"{path}/violation", {"occurred_on": "2026-07-01", "note": "Snare"}, form_path=path)
    assert r.status_code == 422 and "cannot be in the future" in text(r)
    r = post_form(client, f"{path}/violation", {"occurred_on": "2026-06-01", "note": "Snare"}, form_path=path)
    page = text(client.get(r.headers["Location"]))
    assert "no longer covers losses from that day" in page and "Cover ended: poaching violation" in page


def test_approving_a_claim_the_fund_cannot_pay_says_it_waits(client, insurance):
    claim = insurance.verified(insurance.enrol().owner)
    db.session.commit()
    sign_in(client, insurance.am.manager)
    r = post_form(client, f"/claims/{claim.id}/approve", {}, form_path=f"/claims/{claim.id}")
    page = text(client.get(r.headers["Location"]))
    assert f"Claim {whole(claim.number)} approved; the insurance fund cannot pay it yet" in page
    assert "Awaiting funds" in page


def test_the_premium_rates_page_says_the_currency_as_its_reader_does(client, insurance):
    db.session.commit()
    sign_in(client, insurance.am.manager)
    page = text(client.get(f"/insurance/seasons/{insurance.season.id}/rates?lang=ru"))
    assert "Страховой взнос за застрахованную голову (драм)." in page and "AMD" not in page


def test_insured_head_read_as_counts_of_each_species_in_the_readers_language(client, insurance):
    """«97 коза» is wrong in Russian: a count and a species' name are written as the loss lines write them, «97 ×
    Коза», in the reader's digits and list separator; nowhere as the bare number before the name."""
    policy = insurance.enrol(lines={"sheep": 50, "goat": 21})
    db.session.commit()
    sign_in(client, insurance.am.manager)
    listed = text(client.get("/insurance/policies?lang=ru"))
    assert "21 × Коза, 50 × Овца" in listed and "21 коза" not in listed.lower()
    persian = text(client.get(f"/owners/{policy.owner_id}?lang=fa"))
    assert "۲۱ × بز، ۵۰ × گوسفند" in persian
    statement = text(client.get(f"/insurance/seasons/{insurance.season.id}/statement?lang=ar"))
    assert "٥٠ × " in statement and "٢١ × " in statement
