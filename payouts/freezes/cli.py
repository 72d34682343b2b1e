"""`flask freezes ...`: record, list and lift retaliation freezes from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from conflict_service.cli import acting_user, committed
from conflict_service.jurisdictions.queries import get_by_code
from conflict_service.web.forms import load
from payouts.freezes import operations, queries
from payouts.freezes.schemas import FreezeCreateSchema, LiftSchema

freezes_cli = AppGroup("freezes", help="Retaliation freezes: payments held after a leopard is killed.")


def _line(freeze) -> str:
    area = " + ".join(filter(None, [
        freeze.jurisdiction.code if freeze.jurisdiction else "",
        f"{freeze.radius_km:g} km around {freeze.lat:.4f},{freeze.lon:.4f}" if freeze.lat is not None else ""]))
    state = "holding" if freeze.is_active else ("lifted" if freeze.lifted_at else "ended")
    return (f"#{freeze.id:<5} {freeze.programme.name[:30]:<30} {freeze.cause.value:<9} {freeze.killed_on} → "
            f"{freeze.ends_on}  {state:<8} {area}  held: {len(freeze.held_claims)}")


@freezes_cli.command("record")
@click.option("--user", "username", required=True, help="The manager recording it (audited).")
@click.option("--programme", "programme_id", type=int, required=True)
@click.option("--cause", type=click.Choice(["killed", "poisoned"]), default="killed", show_default=True)
@click.option("--killed-on", required=True, help="Date the leopard was killed (YYYY-MM-DD).")
@click.option("--jurisdiction", "code", default=None, help="Code of a region or office, e.g. IR-KHR.")
@click.option("--lat", type=float, default=None)
@click.option("--lon", type=float, default=None)
@click.option("--radius-km", type=float, default=None)
@click.option("--note", default="")
def freezes_record(username, programme_id, cause, killed_on, code, lat, lon, radius_km, note):
    """Record a leopard killed or poisoned: payments in the area are held for the programme's freeze days."""
    user = acting_user(username)
    with committed():
        raw = {"programme_id": programme_id, "cause": cause, "killed_on": killed_on, "note": note, "lat": lat,
               "lon": lon, "radius_km": radius_km, "jurisdiction_id": get_by_code(code).id if code else None}
        freeze = operations.record_freeze(load(FreezeCreateSchema(), raw), user)
    click.echo(_line(queries.view(freeze)))


@freezes_cli.command("list")
@click.option("--user", "username", required=True, help="List what this user may see.")
@click.option("--active/--all", default=False, help="Only freezes holding payments now.")
def freezes_list(username, active):
    """List freezes, newest first, with the number of claims each holds now."""
    page = queries.freezes_page(acting_user(username), active=True if active else None, per_page=200)
    for freeze in page.items:
        click.echo(_line(queries.view(freeze)))
    click.echo(f"{page.total} freezes.")


@freezes_cli.command("lift")
@click.argument("freeze_id", type=int)
@click.option("--user", "username", required=True, help="The manager lifting it (audited).")
@click.option("--reason", required=True)
def freezes_lift(freeze_id, username, reason):
    """Lift a freeze before its period ends; its claims can be paid again."""
    user = acting_user(username)
    with committed():
        freeze = operations.lift_freeze(operations.get_freeze(freeze_id, user), load(LiftSchema(), {"reason": reason}),
                                        user)
    click.echo(_line(queries.view(freeze)))
