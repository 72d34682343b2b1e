"""Conservation-performance contracts, camera-trap evidence and period payouts (DESIGN §13).

A programme of kind ``performance`` takes no claims: it holds contracts with communities (``models``), paid per
verified unit (``assessment``) counted from imported Camtrap DP packages (``camtrap``, ``evidence``) over periods
(``periods``). It sits beside ``insurance`` above ``payouts`` and plugs in only through :func:`init_app`.
"""


def init_app(app) -> None:
    """Wire performance into the app: its pages and navigation entry, API, CLI, demo step, the words for its
    audit events, and its approved periods as what payouts' batches of a performance programme pay."""
    from claims.enums import ProgrammeKind
    from conflict_service import events
    from conflict_service.api import api
    from payouts.subjects import register_subjects
    from performance import api as performance_api
    from performance import cli, demo, operations, payments, presentation, views

    app.extensions["csrf"].exempt(performance_api.blp)
    api.register_blueprint(performance_api.blp)
    app.register_blueprint(views.bp)
    app.extensions["nav"] = [*app.extensions.get("nav", []), *views.NAV]
    app.cli.add_command(cli.cli)
    presentation.register_texts()
    events.subscribe("owner.merged", operations.owner_merged)  # a merged record's memberships move to the kept one
    app.extensions["demo_steps"].append(demo.load)
    register_subjects(app, ProgrammeKind.PERFORMANCE, payments.SUBJECTS)  # approved periods paid in batches
