"""Clerks enrol owners for a season; managers record a confirmed poaching violation, which ends cover."""

from __future__ import annotations

import logging
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from claims.models import Owner
from claims.queries import programme_usable_at
from conflict_service.audit.operations import record
from conflict_service.db import db
from conflict_service.errors import Conflict, ValidationError
from conflict_service.i18n import format_date, format_number, join_list
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import local_today, utcnow
from insurance import queries
from insurance.models import Policy, PolicyCounter, PolicyLine, Season
from insurance.permissions import check_clerk, check_manage_scheme
from payouts.breakdown import money_str

log = logging.getLogger(__name__)


def enrol(data: dict, actor) -> Policy:
    """Enrol an owner for a season: insured head per species, priced at the premium rates in force on the enrolment
    day. That day is today, or the earlier day of a paper enrolment (with the paper's reference) within the season;
    a paper enrolment signed during a season may be typed in up to the scheme's ``report_backdating_days`` after
    the season's end. Cover starts on the enrolment day."""
    check_clerk(actor, _("Only office clerks enrol owners in insurance schemes."))
    owner, season = _owner(data["owner_id"], actor), _season(data["season_id"], actor)
    programme = season.programme
    if not programme_usable_at(programme, owner.office):
        raise ValidationError.field("season_id", _("{name} does not cover the owner's office.").format(
            name=programme.local_name))
    today = local_today(owner.office.timezone)
    enrolled_on = data.get("enrolled_on") or today
    _check_dates(season, data, today, enrolled_on)
    existing = db.session.scalar(sa.select(Policy).where(Policy.season_id == season.id, Policy.owner_id == owner.id))
    if existing is not None:
        raise Conflict(_("{owner} is already enrolled for {season}: policy {number}.").format(
            owner=owner.name, season=season.local_name, number=existing.number))
    lines = _priced_lines(owner, season, data["lines"], enrolled_on)
    policy = Policy(number=_next_number(owner.office, season.starts_on.year), programme_id=programme.id,
                    season_id=season.id, owner_id=owner.id, office_id=owner.office_id, enrolled_on=enrolled_on,
                    paper_reference=data.get("paper_reference") or None, enrolled_by_id=actor.id,
                    agreement_signed_on=data["agreement_signed_on"],
                    premium_due=sum((ln.premium for ln in lines), Decimal(0)), lines=lines)
    try:
        with db.session.begin_nested():  # a policy added in a savepoint that fails leaves the session
            db.session.add(policy)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("{owner} was enrolled for {season} a moment ago; reload the page.").format(
            owner=owner.name, season=season.local_name)) from None
    action = "insurance_policy.enrolled_on_paper" if policy.enrolled_on < today else "insurance_policy.enrolled"
    record(action, policy, actor=actor, data={
        "owner": owner.name, "season": season.name, "scheme": programme.name, "currency": programme.currency,
        "amount": money_str(policy.premium_due, programme.currency),
        "agreement_signed_on": policy.agreement_signed_on, "enrolled_on": policy.enrolled_on,
        "reference": policy.paper_reference,
        "lines": [[ln.species.value, ln.head_count, money_str(ln.rate, programme.currency)] for ln in lines]})
    record("owner.insurance_enrolled", owner, actor=actor, data={"policy": policy.number, "season": season.name,
                                                                "scheme": programme.name})
    log.info("policy %s: %s enrolled for %s", policy.number, owner.id, season.name)
    return policy


def _owner(owner_id: int, actor) -> Owner:
    owner = db.session.get(Owner, owner_id)
    if owner is None or owner.office_id not in jq.office_ids(actor):
        raise ValidationError.field("owner_id", _("No such owner in your offices."))
    return owner


def _season(season_id: int, actor) -> Season:
    season = db.session.get(Season, season_id)
    if season is None or season.programme.jurisdiction_id not in jq.related_ids(actor):
        raise ValidationError.field("season_id", _("No such season of a scheme you work with."))
    return season


def _check_dates(season: Season, data: dict, today, enrolled_on) -> None:
    errors = {}
    on_paper = enrolled_on < today
    if enrolled_on > today:
        errors["enrolled_on"] = [_("The owner cannot have enrolled after today.")]
    elif on_paper and not (season.starts_on <= enrolled_on <= season.ends_on):
        errors["enrolled_on"] = [_("An enrolment dated before today falls within the season, {start} to {end}.").format(
            start=format_date(season.starts_on), end=format_date(season.ends_on))]
    elif on_paper and not data.get("paper_reference"):
        errors["paper_reference"] = [_("Give the reference of the paper enrolment form signed on that day.")]
    if today > season.late_entry_until:
        errors["season_id"] = [_("The season {name} ended on {date}; enrol the owner for a later season.").format(
            name=season.local_name, date=format_date(season.ends_on))]
    elif today > season.ends_on and not on_paper:
        errors["enrolled_on"] = [_("The season {name} ended on {date}: only a paper enrolment signed during it can "
                                   "be typed in, until {until}; give the day it was signed.").format(
            name=season.local_name, date=format_date(season.ends_on), until=format_date(season.late_entry_until))]
    if data["agreement_signed_on"] > today:
        errors["agreement_signed_on"] = [_("The agreement cannot have been signed after today.")]
    if errors:
        raise ValidationError(errors)


def _priced_lines(owner: Owner, season: Season, entries: list[dict], today) -> list[PolicyLine]:
    """One line per species, checked against the herd count in force on the enrolment date and priced at the rate in
    force then."""
    if not entries:
        raise ValidationError.field("lines", _("Insure at least one species."))
    rates, errors, seen, lines = queries.premium_rates_in_force(season.id, today), {}, set(), []
    for i, entry in enumerate(entries):
        species, heads = entry["species"], entry["head_count"]
        problem = _line_problem(owner, species, heads, rates, seen, today)
        seen.add(species)
        if problem:
            errors[str(i)] = problem
            continue
        rate = rates[species]["amount"]
        lines.append(PolicyLine(species=species, head_count=heads, rate=rate, premium=rate * heads))
    if errors:
        raise ValidationError({"lines": errors})
    return lines


def _line_problem(owner: Owner, species, heads: int, rates: dict, seen: set, today) -> dict | None:
    if species in seen:
        return {"species": [_("Each species may appear only once.")]}
    if species not in rates:
        return {"species": [_("The season has no premium rate for {species} on {date}.").format(
            species=str(species.title).lower(), date=format_date(today))]}
    registered = owner.head_count(species, on=today)  # the count in force on the enrolment date (DESIGN §3)
    if registered is None or heads > registered:
        return {"head_count": [_("The owner's registered herd has {count} head of {species}; update the herd record "
                                 "before insuring more.").format(count=format_number(registered or 0),
                                                          species=str(species.title).lower())]}
    return None


def _next_number(office, year: int) -> str:
    """``{COUNTRY}-{OFFICE}-P{YEAR}-{SEQ:05}``; the counter row lock makes parallel enrolments take turns."""
    insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(PolicyCounter).values(office_id=office.id, year=year, last_seq=0)
                       .on_conflict_do_nothing(index_elements=["office_id", "year"]))
    seq = db.session.execute(
        sa.update(PolicyCounter).where(PolicyCounter.office_id == office.id, PolicyCounter.year == year)
        .values(last_seq=PolicyCounter.last_seq + 1).returning(PolicyCounter.last_seq)
    ).scalar_one()
    return f"{office.country_code}-{office.short_code}-P{year}-{seq:05d}"


def record_violation(policy: Policy, data: dict, actor) -> Policy:
    """A confirmed poaching violation ends the policy's cover from its date; losses on or after it are not paid."""
    check_manage_scheme(actor, policy.season.programme, _("Only a programme manager records poaching violations."))
    policy = db.session.scalar(sa.select(Policy).where(Policy.id == policy.id).with_for_update(of=Policy)
                               .execution_options(populate_existing=True))
    if policy.violation_on is not None:
        raise Conflict(_("A poaching violation on {date} is already recorded for policy {number}.").format(
            date=format_date(policy.violation_on), number=policy.number))
    day, today = data["occurred_on"], local_today(policy.office.timezone)
    if day > today:
        raise ValidationError.field("occurred_on", _("The violation cannot be in the future."))
    if day < policy.agreement_signed_on:
        raise ValidationError.field("occurred_on", _("The no-poaching agreement was signed on {date}; a violation "
                                                     "of it comes later.").format(
            date=format_date(policy.agreement_signed_on)))
    policy.violation_on, policy.violation_note = day, data["note"].strip()
    policy.violation_recorded_at, policy.violation_recorded_by_id = utcnow(), actor.id
    db.session.flush()
    record("insurance_policy.violation_recorded", policy, actor=actor, reason=policy.violation_note,
           changes={"violation_on": [None, day]}, data={"owner": policy.owner.name})
    record("owner.insurance_violation", policy.owner, actor=actor, reason=policy.violation_note,
           data={"policy": policy.number, "date": day})
    return policy


def owner_merged(kept: Owner, *, data: dict, **_event) -> None:
    """``owner.merged``: the merged record's policies become the kept owner's. A household holds one policy a season:
    two records insured for the same season are not merged (the operation is refused and nothing changes)."""
    merged_id = data["merged"]
    theirs = list(db.session.scalars(sa.select(Policy).where(Policy.owner_id == merged_id)))
    seasons = set(db.session.scalars(sa.select(Policy.season_id).where(Policy.owner_id == kept.id)))
    clash = [p for p in theirs if p.season_id in seasons]
    if clash:
        both = db.session.scalars(sa.select(Policy.number).where(
            Policy.owner_id.in_([kept.id, merged_id]), Policy.season_id.in_([p.season_id for p in clash]))
            .order_by(Policy.number))
        raise ValidationError.field("into", _(
            "Both records are insured for the same season ({policies}): a household holds one policy a season, so "
            "these records are not merged.").format(policies=join_list(list(both))))
    for policy in theirs:
        policy.owner_id = kept.id
