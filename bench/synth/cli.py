"""``flask synth``: synthetic data at scale for the benchmarks (registered by :func:`bench.synth.init_app`)."""

import sys

import click
from flask.cli import with_appcontext

from bench.synth.generate import generate


@click.command("synth")
@with_appcontext
@click.option("--claims", "n_claims", type=click.IntRange(min=1), required=True, help="How many claims to generate.")
@click.option("--owners", type=click.IntRange(min=1), default=None, help="How many owners (default: claims ÷ 5).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed, the same data.")
def synth_command(n_claims, owners, seed):
    """Generate realistic synthetic data at scale (every claim state, a valid audit chain)."""
    with click.progressbar(length=n_claims, label="Claims", show_pos=True, file=sys.stderr) as bar:
        outcome = generate(n_claims, seed=seed, owners=owners, progress=bar.update)
    total = sum(outcome.rows.values())
    click.echo(f"{outcome.claims} claims, {outcome.owners} owners, {total} rows in {outcome.seconds:.1f} s "
               f"({outcome.claims / outcome.seconds:,.0f} claims/s).")
    for name, count in sorted(outcome.rows.items()):
        click.echo(f"  {name}: {count}")
    click.echo("States: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.states.items())))
