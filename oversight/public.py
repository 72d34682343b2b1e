"""The public status page: an owner (or anyone they trust) sees a claim's progress with its number and PIN.

It shows no personal data, speaks the owner's language unless another is chosen, and locks a claim's
lookup after repeated wrong PINs (besides a per-address rate limit), so PINs cannot be guessed.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from claims.models import Claim
from claims.states import ClaimState
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.presentation import describe_html
from conflict_service.db import db
from conflict_service.errors import NotFound, ValidationError
from conflict_service.i18n import format_number, plain_digits
from conflict_service.timeutil import utcnow
from oversight.models import StatusLookupGuard

MAX_FAILURES = 5
LOCK_MINUTES = 30
MILESTONES = {  # audit actions an owner may see, without who did them
    "claim.submitted", "claim.assign", "claim.verify_confirm", "claim.verify_reject", "claim.appeal",
    "claim.approve", "claim.reject", "claim.pay", "claim.withdraw",
}
# The staff's descriptions of these name the verifier; the public page says what happened, never who did it.
PUBLIC_WORDS = {
    "claim.assign": L_("A field verifier was assigned"),
    "claim.verify_confirm": L_("Site visit recorded: the loss was confirmed"),
    "claim.verify_reject": L_("Site visit recorded: the loss was not confirmed"),
}


class LookupLocked(ValidationError):
    status, code = 429, "locked"


@dataclass
class PublicStatus:
    claim: Claim
    milestones: list[AuditEvent]


# A claim number as people type it from a receipt: any case, any digits, any dash, leading zeros left out.
_SEP = r"[\s\-\u2010-\u2015\u2212_/.]+"
NUMBER_TYPED = re.compile(rf"([A-Z]{{2}}){_SEP}([A-Z0-9]{{1,12}}){_SEP}(\d{{4}}){_SEP}(\d{{1,9}})")


def claim_number(typed: str) -> str | None:
    """``ir-drg-2026-78`` (or in Persian digits) → ``IR-DRG-2026-000078``; None when it cannot be a claim number."""
    match = NUMBER_TYPED.fullmatch(plain_digits(typed or "").strip().upper())
    if match is None:
        return None
    country, office, year, seq = match.groups()
    return f"{country}-{office}-{year}-{int(seq):06d}"


def find_claim(number: str) -> Claim:
    wanted = claim_number(number)
    claim = db.session.scalar(sa.select(Claim).where(Claim.number == wanted)) if wanted else None
    if claim is None:
        raise NotFound(_("No claim has this number. Check it against the receipt."))
    return claim


def check_pin(claim: Claim, pin: str) -> PublicStatus:
    """Compare the PIN in constant time; count failures and lock after too many. The caller commits."""
    guard = db.session.get(StatusLookupGuard, claim.id) or StatusLookupGuard(claim_id=claim.id, failures=0)
    now = utcnow()
    if guard.locked_until and guard.locked_until > now:
        raise LookupLocked({"pin": [ngettext("Too many wrong PINs. Try again after %(minutes)s minute.",
                                             "Too many wrong PINs. Try again after %(minutes)s minutes.",
                                             LOCK_MINUTES, minutes=format_number(LOCK_MINUTES))]})
    pin = re.sub(r"\s", "", plain_digits(pin or ""))
    if not (pin.isascii() and pin.isdigit() and len(pin) == len(claim.pin)):  # a typing slip, not a guess
        raise ValidationError({"pin": [_("The PIN is the {n} digits printed on the receipt.").format(
            n=format_number(len(claim.pin)))]})
    if not hmac.compare_digest(pin.encode(), claim.pin.encode()):
        _count_failure(claim, now)
        raise ValidationError({"pin": [_("This PIN does not match the claim number.")]})
    if guard.failures:
        guard.failures = 0
    return PublicStatus(claim, _milestones(claim))


def _count_failure(claim: Claim, now) -> None:
    """Add one wrong PIN in a single statement (an upsert), so parallel guesses each count; lock at the limit."""
    table = StatusLookupGuard.__table__
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[db.session.get_bind().dialect.name]
    reaches = table.c.failures + 1 >= MAX_FAILURES
    stmt = insert(table).values(claim_id=claim.id, failures=1, locked_until=None)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.claim_id], set_={
        "failures": sa.case((reaches, 0), else_=table.c.failures + 1),
        "locked_until": sa.case((reaches, now + timedelta(minutes=LOCK_MINUTES)), else_=table.c.locked_until)})
    db.session.execute(stmt)


def _milestones(claim: Claim) -> list[AuditEvent]:
    stmt = (sa.select(AuditEvent).where(AuditEvent.entity_type == "claim", AuditEvent.entity_id == claim.id,
                                        AuditEvent.action.in_(MILESTONES)).order_by(AuditEvent.seq))
    return list(db.session.scalars(stmt))


def describe_milestone(event: AuditEvent) -> Markup | str:
    """A milestone in words for the owner: what happened, without naming any member of staff; a claim number or a
    payment's reference in it set apart as the claim's own page does (describe_html)."""
    words = PUBLIC_WORDS.get(event.action)
    return str(words) if words is not None else describe_html(event)


def next_step(claim: Claim) -> str:
    """What happens next, in plain words."""
    texts = {
        ClaimState.SUBMITTED: _("A field verifier will be assigned to visit the site."),
        ClaimState.UNDER_VERIFICATION: _("A field verifier will visit the site and record the evidence."),
        ClaimState.VERIFIED: _("The programme manager will decide on the payment."),
        ClaimState.APPROVED: _("The payment will be sent with the next payment batch."),
        ClaimState.AWAITING_FUNDS: _("The payment is approved and waits for money in the insurance fund; it is paid "
                                     "as soon as premiums or donor contributions arrive."),
        ClaimState.IN_PAYMENT: _("The payment has been sent and is waiting for confirmation."),
        ClaimState.PAID: _("The claim is paid. Nothing more is needed."),
        ClaimState.REJECTED: _("The claim was rejected. The office can explain why and help with an appeal."),
        ClaimState.WITHDRAWN: _("The claim was withdrawn."),
    }
    return texts[claim.status]
