"""`flask flags ...`: recompute anomaly flags for every open claim, and list them."""

from __future__ import annotations

from collections import Counter

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from claims.models import Claim
from conflict_service.cli import acting_user
from conflict_service.db import db
from oversight.flags import operations, queries, rules
from oversight.models import AnomalyFlag

flags_cli = AppGroup("flags", help="Anomaly flags on claims (DESIGN §6).")


@flags_cli.command("scan")
def flags_scan():
    """Recompute every rule for every open claim; report what was raised and cleared, and the open flags per rule."""
    changes = operations.refresh(operations.open_claims())
    db.session.commit()
    counts = Counter(dict(db.session.execute(
        sa.select(AnomalyFlag.rule, sa.func.count()).join(Claim, Claim.id == AnomalyFlag.claim_id)
        .where(AnomalyFlag.cleared_at.is_(None), Claim.status.in_(operations.OPEN_STATES))
        .group_by(AnomalyFlag.rule)).all()))
    for code, title in rules.titles():
        click.echo(f"{code:<22} {counts.get(code, 0):>6}  {title}")
    total = sum(counts.values())
    click.echo(f"{changes['raised']} raised, {changes['cleared']} cleared, {total} flags on open claims.")


@flags_cli.command("list")
@click.option("--user", "username", required=True, help="List what this manager or auditor may see.")
@click.option("--state", type=click.Choice(queries.STATES), default="open", show_default=True)
@click.option("--rule", type=click.Choice(list(rules.RULES)), default=None)
def flags_list(username, state, rule):
    """List flags on the claims a user sees (recomputed for open claims first)."""
    user = acting_user(username)
    page = queries.queue(user, state=state, rule=rule, per_page=200)
    db.session.commit()
    for flag in page.items:
        decision = flag.decision.value if flag.decision else "open"
        click.echo(f"#{flag.id:<6} {flag.claim.number:<24} {flag.rule:<22} {decision:<10} "
                   f"{rules.describe(flag.rule, flag.details)}")
    shown = len(page.items)
    click.echo(f"{page.total} flags." if shown == page.total else f"{shown} of {page.total} flags shown.")
