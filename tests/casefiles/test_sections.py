"""The case file shows whatever the claim has: verification, decisions, payments and, once registered, assessment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from casefiles import documents, sections
from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species, TimeOfDay
from claims.queries import get_claim
from claims.states import ClaimAction, apply_action
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from tests.casefiles.conftest import BASE
from tests.casefiles.pdftools import pdf_text
from verification.enums import CarcassDisposal, VerificationOutcome
from verification.models import Verification, VerifiedLossLine


def squeezed(claim) -> str:
    return " ".join(pdf_text(documents.render(claim, "casefile", base_url=BASE)[0]).split())


def verify(claim, verifier, **fields):
    claim.assigned_verifier_id = verifier.id  # what the verification package's assignment will do
    visit = Verification(claim_id=claim.id, verifier_id=verifier.id, visited_at=utcnow() - timedelta(hours=2),
                         predator=Predator.LEOPARD, confidence=Confidence.CONFIRMED,
                         outcome=VerificationOutcome.CONFIRMED, has_carcass=True, has_neck_bites=True,
                         canine_spacing_mm=42, notes="Drag marks towards the rocks.", **fields)
    visit.lines = [VerifiedLossLine(species=Species.SHEEP, age_class=AgeClass.ADULT, outcome=LossOutcome.KILLED,
                                    count=1)]
    db.session.add(visit)
    db.session.flush()
    return visit


def test_an_empty_claim_says_what_is_not_recorded_yet(filed):
    text = squeezed(filed(language="en"))
    for expected in ("No site visit or evidence has been recorded yet.", "No assessment has been made yet.",
                     "No decision has been taken on this claim yet.", "No payment has been made for this claim yet."):
        assert expected in text


def test_verification_decisions_and_payments_fill_in_as_they_happen(filed, world):
    claim = filed(language="en")
    verify(claim, world.ir.verifier, carcass_disposal=CarcassDisposal.LEFT_IN_PLACE)
    apply_action(claim, ClaimAction.ASSIGN, world.ir.clerk)
    apply_action(claim, ClaimAction.VERIFY_CONFIRM, world.ir.verifier)
    apply_action(claim, ClaimAction.APPROVE, world.ir.manager, reason="Leopard confirmed by bite marks.")
    apply_action(claim, ClaimAction.ADD_TO_BATCH, world.ir.manager2)
    apply_action(claim, ClaimAction.PAY, world.ir.manager2)
    db.session.commit()
    text = squeezed(get_claim(claim.id, world.ir.auditor))
    for expected in ("Site visit 1", "Leopard", "Confirmed", "42 mm", "Drag marks towards the rocks.",
                     "Losses as verified", "Flagged: a carcass left in place may be poisoned and kill leopards.",
                     "Site visit recorded by", "Approved", "Reason: Leopard confirmed by bite marks.",
                     "Added to payment batch", "Paid", world.ir.manager.username, world.ir.verifier.username):
        assert expected in text, expected
    assert "No decision has been taken" not in text and "No payment has been made" not in text


@pytest.fixture
def assessment_builder():
    original = list(sections.SECTIONS)
    yield
    sections.SECTIONS[:] = original


def test_a_registered_assessment_builder_fills_its_section(filed, assessment_builder):
    def build(claim, _options):
        return {"steps": [{"label": "Base", "detail": "1 × adult sheep at 12,000,000", "amount": Decimal(12000000)},
                          {"label": "Late report", "detail": "× 50%", "amount": Decimal(6000000)}],
                "total": Decimal(6000000), "currency": claim.programme.currency, "payable": True, "reason": None}

    sections.register("assessment", sections.SECTIONS[1].title, "casefiles/sections/assessment.html", build)
    assert [s.key for s in sections.SECTIONS].index("assessment") == 1  # replaced in place, order kept
    text = squeezed(filed(language="en"))
    assert "1 × adult sheep at 12,000,000" in text and "Assessed amount IRR6,000,000" in text.replace(" IRR ", " IRR")
    assert "No assessment has been made yet." not in text


def paid_claim(world, make, language: str):
    """An Iranian claim for two adult sheep at 45,000,000 rials each, approved and paid, as the auditor loads it."""
    from payouts import operations as payout_ops
    from payouts.queries import payments_for
    from tests.payouts.conftest import Payouts, set_rates

    set_rates(world.ir.programme, {("sheep", "adult"): "45000000"})
    payouts = Payouts(make, world)
    owner = make.owner(world.ir.clerk, world.ir.office, preferred_language=language)
    claim = payouts.approved(world.ir, owner=owner, time_of_day=TimeOfDay.DAY)
    payouts.batch(world.ir, [claim])
    payment = payments_for(claim.id)[0]
    payout_ops.confirm_payment(payment, {"reference": "BANK-778", "paid_at": utcnow()}, world.ir.manager)
    db.session.commit()
    return get_claim(claim.id, world.ir.auditor), payment


def test_a_paid_claim_prints_its_frozen_assessment_and_payment(world, make):
    claim, payment = paid_claim(world, make, "en")
    text = squeezed(claim)
    assert "2 × Sheep (Adult) killed, at IRR 45,000,000 each" in text.replace("\xa0", " ")
    assert "Assessed amount" in text and "90,000,000" in text
    assert payment.reference in text and "No payment has been made" not in text


def test_a_case_file_reads_the_audit_trail_and_the_visits_once(filed, world, chain_head):
    """Sections, signatures and the verification code share one read of each (they were read up to five times)."""
    import sqlalchemy as sa

    from casefiles.context import build_context, verification_code
    from casefiles.sections import DocumentOptions

    claim = filed(language="en")
    verify(claim, world.ir.verifier)
    apply_action(claim, ClaimAction.ASSIGN, world.ir.clerk)
    apply_action(claim, ClaimAction.VERIFY_CONFIRM, world.ir.verifier)
    apply_action(claim, ClaimAction.APPROVE, world.ir.manager, reason="Leopard confirmed by bite marks.")
    db.session.commit()
    claim = get_claim(claim.id, world.ir.auditor)
    statements = []
    listen = (db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    sa.event.listen(*listen)
    try:
        context = build_context(claim, DocumentOptions(), BASE)
    finally:
        sa.event.remove(*listen)
    assert sum("FROM audit_events" in s for s in statements) == 1, statements
    visits = [s for s in statements if "FROM verifications" in s and "verifications.claim_id =" in s]
    assert len(visits) == 1, visits  # (the live assessment reads the confirming visit of its own: IN (…))
    assert context["code"] == verification_code(claim.number, chain_head(claim.id))
    assert context["people"]["verifier"] == world.ir.verifier.display_name
    assert context["people"]["manager"] == world.ir.manager.display_name
    assert [e["action"] for e in context["sections"][2]["data"]] == ["claim.verify_confirm", "claim.approve"]


def test_a_pashto_case_file_names_the_rial_in_pashto_not_by_its_code(world, make):
    """CLDR has no Pashto symbol for the rial (its code «IRR»): the owner's case file writes «ریال» after the amount."""
    claim, _payment = paid_claim(world, make, "ps")
    pdf, _name = documents.render(claim, "casefile", lang="ps", base_url=BASE)
    text = pdf_text(pdf)
    assert "IRR" not in text
    assert "۹۰٬۰۰۰٬۰۰۰ریال" in "".join(text.split())  # pdftotext moves the space of a right-to-left run
