"""Synthetic data at scale for the benchmarks (``flask synth --claims N``): the whole range, every claim state,
a valid audit chain. It writes in bulk but decides as the service does: assessments by the service's own steps
(:mod:`bench.synth.assess`), audit events chained by :mod:`conflict_service.audit.chain`.
"""


def init_app(app) -> None:
    """Add ``flask synth`` (called by ``create_app`` when the bench package is there)."""
    from bench.synth.cli import synth_command

    app.cli.add_command(synth_command)
