"""Reads for the field server: the verifier's cases for the phone, and the review queue for managers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from claims.models import Claim
from claims.queries import ClaimFilters, claims_statement
from claims.states import ClaimState
from conflict_service.auth.models import User, user_jurisdictions
from conflict_service.db import db
from conflict_service.i18n import format_date, semicolon, separator
from conflict_service.jurisdictions.queries import office_ids, scope_ids
from conflict_service.pagination import Page, paginate
from conflict_service.spreadsheets import csv_text
from field.enums import SubmissionStatus
from field.models import FieldSubmission
from field.presentation import loss_line

CASE_COLUMNS = ("name", "label", "claim_id", "village", "incident_date", "incident_lat", "incident_lon", "losses",
                "due_at")


def open_cases(user: User) -> list[Claim]:
    """The verifier's claims awaiting a site visit, soonest due first."""
    filters = ClaimFilters(status=[ClaimState.UNDER_VERIFICATION], verifier_id=user.id)
    stmt = claims_statement(user, filters).options(selectinload(Claim.lines)).order_by(
        Claim.verification_due_at.asc(), Claim.id)
    return list(db.session.scalars(stmt))


def cases_csv(user: User) -> bytes:
    """cases.csv for the form's claim question (``select_one_from_file``) and ``pulldata``: one row per claim."""
    return csv_text((_case_row(claim) for claim in open_cases(user)), CASE_COLUMNS, line_end="\n",
                    safe=False).encode("utf-8")  # read by Collect, not by a spreadsheet program


def _case_row(claim: Claim) -> list:
    """A claim as the phone lists it (its label, and the losses the form's note shows) in the verifier's language,
    calendar and digits; its values (the date, the place) as data."""
    date = claim.incident_date.isoformat()
    losses = semicolon().join(loss_line({"count": line.count, "species": line.species.value,
                                         "age_class": line.age_class.value, "outcome": line.outcome.value})
                              for line in claim.lines)
    label = separator().join((claim.number, claim.incident_village, format_date(claim.incident_date)))
    return [claim.number, label, claim.id, claim.incident_village, date, _coordinate(claim.incident_lat),
            _coordinate(claim.incident_lon), losses,
            claim.verification_due_at.isoformat(timespec="minutes") if claim.verification_due_at else ""]


def _coordinate(value) -> str:
    return "" if value is None else f"{value:.6f}"


def visible(actor: User) -> sa.Select:
    """Field records a manager or auditor may see: about claims of their offices, or (when the claim named is
    unknown) sent by verifiers working within their jurisdictions."""
    in_scope = sa.select(Claim.id).where(Claim.office_id.in_(office_ids(actor)))
    senders = sa.select(user_jurisdictions.c.user_id).where(
        user_jurisdictions.c.jurisdiction_id.in_(scope_ids(actor)))
    return sa.select(FieldSubmission).where(sa.or_(
        FieldSubmission.claim_id.in_(in_scope),
        sa.and_(FieldSubmission.claim_id.is_(None), FieldSubmission.user_id.in_(senders))))


def queue_page(actor: User, *, status: SubmissionStatus | None = SubmissionStatus.NEEDS_REVIEW, page: int = 1,
               per_page: int = 50) -> Page:
    stmt = visible(actor)
    if status is not None:
        stmt = stmt.where(FieldSubmission.status == status)
    return paginate(stmt.order_by(FieldSubmission.received_at.desc(), FieldSubmission.id.desc()), page, per_page)


def count_waiting(actor: User) -> int:
    stmt = visible(actor).where(FieldSubmission.status == SubmissionStatus.NEEDS_REVIEW)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
