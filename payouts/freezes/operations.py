"""Recording a leopard killed or poisoned (which holds payments in the area) and lifting the hold early."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.queries import get_programme
from conflict_service.audit.operations import record, snapshot
from conflict_service.db import db
from conflict_service.errors import Conflict, Forbidden, NotFound, ValidationError
from conflict_service.jurisdictions.models import Jurisdiction, Level
from conflict_service.jurisdictions.queries import scope_ids, tree
from conflict_service.timeutil import utcnow
from payouts.freezes import holds
from payouts.freezes.models import RetaliationFreeze
from payouts.permissions import can_manage_payouts

FIELDS = ("programme_id", "cause", "killed_on", "ends_on", "jurisdiction_id", "lat", "lon", "radius_km", "note")


def record_freeze(data: dict, actor) -> RetaliationFreeze:
    """Record a killing; payments of the programme's claims in the area wait for its freeze period."""
    _require_manager(actor)
    programme = get_programme(data["programme_id"], actor)
    if not programme.retaliation_freeze_days:
        raise ValidationError.field("programme_id", _(
            "The retaliation freeze of {name} is off (0 days); set its length in the programme's rules first.")
            .format(name=programme.local_name))
    if data["killed_on"] > holds.today_for(programme):
        raise ValidationError.field("killed_on", _("The date cannot be in the future."))
    if data.get("jurisdiction_id") is not None:
        _check_area(data["jurisdiction_id"], programme, actor)
    freeze = RetaliationFreeze(
        programme_id=programme.id, cause=data["cause"], killed_on=data["killed_on"],
        ends_on=data["killed_on"] + timedelta(days=programme.retaliation_freeze_days),
        jurisdiction_id=data.get("jurisdiction_id"), lat=data.get("lat"), lon=data.get("lon"),
        radius_km=data.get("radius_km"), note=(data.get("note") or "").strip(), recorded_by_id=actor.id)
    db.session.add(freeze)
    db.session.flush()
    record("freeze.recorded", freeze, actor=actor, changes={k: [None, v] for k, v in snapshot(freeze, FIELDS).items()
                                                            if v not in (None, "")})
    return freeze


def _check_area(jurisdiction_id: int, programme, actor) -> None:
    jurisdiction = db.session.get(Jurisdiction, jurisdiction_id)
    if jurisdiction is None or jurisdiction_id not in scope_ids(actor):
        raise ValidationError.field("jurisdiction_id", _("No such region or office in your jurisdictions."))
    if jurisdiction.level == Level.COUNTRY:
        raise ValidationError.field("jurisdiction_id", _("Choose a region or an office, not a whole country."))
    if jurisdiction_id not in tree().descendants(programme.jurisdiction_id):
        raise ValidationError.field("jurisdiction_id", _("This area is outside the programme's jurisdiction."))


def lift_freeze(freeze: RetaliationFreeze, data: dict, actor) -> RetaliationFreeze:
    """End the hold before its period is over, with a reason (an audited decision)."""
    _require_manager(actor)
    freeze = db.session.execute(sa.select(RetaliationFreeze).where(RetaliationFreeze.id == freeze.id)
                                .with_for_update(of=RetaliationFreeze)
                                .execution_options(populate_existing=True)).scalar_one()
    if not holds.is_active(freeze):
        raise Conflict(_("This freeze no longer holds payments (lifted or over); there is nothing to lift."))
    reason = data["reason"].strip()
    if not reason:
        raise ValidationError.field("reason", _("This field is required."))
    held = [c.number for c in holds.claims_in_area(freeze)]
    freeze.lifted_at, freeze.lifted_by_id, freeze.lift_reason = utcnow(), actor.id, reason
    db.session.flush()
    record("freeze.lifted", freeze, actor=actor, reason=reason,
           changes={"lifted_at": [None, freeze.lifted_at.isoformat()]}, data={"released_claims": held})
    return freeze


def get_freeze(freeze_id: int, user) -> RetaliationFreeze:
    """A freeze the user may see: its programme is in their jurisdictions (and its area too, if any)."""
    freeze = db.session.get(RetaliationFreeze, freeze_id)
    if freeze is None:
        raise NotFound()
    get_programme(freeze.programme_id, user)
    if freeze.jurisdiction_id is not None and freeze.jurisdiction_id not in scope_ids(user):
        raise NotFound()
    return freeze


def _require_manager(actor) -> None:
    if not can_manage_payouts(actor):
        raise Forbidden(_("Only a programme manager can record or lift a retaliation freeze."))
