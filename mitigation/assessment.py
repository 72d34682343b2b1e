"""Step 5 of the assessment (DESIGN §5.5): which of the owner's measures were active, and which case applies.

The payouts assessment engine calls down into this module (mitigation never imports payouts). It gives the
claim's circumstances as corrected by the verifier and the programme's percentages; this module says which
case applies, which measures are involved, why (a translatable description) and the factor to apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from claims.circumstances import Circumstances
from conflict_service.db import db
from conflict_service.i18n import format_date
from mitigation.enums import MeasureKind, MeasureStatus, MitigationCase
from mitigation.models import Inspection, Measure

NOT_WORKING = (MeasureStatus.FAILED, MeasureStatus.ABANDONED)
# Measures that protect whenever they are active, whatever the circumstances of the loss.
ALWAYS_IN_USE = (MeasureKind.ELECTRIC_FENCE, MeasureKind.FOXLIGHT, MeasureKind.PROTECTIVE_COLLAR, MeasureKind.TRAINING)
HUNDRED = Decimal(100)


def active_measures(owner_id: int, incident_date: date) -> list[Measure]:
    """The owner's measures active on ``incident_date``: installed before it, and not found ``failed`` or
    ``abandoned`` at their last inspection before it (never inspected counts as working).

    "Before" is strict: a measure installed, or an inspection made, on the day of the loss cannot say
    whether it came before the attack, so it does not count. Not scoped to a reader: the caller (the
    assessment of a claim the user may see) already is.
    """
    last_status = (sa.select(Inspection.status)
                   .where(Inspection.measure_id == Measure.id, Inspection.inspected_on < incident_date)
                   .order_by(Inspection.inspected_on.desc(), Inspection.id.desc()).limit(1)
                   .correlate(Measure).scalar_subquery())
    stmt = (sa.select(Measure)
            .where(Measure.owner_id == owner_id, Measure.installed_on < incident_date,
                   sa.or_(last_status.is_(None), last_status.not_in(NOT_WORKING)))
            .order_by(Measure.installed_on, Measure.id))
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class MitigationFinding:
    """Which case of §5.5 applies, the measures that make it apply, and every measure active that day."""

    case: MitigationCase
    measures: tuple = ()
    active: tuple = ()

    @property
    def applies(self) -> bool:
        return self.case != MitigationCase.NONE

    def factor(self, noncompliance_pct: Decimal, bonus_pct: Decimal) -> Decimal:
        """What the amount left by the previous step is multiplied by (percentages as numbers: 50 = 50 %)."""
        if self.case == MitigationCase.NONCOMPLIANCE:
            return (HUNDRED - Decimal(noncompliance_pct)) / HUNDRED
        if self.case == MitigationCase.BONUS:
            return (HUNDRED + Decimal(bonus_pct)) / HUNDRED
        return Decimal(1)

    @property
    def description(self) -> str:
        """Why, in the current locale (read it inside ``force_locale`` for documents)."""
        if self.case == MitigationCase.NONCOMPLIANCE:
            since = min(m.installed_on for m in self.measures)
            return _("The loss happened at night outside the owner's predator-proof corral, which was in working "
                     "order (installed {date}).").format(date=format_date(since))
        if self.case == MitigationCase.BONUS:
            return _("Mitigation in use at the loss: {measures}.").format(measures=measure_list(self.measures))
        if self.active:
            return _("The owner's active measures ({measures}) were not in use at the loss.").format(
                measures=measure_list(self.active))
        return _("The owner had no active mitigation measure on the incident date.")

    def as_data(self) -> dict:
        """Plain data for a stored breakdown: the case and the measures, by id and kind."""
        return {"case": self.case.value, "measures": [{"id": m.id, "kind": m.kind.value} for m in self.measures],
                "active": [{"id": m.id, "kind": m.kind.value} for m in self.active]}


def measure_list(measures) -> str:
    return ", ".join(str(m.kind.title) for m in measures)


def decide(circumstances: Circumstances, active) -> MitigationFinding:
    """DESIGN §5.5: (a) an active corral and a night loss outside it is non-compliance; (b) otherwise a
    measure in use at the loss earns the bonus; else nothing applies."""
    active = tuple(active)
    corrals = tuple(m for m in active if m.kind == MeasureKind.PREDATOR_PROOF_CORRAL)
    if corrals and circumstances.is_night and not circumstances.is_in_corral:
        return MitigationFinding(MitigationCase.NONCOMPLIANCE, corrals, active)
    in_use = tuple(m for m in active if _in_use(m, circumstances))
    if in_use:
        return MitigationFinding(MitigationCase.BONUS, in_use, active)
    return MitigationFinding(MitigationCase.NONE, (), active)


def _in_use(measure, c: Circumstances) -> bool:
    if measure.kind == MeasureKind.PREDATOR_PROOF_CORRAL:
        return c.is_night and c.is_in_corral
    if measure.kind == MeasureKind.GUARDIAN_DOG:
        return c.is_guard_dog_present
    return measure.kind in ALWAYS_IN_USE


def assess(owner_id: int, incident_date: date, circumstances: Circumstances) -> MitigationFinding:
    """The §5.5 finding for a loss of ``owner_id`` on ``incident_date``."""
    return decide(circumstances, active_measures(owner_id, incident_date))


def findings_for(cases: list[tuple[int, int, date, Circumstances]]) -> dict[int, MitigationFinding]:
    """Findings for many losses at once, ``(key, owner_id, incident_date, circumstances)`` each, in two
    statements whatever their number (lists of claims are assessed together)."""
    if not cases:
        return {}
    owners, latest = {c[1] for c in cases}, max(c[2] for c in cases)
    measures = list(db.session.scalars(sa.select(Measure).where(Measure.owner_id.in_(owners),
                                                                Measure.installed_on < latest)
                                       .order_by(Measure.installed_on, Measure.id)))
    inspections: dict[int, list[tuple[date, int, MeasureStatus]]] = {}
    if measures:
        rows = db.session.execute(sa.select(Inspection.measure_id, Inspection.inspected_on, Inspection.id,
                                            Inspection.status)
                                  .where(Inspection.measure_id.in_([m.id for m in measures]),
                                         Inspection.inspected_on < latest))
        for row in rows:
            inspections.setdefault(row.measure_id, []).append((row.inspected_on, row.id, row.status))
    return {key: decide(circumstances, [m for m in measures if m.owner_id == owner_id
                                        and active_on(m, on, inspections.get(m.id, []))])
            for key, owner_id, on, circumstances in cases}


def active_on(measure, on: date, inspections) -> bool:
    """The same rule as :func:`active_measures`, on rows already loaded: ``inspections`` are the measure's
    ``(inspected_on, id, status)``."""
    if measure.installed_on >= on:
        return False
    before = [i for i in inspections if i[0] < on]
    return not before or max(before)[2] not in NOT_WORKING
