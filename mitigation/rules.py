"""Calendar rules of mitigation: when a measure is due for inspection, when a dog is overdue for a vaccine.

Pure functions of dates, so the lists, the pages and the tests apply exactly the same rules.
"""

from __future__ import annotations

import calendar
from datetime import date

from mitigation.enums import MeasureStatus, VaccineKind

INSPECTION_INTERVAL_MONTHS = 12
# Boosters: rabies and the combined distemper/parvovirus vaccine are repeated yearly for adult working dogs.
BOOSTER_MONTHS = {VaccineKind.RABIES: 12, VaccineKind.DISTEMPER_PARVOVIRUS: 12}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def inspection_due_on(installed_on: date, last_inspected_on: date | None) -> date:
    """Due 12 months after the last inspection, or after installation if it was never inspected."""
    return add_months(last_inspected_on or installed_on, INSPECTION_INTERVAL_MONTHS)


def is_due_for_inspection(installed_on: date, last_inspected_on: date | None, status: MeasureStatus | None,
                          today: date) -> bool:
    """No inspection in the last 12 months; an abandoned measure has nothing left to inspect."""
    return status != MeasureStatus.ABANDONED and inspection_due_on(installed_on, last_inspected_on) <= today


def inspection_cutoff(today: date) -> date:
    """A measure whose last inspection (or installation) is on or before this date is due."""
    return add_months(today, -INSPECTION_INTERVAL_MONTHS)


def default_next_due(kind: VaccineKind, given_on: date) -> date | None:
    months = BOOSTER_MONTHS.get(kind)
    return add_months(given_on, months) if months else None


def overdue_kinds(vaccinations, today: date) -> list[VaccineKind]:
    """Vaccines whose latest dose has a next-due date before today; rabies also when none is recorded.

    ``vaccinations`` are objects with ``kind``, ``given_on``, ``next_due_on`` and ``id`` (any order).
    """
    latest: dict[VaccineKind, object] = {}
    for v in sorted(vaccinations, key=lambda v: (v.given_on, v.id or 0)):
        latest[v.kind] = v
    overdue = [kind for kind, v in latest.items() if v.next_due_on is not None and v.next_due_on < today]
    if VaccineKind.RABIES not in latest:
        overdue.append(VaccineKind.RABIES)
    return sorted(overdue, key=list(VaccineKind).index)
