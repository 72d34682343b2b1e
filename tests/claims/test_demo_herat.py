"""The demo's Herat office: could a clerk in Herat use the service? After the whole ``flask demo load``, its claims
reach every stage and are paid in afghanis, and a Dari clerk reads them in Afghan months, Persian digits and Kabul
time."""

import re

import sqlalchemy as sa

from claims.models import Claim, Programme
from claims.states import ClaimState
from conflict_service.db import db
from payouts.enums import PaymentStatus
from payouts.models import Payment
from tests.helpers import csrf_token

AFGHAN_MONTHS = ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت")
IRANIAN_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")


def test_the_herat_office_shows_every_stage_in_dari_and_afghanis(runner, app, ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "evidence"))
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    assert "clerk_af" in loaded.output and "manager2_af" in loaded.output
    herat = db.session.scalars(sa.select(Claim).where(Claim.number.like("AF-HRC-%")).order_by(Claim.id)).all()
    assert {c.status for c in herat} >= {
        ClaimState.SUBMITTED, ClaimState.UNDER_VERIFICATION, ClaimState.VERIFIED, ClaimState.REJECTED,
        ClaimState.APPROVED, ClaimState.IN_PAYMENT, ClaimState.PAID, ClaimState.WITHDRAWN}
    # numbered in filing order, each year from 000001
    assert [c.number for c in herat] == sorted(c.number for c in herat)
    assert {c.number[-6:] for c in herat} >= {"000001", "000002"}
    programme = db.session.scalar(sa.select(Programme).where(Programme.currency == "AFN"))
    assert programme.official_language == "fa_AF" and {c.programme_id for c in herat} == {programme.id}
    paid = [c for c in herat if c.status == ClaimState.PAID]
    payments = db.session.scalars(sa.select(Payment).where(Payment.claim_id.in_([c.id for c in paid]),
                                                           Payment.status == PaymentStatus.CONFIRMED)).all()
    assert payments and {p.currency for p in payments} == {"AFN"}

    client = app.test_client()
    page = client.post("/login", data={"username": "clerk_af", "password": "demo-password",
                                       "csrf_token": csrf_token(client)})
    assert page.status_code in (302, 303)
    html = client.get(f"/claims/{paid[-1].id}").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", html)
    assert any(month in text for month in AFGHAN_MONTHS)
    assert not any(f" {month} " in text for month in IRANIAN_MONTHS)
    assert re.search(r"[۰-۹]{4}", text) and "؋" in text  # a Solar Hijri year in Persian digits, afghanis
    assert "(کابل، " in text and "+۰۴:۳۰" in text
    assert "ادارهٔ هرات" in text and paid[-1].owner.name in text

    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output
