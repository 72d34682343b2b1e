"""Communities and contracts: created by a manager, binding once a second manager confirms (DESIGN §2, §13)."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.enums import ProgrammeKind
from claims.models import Owner, Programme
from claims.zones import ZoneError, normalise
from conflict_service.audit.operations import diff, jsonable, record, snapshot
from conflict_service.db import db, lock_row
from conflict_service.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationError
from conflict_service.i18n import join_list
from conflict_service.jurisdictions import queries as jq
from conflict_service.timeutil import utcnow
from performance.enums import Distribution, Fallback, Forfeiture, Indicator, PeriodStatus
from performance.models import MONEY_TERMS, Community, Contract, ContractChange, Member, Period
from performance.permissions import check_manager

COMMUNITY_FIELDS = ("name", "jurisdiction_id", "account_name", "account_method", "account_number")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def performance_programme(programme_id, field: str = "programme_id") -> Programme:
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None or programme.kind != ProgrammeKind.PERFORMANCE:
        raise ValidationError.field(field, _("Choose a conservation-performance programme."))
    return programme


def create_community(data: dict, actor) -> Community:
    programme = performance_programme(data.get("programme_id"))
    check_manager(actor, programme.jurisdiction_id)
    errors: dict[str, list] = {}
    jurisdiction_id = data.get("jurisdiction_id")
    if jurisdiction_id not in jq.tree().descendants(programme.jurisdiction_id) or (
            actor is not None and jurisdiction_id not in jq.scope_ids(actor)):
        errors["jurisdiction_id"] = [_("Choose an office or region of the programme within your jurisdiction.")]
    try:
        area = normalise(data.get("area"))
        if area is None:
            errors["area"] = [_("Draw the community's area as one or more polygons.")]
    except ZoneError as exc:
        errors["area"], area = [str(exc)], None
    members = _members(data.get("member_ids") or [], jurisdiction_id, errors)
    if errors:
        raise ValidationError(errors)
    community = Community(programme_id=programme.id, area=area, created_by_id=actor.id if actor else None,
                          **{k: data.get(k) for k in COMMUNITY_FIELDS if k in data})
    community.members = members
    db.session.add(community)
    db.session.flush()
    record("performance_community.created", community, actor=actor,
           changes={k: [None, v] for k, v in snapshot(community, COMMUNITY_FIELDS).items()},
           data={"members": [m.name for m in members]})
    return community


def _members(owner_ids, jurisdiction_id, errors) -> list[Owner]:
    if not owner_ids:
        return []
    area = jq.tree().descendants(jurisdiction_id) if jurisdiction_id in jq.tree().by_id else set()
    owners = list(db.session.scalars(sa.select(Owner).where(Owner.id.in_(owner_ids)).order_by(Owner.id)))
    if len(owners) != len(set(owner_ids)) or any(o.office_id not in area for o in owners):
        errors["member_ids"] = [_("Members are owners registered at the community's offices.")]
    return owners


def create_contract(data: dict, actor) -> Contract:
    community = db.session.get(Community, data.get("community_id") or 0)
    if community is None or (actor is not None and community.jurisdiction_id not in jq.scope_ids(actor)):
        raise ValidationError.field("community_id", _("Choose a community within your jurisdiction."))
    check_manager(actor, community.jurisdiction_id)
    _check_terms(data)
    contract = Contract(community_id=community.id, created_by_id=actor.id if actor else None,
                        **{k: data[k] for k in ("starts_on", "period_months", "period_count", *MONEY_TERMS)
                           if k in data})
    if contract.forfeiture == Forfeiture.CANCEL:
        contract.forfeit_pct = Decimal(100)
    db.session.add(contract)
    db.session.flush()
    for number in range(1, contract.period_count + 1):
        contract.periods.append(Period(number=number,
                                       starts_on=add_months(contract.starts_on, (number - 1) * contract.period_months),
                                       ends_on=add_months(contract.starts_on, number * contract.period_months)))
    db.session.flush()
    terms = ("starts_on", "period_months", "period_count", *MONEY_TERMS)
    record("performance_contract.created", contract, actor=actor,
           changes={k: [None, v] for k, v in snapshot(contract, terms).items()},
           data={"community": community.name})
    if actor is None:  # the server's command line acts for the service: nobody else to confirm it
        contract.confirmed_at = utcnow()
    return contract


def _check_terms(data: dict) -> None:
    errors = {}
    if data.get("forfeiture") == Forfeiture.CUT and data.get("forfeit_pct") is None:
        errors["forfeit_pct"] = [_("Give the percentage a forfeit cuts.")]
    if data.get("fallback") == Fallback.AVERAGE and not data.get("fallback_periods"):
        errors["fallback_periods"] = [_("Give how many earlier periods the average takes.")]
    if errors:
        raise ValidationError(errors)


def lock_contract(contract_id: int) -> Contract:
    contract = lock_row(Contract, contract_id)
    if contract is None:
        raise NotFound()
    return contract


def confirm_contract(contract: Contract, actor) -> Contract:
    """A second manager confirms a new contract: from now on its periods can be assessed and approved."""
    check_manager(actor, contract.community.jurisdiction_id)
    contract = lock_contract(contract.id)
    if not contract.is_pending:
        raise InvalidTransition(_("This contract is already confirmed."))
    if actor is not None and contract.created_by_id == actor.id:
        raise Forbidden(_("You wrote this contract; a second manager must confirm it."))
    contract.confirmed_at, contract.confirmed_by_id = utcnow(), actor.id if actor else None
    db.session.flush()
    record("performance_contract.confirmed", contract, actor=actor,
           data={"created_by": contract.created_by.username})
    return contract


def propose_change(contract: Contract, values: dict, actor) -> ContractChange:
    """Propose new money terms (those that differ from the terms in force). Approved periods keep what they froze."""
    check_manager(actor, contract.community.jurisdiction_id)
    merged = {k: values.get(k, getattr(contract, k)) for k in MONEY_TERMS}
    _check_terms(merged)
    before = snapshot(contract, MONEY_TERMS)
    after = {k: jsonable(v) for k, v in values.items() if k in MONEY_TERMS and _typed(k, jsonable(v)) != _typed(
        k, before[k])}
    if not after:
        raise ValidationError.field("terms", _("These are the terms in force; there is nothing to propose."))
    change = ContractChange(contract_id=contract.id, before={k: before[k] for k in after}, after=after,
                            proposed_by_id=actor.id if actor else None, proposed_at=utcnow())
    db.session.add(change)
    db.session.flush()
    record("performance_contract.change_proposed", contract, actor=actor, changes=diff(change.before, after),
           data={"proposal": change.id})
    return change


def decide_change(change: ContractChange, confirm: bool, actor) -> ContractChange:
    """Another manager confirms the proposal (the terms apply from now) or refuses it; its author may withdraw."""
    contract = db.session.get(Contract, change.contract_id)
    check_manager(actor, contract.community.jurisdiction_id)
    contract = lock_contract(contract.id)
    db.session.refresh(change)
    if change.is_confirmed is not None:
        raise InvalidTransition(_("This proposal is already decided."))
    if confirm and actor is not None and change.proposed_by_id == actor.id:
        raise Forbidden(_("You proposed this change; a second manager must confirm it."))
    if confirm:
        current = snapshot(contract, MONEY_TERMS)
        if any(_typed(k, current[k]) != _typed(k, v) for k, v in change.before.items()):
            raise Conflict(_("The contract changed since this proposal was made; refuse it and propose again."))
        for key, value in change.after.items():
            setattr(contract, key, _typed(key, value))
    change.is_confirmed, change.decided_by_id, change.decided_at = confirm, actor.id if actor else None, utcnow()
    db.session.flush()
    record("performance_contract.change_confirmed" if confirm else "performance_contract.change_refused", contract,
           actor=actor, changes=diff(change.before, change.after) if confirm else None,
           data={"proposal": change.id})
    return change


TYPES = {"indicator": Indicator, "forfeiture": Forfeiture, "fallback": Fallback, "distribution": Distribution}


def _typed(key: str, value):
    if value is None:
        return None
    if key in ("rate", "cap", "forfeit_pct"):
        return Decimal(str(value))
    if key == "fallback_periods":
        return int(value)
    return TYPES[key](value) if key in TYPES else value


def owner_merged(kept: Owner, *, data: dict, **_event) -> None:
    """``owner.merged``: the kept owner belongs to every community either record belonged to (once). A share of an
    approved period still to be paid is paid to the record it names (its payment part): such a record is merged
    once the period is paid. Shares of periods paid stay as frozen, with the member's name."""
    merged_id = data["merged"]
    unpaid = db.session.scalars(sa.select(Period).where(
        Period.status.in_([PeriodStatus.APPROVED, PeriodStatus.IN_PAYMENT]), Period.shares.is_not(None))
        .order_by(Period.id))
    owed = [p.audit_label for p in unpaid if any(s["owner_id"] == merged_id for s in p.shares or [])]
    if owed:
        raise ValidationError.field("into", _(
            "This record is owed a share of conservation-performance periods not yet paid ({periods}): merge it once "
            "they are paid.").format(periods=join_list(owed)))
    already = set(db.session.scalars(sa.select(Member.community_id).where(Member.owner_id == kept.id)))
    member = sa.and_(Member.owner_id == merged_id, Member.community_id.in_(already))
    db.session.execute(sa.delete(Member.__table__).where(member))
    db.session.execute(sa.update(Member.__table__).where(Member.owner_id == merged_id).values(owner_id=kept.id))
