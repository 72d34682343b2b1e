"""Every change to programmes, owners and claims. Operations flush and audit; the caller commits."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload, make_transient_to_detached

from claims import clocks, permissions, rule_changes, years
from claims.enums import ReportChannel
from claims.models import (
    RULE_DEFAULTS,
    Claim,
    ClaimCounter,
    HerdCount,
    IdempotencyKey,
    LossLine,
    Owner,
    Programme,
    count_in_force,
)
from claims.queries import get_claim, office_language, possible_duplicate_owners, programme_usable_at
from claims.states import ClaimAction, ClaimState, apply_action
from claims.validation import CLOCK_SKEW, time_errors
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.operations import created, diff, jsonable, record, snapshot
from conflict_service.db import Base, db, lock_row
from conflict_service.errors import Conflict, Forbidden, InvalidTransition, ValidationError
from conflict_service.i18n import comma, format_date, format_datetime, format_number, native_digits
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction, Level
from conflict_service.schemas import clean_names
from conflict_service.timeutil import local_date, utcnow

log = logging.getLogger(__name__)

OWNER_FIELDS = ("name", "national_id", "phone", "village", "office_id", "home_lat", "home_lon", "preferred_language")
PROGRAMME_FIELDS = ("name", "names", "kind", "jurisdiction_id", "currency", "official_language", "is_active",
                    "is_toman_shown", "year_calendar", "year_start_month")
RULE_FIELDS = (*RULE_DEFAULTS, "exclusion_zones")
PROGRAMME_EDITABLE = ("name", "names", "official_language", "is_active", "is_toman_shown", "year_calendar",
                      "year_start_month", *RULE_FIELDS)
CLAIM_FIELDS = ("owner_id", "programme_id", "office_id", "incident_date", "incident_at", "incident_lat", "incident_lon",
                "incident_village", "time_of_day", "is_in_corral", "is_herder_present", "is_guard_dog_present",
                "narrative", "reported_at", "report_channel")
IDEMPOTENCY_TTL = timedelta(hours=24)


# --- programmes --------------------------------------------------------------------------------------------

def create_programme(data: dict, actor) -> Programme:
    """Create a compensation programme or insurance scheme in a jurisdiction the manager oversees."""
    if not permissions.can_manage_programmes(actor):
        raise Forbidden(_("Only a programme manager can create programmes."))
    if data["jurisdiction_id"] not in jq.scope_ids(actor):
        raise ValidationError.field("jurisdiction_id", _("Choose a jurisdiction within your own."))
    programme = Programme(**{k: data[k] for k in ("name", "kind", "jurisdiction_id", "currency", "official_language")},
                          names=clean_names(data.get("names")),
                          year_calendar=data.get("year_calendar") or years.default_calendar(data["jurisdiction_id"]),
                          year_start_month=data.get("year_start_month") or 1)
    db.session.add(programme)
    db.session.flush()
    record("programme.created", programme, actor=actor, changes=created(snapshot(programme, PROGRAMME_FIELDS)))
    return programme


def update_programme(programme: Programme, data: dict, actor) -> Programme:
    """Change a programme's name, language, status or rules (DESIGN §5–§6); every changed value is audited. Money
    rules are not changed but proposed: they apply once a second manager confirms (``claims.rule_changes``)."""
    if not permissions.can_manage_programmes(actor):
        raise Forbidden(_("Only a programme manager can change programmes."))
    if programme.jurisdiction_id not in jq.scope_ids(actor):
        raise Forbidden(_("This programme is run above your jurisdiction; a manager there changes its rules."))
    data = dict(data)
    for key in ("covered_predators", "confirmed_signs", "probable_signs"):
        if data.get(key) is not None:
            data[key] = sorted({p.value for p in data[key]})
    _check_evidence_rules(programme, data)
    rule_changes.propose(programme, {k: v for k, v in data.items() if k in rule_changes.MONEY_RULES}, actor)
    direct = [k for k in PROGRAMME_EDITABLE if k not in rule_changes.MONEY_RULES]
    before = snapshot(programme, direct)
    for key in direct:
        if key in data:
            value = clean_names(data[key]) if key == "names" else data[key]
            setattr(programme, key, value.strip() if key == "name" else value)
    db.session.flush()
    changes = diff(before, snapshot(programme, direct))
    if changes:
        record("programme.updated", programme, actor=actor, changes=changes)
    return programme


def _check_evidence_rules(programme: Programme, data: dict) -> None:
    """A rule may not ask for more signs than it counts: no visit could ever meet it."""
    for level in ("confirmed", "probable"):
        signs = data.get(f"{level}_signs", getattr(programme, f"{level}_signs"))
        least = data.get(f"{level}_min_signs", getattr(programme, f"{level}_min_signs"))
        if least > len(signs):
            raise ValidationError.field(f"{level}_min_signs", _("At most {count}: only that many signs are ticked.")
                                        .format(count=len(signs)))


# --- owners ------------------------------------------------------------------------------------------------

def _check_office(office_id: int, actor, field: str = "office_id"):
    office = jq.tree().by_id.get(office_id)
    if office is None or office.level != Level.OFFICE or office_id not in jq.office_ids(actor):
        raise ValidationError.field(field, _("Choose one of your offices."))
    return office


def register_owner(data: dict, actor) -> Owner:
    """Register a livestock-owning household at one of the clerk's offices."""
    if not permissions.can_register_owner(actor):
        raise Forbidden(_("Only office clerks register owners."))
    office = _check_office(data["office_id"], actor)
    if not data.get("another_household"):
        _refuse_a_second_registration(data, actor)
    owner = Owner(**{k: data.get(k) for k in OWNER_FIELDS}, created_by_id=actor.id, id=_unused_owner_id())
    owner.preferred_language = data.get("preferred_language") or office_language(office)
    owner.name, owner.village = owner.name.strip(), owner.village.strip()
    db.session.add(owner)
    _add_counts(owner, data.get("herd") or [], actor)
    db.session.flush()
    record("owner.registered", owner, actor=actor,
           changes=created(snapshot(owner, OWNER_FIELDS) | {"herd": _herd_summary(owner)}))
    return owner


def _unused_owner_id() -> int | None:
    """SQLite numbers a new row after the highest id there is, so the id of a record merged away while it was the
    newest (the usual case: a duplicate just registered) would go to the next household, and the old links, the audit
    trail and the merge's words would name someone else. There an owner takes the next id after every record that
    ever was (a write request holds SQLite's write lock from its start: no other takes it meanwhile); PostgreSQL's
    sequence never gives one twice."""
    if db.dialect != "sqlite":
        return None
    highest = sa.select(sa.func.max(Owner.id)).scalar_subquery()
    merged = (sa.select(sa.func.max(AuditEvent.entity_id)).where(AuditEvent.action == "owner.merged_into")
              .scalar_subquery())
    return max(db.session.scalar(sa.select(highest)) or 0, db.session.scalar(sa.select(merged)) or 0) + 1


def _refuse_a_second_registration(data: dict, actor, besides: int | None = None) -> None:
    """A household registered twice would get two household caps and escape the duplicate-claim flag (same owner):
    an owner who may already be registered is refused until the clerk says it is another household."""
    twins = possible_duplicate_owners(actor, data["name"], data["village"], data.get("national_id"), besides=besides)
    if twins:
        owners = comma().join(f"{twin.name} ({twin.village}{comma()}#{native_digits(str(twin.id))})" for twin in twins)
        raise ValidationError.field("another_household", _(
            "Perhaps already registered: {owners}. To file a claim for them, open their page; register a new owner "
            "only for another household.").format(owners=owners))


def update_owner(owner: Owner, data: dict, actor) -> Owner:
    """Correct an owner's details; only the fields given change. Herd counts given are added to the history as new
    dated counts (each audited); species not named keep their counts."""
    if not permissions.can_register_owner(actor):
        raise Forbidden(_("Only office clerks change owner records."))
    if "office_id" in data:
        _check_office(data["office_id"], actor)
    before = snapshot(owner, OWNER_FIELDS)
    identity = {k: data[k] for k in ("name", "village", "national_id") if k in data and data[k] != before[k]}
    if identity and not data.get("another_household"):  # a correction may not make them another owner's twin
        _refuse_a_second_registration({**before, **identity}, actor, besides=owner.id)
    if "preferred_language" in data and not data["preferred_language"]:
        # "The language of the office's programme", worked out before the owner changes: its query would otherwise
        # write the owner without a language first (NOT NULL: the form's blank choice answered 500)
        office_id = data.get("office_id", owner.office_id)
        data = {**data, "preferred_language": office_language(jq.tree().by_id[office_id])}
    for key in OWNER_FIELDS:
        if key in data:
            setattr(owner, key, data[key])
    added = _add_counts(owner, data.get("herd") or [], actor)
    db.session.flush()
    for row in added:
        _record_count(owner, row, actor)
    changes = diff(before, snapshot(owner, OWNER_FIELDS))
    if changes:
        record("owner.updated", owner, actor=actor, changes=changes)
    return owner


# What a merge fills on the record kept when it has none and the merged one has it.
MERGE_FILLED = ("national_id", "phone", "home_lat", "home_lon")


def merge_owners(merged: Owner, data: dict, actor) -> Owner:
    """One household registered twice becomes one record: everything of ``merged`` moves to the owner kept
    (``data["into"]``): its claims and herd counts here, and through the ``owner.merged`` event what higher packages
    hold (awards, payout account, policies, measures, memberships, consent, messages); the kept record's
    missing national ID, phone and home location are filled from the merged one, which is then removed. Both are
    audited: ``owner.merged`` on the record kept, ``owner.merged_into`` on the one removed (its page leads to the
    record kept). Registered twice, a household had two household caps and escaped the duplicate-claim flag."""
    if not permissions.can_merge_owners(actor):
        raise Forbidden(_("Only programme managers merge owner records."))
    kept = _record_to_keep(merged, data["into"], actor)
    merged, kept = _lock_household(merged, kept)
    before = snapshot(kept, OWNER_FIELDS)
    for key in MERGE_FILLED:
        if getattr(kept, key) in (None, "") and getattr(merged, key) not in (None, ""):
            setattr(kept, key, getattr(merged, key))
    if kept.home_lat is None or kept.home_lon is None:  # a location is both coordinates or none
        kept.home_lat = kept.home_lon = None
    moved = list(db.session.scalars(sa.select(Claim.number).where(Claim.owner_id == merged.id).order_by(Claim.id)))
    db.session.execute(sa.update(Claim).where(Claim.owner_id == merged.id).values(owner_id=kept.id))
    counts = len(merged.herd_counts)  # dated counts: one history, the latest in force (DESIGN §3)
    db.session.execute(sa.update(HerdCount).where(HerdCount.owner_id == merged.id).values(owner_id=kept.id))
    db.session.expire(kept, ["herd_counts"])
    db.session.expire(merged, ["herd_counts"])
    db.session.flush()
    removed = snapshot(merged, OWNER_FIELDS)
    record("owner.merged", kept, actor=actor, reason=data["reason"], changes=diff(before, snapshot(kept, OWNER_FIELDS)),
           data={"merged": merged.id, "merged_owner": removed, "claims": len(moved), "claim_numbers": moved,
                 "herd_counts": counts})
    _nothing_left(merged)
    db.session.delete(merged)
    db.session.flush()
    record("owner.merged_into", merged, actor=actor, reason=data["reason"], data={"into": kept.id})
    log.info("owner %s merged into owner %s by %s", merged.id, kept.id, actor.username)
    return kept


def move_one_per_owner(model, merged_id: int, kept_id: int, *, copied: tuple[str, ...],
                       summary: Callable[[object], dict]) -> dict:
    """For an ``owner.merged`` subscriber: the merged record's row of ``model``, keyed by the owner's id (one per
    owner: a payout account, a consent), becomes the kept owner's if the kept record has none. When both have one,
    the one changed last is the household's latest word (a consent declined, or an account given, at the other
    office after the older one was recorded) and stays: the kept record's row takes its ``copied`` values; the other
    row is dropped (its history stays in the merged record's audit trail). Returns what the kept owner's row became,
    as a diff of ``summary`` (the changes its own audit action shows; empty when it stayed as it was), for the
    subscriber to record on the kept owner."""
    theirs = db.session.get(model, merged_id)
    if theirs is None:
        return {}
    ours = db.session.get(model, kept_id)
    if ours is not None and ours.updated_at >= theirs.updated_at:
        db.session.delete(theirs)
        return {}
    before = summary(ours) if ours is not None else {}
    after = summary(theirs)
    if ours is None:
        db.session.expunge(theirs)  # its key changes: moved in SQL, read again under the kept owner's
        db.session.execute(sa.update(model.__table__).where(model.owner_id == merged_id).values(owner_id=kept_id))
    else:
        for name in copied:
            setattr(ours, name, getattr(theirs, name))
        db.session.delete(theirs)
    db.session.flush()
    return diff(before, after)


def _lock_household(merged: Owner, kept: Owner) -> tuple[Owner, Owner]:
    """Both records' claims, then both records, locked in id order (the order of a decision: claim, then owner) and
    read again: a decision on one of the claims, or another merge of either record, waits or is waited for. A record
    merged away meanwhile stops this merge."""
    ids = sorted({merged.id, kept.id})
    db.session.execute(sa.select(Claim.id).where(Claim.owner_id.in_(ids)).order_by(Claim.id)
                       .with_for_update(of=Claim)).all()
    found = {owner.id: owner for owner in (lock_row(Owner, i) for i in ids) if owner is not None}
    if len(found) < 2:
        raise Conflict(_("One of these records was merged a moment ago; open the record kept and look again."))
    return found[merged.id], found[kept.id]


def _nothing_left(merged: Owner) -> None:
    """Every row that names the merged owner has moved: a package that holds owners without moving them on
    ``owner.merged`` would otherwise lose its rows with the record (deleted in cascade) or fail the delete."""
    db.session.flush()
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == Owner.__tablename__ and table.name != Owner.__tablename__:
                left = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(fk.parent == merged.id))
                if left:
                    raise RuntimeError(f"{left} rows of {table.name} still name owner {merged.id} after the merge")


def _record_to_keep(merged: Owner, into: int, actor) -> Owner:
    kept = db.session.get(Owner, into)
    if kept is None or kept.office_id not in jq.office_ids(actor):
        raise ValidationError.field("into", _("Choose an owner record of your offices."))
    if kept.id == merged.id:
        raise ValidationError.field("into", _("Choose another record: this is the record being merged."))
    if jq.country_of(kept.office).id != jq.country_of(merged.office).id:
        raise ValidationError.field("into", _(
            "Choose a record of the same country: records of two countries are not one household."))
    return kept


def _add_counts(owner: Owner, entries: list[dict], actor) -> list[HerdCount]:
    """New dated counts, one per species named; a count equal to the one in force on its date adds nothing (a form
    sent again does not double the history)."""
    species = [e["species"] for e in entries]
    if len(species) != len(set(species)):
        raise ValidationError.field("herd", _("Each species may appear only once in the herd."))
    added = []
    for entry in entries:
        same = count_in_force(owner.herd_counts, entry["species"], entry["counted_on"])
        if same and (same.counted_on, same.head_count) == (entry["counted_on"], entry["head_count"]):
            continue
        added.append(_new_count(owner, entry, actor))
    return added


def _new_count(owner: Owner, entry: dict, actor, corrects: HerdCount | None = None) -> HerdCount:
    row = HerdCount(species=entry["species"], head_count=entry["head_count"], counted_on=entry["counted_on"],
                    recorded_at=utcnow(), recorded_by_id=actor.id, corrects_id=corrects.id if corrects else None,
                    note=(entry.get("note") or "").strip())
    owner.herd_counts.append(row)
    return row


def record_herd_count(owner: Owner, data: dict, actor) -> HerdCount:
    """Add a dated head count of one species to the owner's herd history (DESIGN §3); nothing is overwritten. With
    ``corrects_id`` the count corrects a mistyped one (same species, a reason required): the mistyped record stays
    in the history, marked corrected, and no longer counts."""
    if not permissions.can_register_owner(actor):
        raise Forbidden(_("Only office clerks record herd counts."))
    corrects = _corrected(owner, data) if data.get("corrects_id") is not None else None
    try:
        with db.session.begin_nested():  # a count corrects one mistyped count only: the unique corrects_id
            row = _new_count(owner, data, actor, corrects)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("This count was corrected a moment ago; reload the page.")) from None
    if corrects is None:
        _record_count(owner, row, actor)
    else:
        record("owner.herd_count_corrected", owner, actor=actor, reason=row.note, data={
            "count": row.id, "corrects": corrects.id, "species": row.species.value,
            "previous": corrects.head_count, "previous_on": corrects.counted_on,
            "head_count": row.head_count, "counted_on": row.counted_on})
    return row


def _corrected(owner: Owner, data: dict) -> HerdCount:
    mistyped = next((h for h in owner.herd_counts if h.id == data["corrects_id"]), None)
    if mistyped is None:
        raise ValidationError.field("corrects_id", _("Choose one of this owner's herd counts."))
    errors = {}
    if any(h.corrects_id == mistyped.id for h in owner.herd_counts):
        errors["corrects_id"] = [_("This count has been corrected already; correct its correction instead.")]
    if data["species"] != mistyped.species:
        errors["species"] = [_("A correction keeps the species of the count it corrects ({species}).").format(
            species=str(mistyped.species.title).lower())]
    if not (data.get("note") or "").strip():
        errors["note"] = [_("Say why the count is corrected.")]
    if errors:
        raise ValidationError(errors)
    return mistyped


def _record_count(owner: Owner, row: HerdCount, actor) -> None:
    record("owner.herd_counted", owner, actor=actor, data={
        "count": row.id, "species": row.species.value, "head_count": row.head_count, "counted_on": row.counted_on})


def _herd_summary(owner: Owner) -> dict:
    return {h.species.value: [h.head_count, jsonable(h.counted_on)] for h in owner.herd}


# --- claims ------------------------------------------------------------------------------------------------

def request_fingerprint(payload) -> str:
    """A stable hash of a submission, to tell a retry from a different request under the same key."""
    text = json.dumps(jsonable(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def submit_claim(data: dict, actor, *, idempotency_key: str | None = None,
                 fingerprint: str | None = None) -> tuple[Claim, bool]:
    """File a claim for an owner. Returns ``(claim, replayed)``; a retried key returns the first claim."""
    if not permissions.can_file_claim(actor):
        raise Forbidden(_("Only office clerks file claims."))
    key_row = None
    if idempotency_key:
        replay, key_row = _reserve_key(actor, idempotency_key, fingerprint or request_fingerprint(data))
        if replay is not None:
            return replay, True
    owner, programme, office = _validate_claim(data, actor)
    now = utcnow()
    # The related rows themselves, not only their ids: the answer reads them, and the session keeps loaded rows only
    # while something refers to them (without this, dumping the claim would load its programme again).
    claim = Claim(owner=owner, programme=programme, office=office, owner_id=owner.id, programme_id=programme.id,
                  office_id=office.id, filed_by_id=actor.id, status=ClaimState.SUBMITTED, status_changed_at=now,
                  filed_at=now, updated_at=now, filed_date=local_date(now, office.timezone),
                  pin=f"{secrets.randbelow(10**6):06d}")
    _assign_fields(claim, data, office)
    claim.reported_at = data.get("reported_at") or now
    claim.report_channel = data.get("report_channel") or ReportChannel.OFFICE
    _start_verification_clock(claim, programme)
    claim.lines = [LossLine(position=i, **line) for i, line in enumerate(data["lines"])]
    claim.number = _next_number(office, claim.filed_date.year)
    clocks.refresh(claim)
    _insert_claim(claim)
    if key_row is not None:
        key_row.claim_id = claim.id
    record("claim.submitted", claim, actor=actor,
           changes=created(snapshot(claim, CLAIM_FIELDS) | {"lines": _lines_summary(claim)}))
    log.info("claim %s submitted by %s", claim.number, actor.username)
    return claim, False


def _insert_claim(claim: Claim) -> None:
    """Write a new claim and its loss lines with two Core statements on the session's connection (in its
    transaction), then hand both to the session as rows it has loaded: the ORM's unit of work cost a submission more
    CPU than everything else it writes. Every column is set on the objects first (nothing is left for a default to
    fill in behind the objects' back), so the rows and the objects are the same and nothing is read back."""
    connection = db.session.connection()
    claim.id = connection.execute(_insert_statement(Claim), _column_values(claim, Claim)).scalar_one()
    for line in claim.lines:
        line.claim_id = claim.id
    rows = [_column_values(line, LossLine) for line in claim.lines]
    # The lines' ids by their position: one statement for every line (returning rows in the order given would cost
    # SQLite one statement per line).
    ids = dict(connection.execute(_insert_statement(LossLine, "position"), rows).all())
    for line in claim.lines:
        line.id = ids[line.position]
    for row in (claim, *claim.lines):
        make_transient_to_detached(row)
    db.session.add(claim)  # the lines come with it (their cascade), already written


@functools.cache
def _insert_statement(model, *keys):
    """``INSERT … RETURNING`` on the model's table: the new row's id (after ``keys``, columns that tell rows apart)."""
    table = model.__table__
    return sa.insert(table).returning(*(table.c[key] for key in keys), table.c.id)


@functools.cache
def _insert_columns(model) -> tuple[tuple[str, str], ...]:
    """(attribute, column) of every column of ``model`` but its generated id."""
    return tuple((attr.key, attr.columns[0].key) for attr in sa.inspect(model).column_attrs if attr.key != "id")


def _column_values(row, model) -> dict:
    """Every column's value on ``row``. A column nothing set gets its default (or NULL), set on the object too, as
    the ORM's flush would; a column whose default only the database knows must be set by the caller."""
    values = {}
    for attr, column in _insert_columns(model):
        if attr not in row.__dict__:
            default = model.__table__.c[column].default
            if default is None and model.__table__.c[column].server_default is not None:
                raise ValueError(f"{model.__name__}.{attr} has a server default: set it before inserting")
            value = None if default is None else default.arg if default.is_scalar else default.arg(None)
            setattr(row, attr, value)
        values[column] = row.__dict__[attr]
    return values


def _start_verification_clock(claim: Claim, programme: Programme) -> None:
    """The site visit is due ``verification_sla_hours`` after filing, or after the owner's earlier report when the
    programme's own people heard it then (at the office, by phone, a ranger, a field record; DESIGN §5.3, §6)."""
    start = claim.reported_at if claim.report_channel.tells_the_service else claim.filed_at
    claim.verification_due_at = start + timedelta(hours=programme.verification_sla_hours)


def _assign_fields(claim: Claim, data: dict, office) -> None:
    for key in CLAIM_FIELDS:
        if key in data and key not in ("owner_id", "programme_id", "office_id", "reported_at", "report_channel",
                                       "incident_date", "incident_at"):
            setattr(claim, key, data[key])
    if "incident_village" in data:
        claim.incident_village = data["incident_village"].strip()
    _assign_incident_time(claim, data, office)


def _assign_incident_time(claim: Claim, data: dict, office) -> None:
    """A known time sets the moment and its day at the office; a day alone (or a null time) leaves the time
    unknown — never a made-up midnight."""
    if data.get("incident_at") is not None:
        claim.incident_at = data["incident_at"]
        claim.incident_date = local_date(claim.incident_at, office.timezone)
    elif data.get("incident_date") is not None or "incident_at" in data:
        day = data.get("incident_date") or claim.incident_date or (
            local_date(claim.incident_at, office.timezone) if claim.incident_at else None)
        claim.incident_at, claim.incident_date = None, day
    elif claim.incident_at is not None:  # the office changed: the same moment may be another day there
        claim.incident_date = local_date(claim.incident_at, office.timezone)


def _validate_claim(data: dict, actor, claim: Claim | None = None):
    errors: dict[str, list] = {}
    owner_id = data.get("owner_id", claim.owner_id if claim else None)
    owner, programme = _owner_and_programme(owner_id, data.get("programme_id", claim.programme_id if claim else None))
    if owner is None or not _is_own_office(owner.office, actor):
        errors["owner_id"] = [_("No owner with this number is registered in your offices.")]
    office_id = data.get("office_id") or (claim.office_id if claim else owner.office_id if owner else None)
    office = db.session.get(Jurisdiction, office_id) if office_id else None
    if not _is_own_office(office, actor):
        errors["office_id"] = [_("Choose one of your offices.")]
    if programme is None or not programme.is_active or (office and not programme_usable_at(programme, office)):
        errors["programme_id"] = [_("Choose an active programme that covers this office.")]
    elif not programme.takes_claims:
        errors["programme_id"] = [_("A conservation-performance programme pays communities by contract; it takes "
                                    "no claims.")]
    _check_times(data, claim, office, errors)
    if programme is not None and office is not None and "reported_at" not in errors:
        _check_report_date(data, claim, programme, office, errors)
    if errors:
        raise ValidationError(errors)
    return owner, programme, office


def _owner_and_programme(owner_id: int | None, programme_id: int | None) -> tuple[Owner | None, Programme | None]:
    """The owner with its office (and the office's region and country), not its herd history, and the programme (of
    where it is run, a submission reads the id alone), in one statement; the scope is checked on the office's own
    lineage, so a submission never loads the whole jurisdiction tree. When either is not found, each is looked for
    alone."""
    if owner_id is not None and programme_id is not None:
        found = db.session.execute(OWNER_AND_PROGRAMME, {"owner": owner_id, "programme": programme_id}).first()
        if found is not None:
            return found.Owner, found.Programme
    owner = db.session.get(Owner, owner_id, options=[lazyload(Owner.herd_counts)]) if owner_id is not None else None
    return owner, db.session.get(Programme, programme_id) if programme_id is not None else None


OWNER_AND_PROGRAMME = (sa.select(Owner, Programme).join_from(Owner, Programme, sa.true())  # one row of each
                       .where(Owner.id == sa.bindparam("owner"), Programme.id == sa.bindparam("programme"))
                       .options(lazyload(Owner.herd_counts), lazyload(Programme.jurisdiction)))


def _is_own_office(office, actor) -> bool:
    """``office.id in jq.office_ids(actor)``, from the office's own lineage."""
    return office is not None and office.level == Level.OFFICE and jq.in_scope(actor, office)


def _check_times(data: dict, claim: Claim | None, office, errors: dict) -> None:
    """The schema checked what was typed; an edit may combine a new time with a stored one. Here the office's
    zone is known, so a day without a time is checked exactly."""
    if data.get("incident_at") is not None:
        incident_at, incident_date = data["incident_at"], None
    elif data.get("incident_date") is not None or "incident_at" in data:
        incident_at, incident_date = None, data.get("incident_date") or (claim.incident_date if claim else None)
    else:
        incident_at, incident_date = (claim.incident_at, claim.incident_date) if claim else (None, None)
    if data.get("incident_at") is not None and data.get("incident_date") is not None and office is not None \
            and local_date(data["incident_at"], office.timezone) != data["incident_date"]:
        errors["incident_date"] = [_("The incident's date and its time fall on different days at the office; "
                                     "give one of them.")]
    reported_at = data.get("reported_at") or (claim.reported_at if claim else utcnow())
    errors.update(time_errors(incident_at, reported_at, incident_date=incident_date,
                              tz=office.timezone if office is not None else None))


def _check_report_date(data: dict, claim: Claim | None, programme: Programme, office, errors: dict) -> None:
    """An earlier report may precede filing by at most the programme's ``report_backdating_days`` (office days), and
    never come after it (DESIGN §5.3)."""
    reported_at = data.get("reported_at")
    if reported_at is None:
        return
    filed_at = claim.filed_at if claim else utcnow()
    filed_date = local_date(filed_at, office.timezone)
    earliest = filed_date - timedelta(days=programme.report_backdating_days)
    if local_date(reported_at, office.timezone) < earliest:
        days = programme.report_backdating_days
        errors["reported_at"] = [ngettext(
            "%(programme)s accepts an earlier report at most %(days)s day before the claim is filed: %(date)s or "
            "later.",
            "%(programme)s accepts an earlier report at most %(days)s days before the claim is filed: %(date)s or "
            "later.", days, programme=programme.local_name, days=format_number(days), date=format_date(earliest))]
    elif claim is not None and reported_at > claim.filed_at + CLOCK_SKEW:
        errors["reported_at"] = [_("The owner reported the loss by the time the claim was filed, {moment} at the "
                                   "latest.").format(moment=format_datetime(claim.filed_at, tz=office.timezone))]


def _next_number(office, year: int) -> str:
    """``{COUNTRY}-{OFFICE}-{YEAR}-{SEQ:06}``. One statement creates the office's counter for the year or takes its
    next value; the row lock it takes makes parallel filings take turns until the commit (a rollback gives the
    number back, so numbers stay gap-free)."""
    statement = _next_seq_statement(db.dialect)  # on the session's connection: a Core statement needs no ORM step
    seq = db.session.connection().execute(statement, {"office": office.id, "year": year}).scalar_one()
    return f"{office.country_code}-{office.short_code}-{year}-{seq:06d}"


@functools.cache
def _next_seq_statement(dialect: str):
    """Built once per dialect, on the table rather than the model (a Core statement skips the ORM's bulk path)."""
    table = ClaimCounter.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (insert(table).values(office_id=sa.bindparam("office"), year=sa.bindparam("year"), last_seq=1)
            .on_conflict_do_update(index_elements=["office_id", "year"], set_={"last_seq": table.c.last_seq + 1})
            .returning(table.c.last_seq))


def _reserve_key(actor, key: str, fingerprint: str) -> tuple[Claim | None, IdempotencyKey | None]:
    if len(key) > 128 or not key.isprintable() or not key.isascii():
        raise ValidationError.field("Idempotency-Key", _("Use up to {max} printable ASCII characters.").format(
            max=128))
    existing = _find_key(actor, key)
    if existing is None:
        row = IdempotencyKey(user_id=actor.id, key=key, request_hash=fingerprint)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return None, row
        except IntegrityError:
            # A parallel request with the same key committed first: answer as that request did.
            existing = _find_key(actor, key)
            if existing is None:
                raise Conflict(_("Another request with this Idempotency-Key is in progress; retry shortly.")) from None
    if existing.request_hash != fingerprint:
        raise Conflict(_("This Idempotency-Key was already used for a different request."))
    if existing.claim_id is None:
        raise Conflict(_("Another request with this Idempotency-Key is in progress; retry shortly."))
    return get_claim(existing.claim_id, actor), None


def _find_key(actor, key: str) -> IdempotencyKey | None:
    row = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.user_id == actor.id,
                                                            IdempotencyKey.key == key))
    if row is not None and row.created_at < utcnow() - IDEMPOTENCY_TTL:
        db.session.delete(row)
        db.session.flush()
        return None
    return row


def update_claim(claim: Claim, data: dict, actor) -> Claim:
    """Correct a claim while it is still ``submitted``; every changed field is audited."""
    if not permissions.can_file_claim(actor):
        raise Forbidden(_("Only office clerks change claims."))
    if claim.status != ClaimState.SUBMITTED:
        raise InvalidTransition(_("This claim is {state}; it can only be changed while submitted.").format(
            state=str(claim.status.title).lower()))
    _owner, programme, office = _validate_claim(data, actor, claim)
    before = snapshot(claim, CLAIM_FIELDS) | {"lines": _lines_summary(claim)}
    for key in ("owner_id", "programme_id", "office_id", "reported_at", "report_channel"):
        if data.get(key) is not None:
            setattr(claim, key, data[key])
    _assign_fields(claim, data, office)
    _start_verification_clock(claim, programme)
    clocks.refresh(claim)
    if "lines" in data:
        claim.lines = [LossLine(position=i, **line) for i, line in enumerate(data["lines"])]
    db.session.flush()
    changes = diff(before, snapshot(claim, CLAIM_FIELDS) | {"lines": _lines_summary(claim)})
    if changes:
        record("claim.updated", claim, actor=actor, changes=changes)
    return claim


def withdraw_claim(claim: Claim, actor, reason: str) -> Claim:
    """Withdraw a submitted claim at the owner's request."""
    return apply_action(claim, ClaimAction.WITHDRAW, actor, reason=reason)


def _lines_summary(claim: Claim) -> list[str]:
    return [f"{ln.count} {ln.species.value} {ln.age_class.value} {ln.outcome.value}" for ln in claim.lines]
