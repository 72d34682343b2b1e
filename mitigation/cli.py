"""Command-line tools: measures due for inspection, dogs overdue for a vaccine, the effectiveness report."""

from __future__ import annotations

from dataclasses import dataclass, field

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from claims.enums import Predator, TimeOfDay
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import DomainError
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction
from mitigation import effectiveness, export, queries
from mitigation.stats import MIN_EVENTS, MIN_HOUSEHOLD_YEARS

mitigation_cli = AppGroup("mitigation", help="Mitigation measures, guardian dogs and what works.")


@dataclass
class Reader:
    """Who the command reads as: an auditor of the given jurisdictions (all countries by default)."""

    jurisdictions: list = field(default_factory=list)
    role: Role = Role.AUDITOR
    id: int | None = None


def _reader(codes) -> Reader:
    try:
        found = [jq.get_by_code(code) for code in codes]
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    roots = list(db.session.scalars(sa.select(Jurisdiction).where(Jurisdiction.parent_id.is_(None))))
    return Reader(found or roots)


OFFICE = click.option("--jurisdiction", "codes", multiple=True, help="Code such as IR or IR-RKH-DRG; repeatable.")


@mitigation_cli.command("due")
@OFFICE
def due(codes):
    """List measures with no inspection in the last 12 months (by each office's local date)."""
    page = queries.measures_page(_reader(codes), queries.MeasureFilters(due=True), 1, 10_000)
    for m in page.items:
        last = m.last_inspected_on.isoformat() if m.last_inspected_on else "never"
        click.echo(f"{m.id:>6}  {m.kind.value:<22} {m.owner.village:<16} {m.owner.name:<28} "
                   f"installed {m.installed_on}  last inspected {last}  due {m.inspection_due_on}")
    click.echo(f"{page.total} measure(s) due for inspection.")


@mitigation_cli.command("overdue-dogs")
@OFFICE
def overdue_dogs(codes):
    """List guardian dogs overdue for a vaccination (or with no rabies vaccination recorded)."""
    page = queries.dogs_page(_reader(codes), overdue=True, page=1, per_page=10_000)
    for dog in page.items:
        kinds = ", ".join(k.value for k in dog.overdue)
        click.echo(f"{dog.id:>6}  {dog.name:<14} {dog.measure.owner.village:<16} {dog.measure.owner.name:<28} {kinds}")
    click.echo(f"{page.total} dog(s) overdue for vaccination.")


@mitigation_cli.command("effectiveness")
@OFFICE
@click.option("--window-months", default=24, show_default=True, type=click.IntRange(6, 60))
@click.option("--predator", "predators", multiple=True, default=["leopard"], show_default=True,
              type=click.Choice([p.value for p in Predator]))
@click.option("--time-of-day", type=click.Choice([t.value for t in TimeOfDay]), default=None)
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--csv", "as_csv", is_flag=True, help="Write the rows as CSV instead of a summary.")
def effectiveness_report(codes, window_months, predators, time_of_day, start, end, as_csv):
    """Verified losses per household-year before and after each kind of measure, against non-adopters."""
    params = effectiveness.ReportParams(window_months=window_months, predators=tuple(Predator(p) for p in predators),
                                        time_of_day=TimeOfDay(time_of_day) if time_of_day else None,
                                        start=start.date() if start else None, end=end.date() if end else None)
    report = effectiveness.effectiveness(_reader(codes), params)
    if as_csv:
        click.echo(export.report_csv(report), nl=False)
        return
    click.echo(f"Losses from {report.start} to {report.end}; small sample below {MIN_EVENTS} losses or "
               f"{MIN_HOUSEHOLD_YEARS:g} household-years in any group and period.")
    for row in report.rows:
        click.echo(f"{row.region.code:<12} {row.kind.value:<22} {_summary(row.estimate)}")
    if not report.rows:
        click.echo("No household has a mitigation measure in this period.")


def _summary(est) -> str:
    if est.verdict == "small_sample":
        return "small sample: no effect claimed"
    return f"ratio {est.ratio:.2f} (95% {est.low:.2f}-{est.high:.2f}): {est.verdict}"


def register(app: Flask) -> None:
    app.cli.add_command(mitigation_cli)
