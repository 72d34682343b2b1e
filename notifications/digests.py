"""Staff hear about what is late (DESIGN §11): a daily digest per user of their overdue and due-today claims, in
their language, by e-mail; claims overdue by more than ``ESCALATION_HOURS`` escalated to the managers of their
jurisdiction. A digest is queued once per user and day, an escalation once per claim, stage and day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from claims.enums import Clock
from claims.models import Claim
from claims.states import ClaimState
from conflict_service.auth.models import Role, User
from conflict_service.db import db
from conflict_service.i18n import format_datetime, format_number
from conflict_service.jurisdictions.queries import office_ids
from conflict_service.timeutil import local_date, utcnow
from notifications.enums import Medium, Template
from notifications.models import Escalation, OutboxMessage, StaffContact

# Whose move each stage waits for: the digest of a role lists the stages it can act on.
STAGES_OF = {
    Role.CLERK: (Clock.VERIFICATION,),  # claims still waiting for a verifier to be assigned
    Role.VERIFIER: (Clock.VERIFICATION,),  # their own assignments
    Role.MANAGER: (Clock.DECISION, Clock.PAYMENT, Clock.CONFIRMATION),
}


@dataclass
class Line:
    claim: Claim
    is_overdue: bool


def lines_for(user: User) -> list[Line]:
    """The user's claims overdue now or due before their office's day ends, soonest due first."""
    stages = STAGES_OF.get(user.role)
    offices = office_ids(user)
    if not stages or not offices:
        return []
    stmt = (sa.select(Claim).where(Claim.office_id.in_(offices), Claim.due_clock.in_(stages),
                                   Claim.due_at < utcnow() + timedelta(days=1)).order_by(Claim.due_at, Claim.id))
    if user.role == Role.VERIFIER:
        stmt = stmt.where(Claim.assigned_verifier_id == user.id)
    elif user.role == Role.CLERK:
        stmt = stmt.where(Claim.status == ClaimState.SUBMITTED)
    now = utcnow()
    lines = []
    for claim in db.session.scalars(stmt):
        due_day = local_date(claim.due_at, claim.office.timezone)
        if claim.due_at < now or due_day <= local_date(now, claim.office.timezone):
            lines.append(Line(claim, claim.due_at < now))
    return lines


def _claim_url(claim: Claim) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    return f"{base.rstrip('/')}{url_for('claims.claim_detail', claim_id=claim.id)}" if base else ""


def _line_text(line: Line) -> str:
    claim = line.claim
    when = format_datetime(claim.due_at, tz=claim.office.timezone, with_zone=True)
    text = (_("{number}: {stage} overdue since {when}") if line.is_overdue else _("{number}: {stage} due {when}"))
    text = text.format(number=claim.number, stage=claim.due_clock.title, when=when)
    url = _claim_url(claim)
    return f"- {text}\n  {url}" if url else f"- {text}"


def _mail(user: User, contact: StaffContact, key: str, template: Template, subject: str, body: str,
          params: dict) -> OutboxMessage:
    message = OutboxMessage(key=key, medium=Medium.EMAIL, user_id=user.id, address=contact.email,
                            language=user.preferred_language or "en", template=template, params=params,
                            subject=subject[:200], text=body)
    db.session.add(message)
    return message


def _contacts(*roles: Role, digest_only: bool = False):
    stmt = (sa.select(User, StaffContact).join(StaffContact, StaffContact.user_id == User.id)
            .where(User.is_active.is_(True), User.role.in_(roles)).order_by(User.id))
    if digest_only:
        stmt = stmt.where(StaffContact.is_digest_wanted.is_(True))
    return db.session.execute(stmt).all()


def queue_digests() -> int:
    """Queue today's digest for every user who wants one and has something late or due (once a day)."""
    queued = 0
    today = utcnow().date()
    for user, contact in _contacts(*STAGES_OF, digest_only=True):
        key = f"digest:user:{user.id}:{today.isoformat()}"
        lines = lines_for(user)
        if not lines or db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == key)):
            continue
        late = sum(line.is_overdue for line in lines)
        with force_locale(user.preferred_language or "en"):
            subject = _("Claims to act on: {late} overdue, {due} due today").format(late=late, due=len(lines) - late)
            body = "\n".join([ngettext("%(num)s claim needs you:", "%(num)s claims need you:", len(lines)), "",
                              *[_line_text(line) for line in lines], "",
                              _("You get this digest once a day. Turn it off on your profile page.")])
        _mail(user, contact, key, Template.DIGEST, subject, body, {"claims": [ln.claim.id for ln in lines]})
        queued += 1
    db.session.flush()
    return queued


def overdue_beyond(hours: int) -> list[Claim]:
    limit = utcnow() - timedelta(hours=hours)
    stmt = sa.select(Claim).where(Claim.due_at < limit).order_by(Claim.office_id, Claim.due_at, Claim.id)
    return list(db.session.scalars(stmt))


def escalate() -> int:
    """Tell the managers of each claim's jurisdiction about claims overdue by more than ESCALATION_HOURS.

    A claim is escalated once per stage and day; each manager gets one e-mail per run listing the new ones.
    """
    today = utcnow().date()
    fresh = []
    for claim in overdue_beyond(int(current_app.config.get("ESCALATION_HOURS", 24))):
        done = db.session.scalar(sa.select(Escalation.id).where(
            Escalation.claim_id == claim.id, Escalation.clock == claim.due_clock.value, Escalation.day == today))
        if done is None:
            db.session.add(Escalation(claim_id=claim.id, clock=claim.due_clock.value, day=today))
            fresh.append(claim)
    sent = 0
    for user, contact in _contacts(Role.MANAGER):
        mine = [c for c in fresh if c.office_id in office_ids(user)]
        if mine:
            _escalation_mail(user, contact, mine, today)
            sent += 1
    db.session.flush()
    return sent


def _escalation_mail(user: User, contact: StaffContact, claims: list[Claim], today: date) -> None:
    with force_locale(user.preferred_language or "en"):
        subject = ngettext("Escalated: %(num)s claim overdue", "Escalated: %(num)s claims overdue", len(claims))
        hours = current_app.config.get("ESCALATION_HOURS", 24)
        body = "\n".join([ngettext("These claims are overdue by more than %(hours)s hour:",
                                   "These claims are overdue by more than %(hours)s hours:", hours,
                                   hours=format_number(hours)), "",
            *[_line_text(Line(c, True)) for c in claims]])
    ids = ",".join(str(c.id) for c in claims)
    key = f"escalation:user:{user.id}:{today.isoformat()}:{hashlib.sha256(ids.encode()).hexdigest()[:16]}"
    _mail(user, contact, key, Template.ESCALATION, subject, body, {"claims": [c.id for c in claims]})
