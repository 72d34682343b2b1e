"""Notifications (DESIGN §11): owners' consent, the outbox, SMS gateways, staff digests and escalation."""


def init_app(app) -> None:
    """Wire notifications into the app: event subscribers, the sender, blueprints, API, CLI, slots and menu."""
    from conflict_service import events
    from conflict_service.api import api
    from conflict_service.web.extensions import add_form_part, contribute
    from notifications import api as notifications_api
    from notifications import cli, demo, operations, presentation, sender, subscribers, views

    csrf = app.extensions["csrf"]
    for blp in notifications_api.BLUEPRINTS:
        csrf.exempt(blp)
        api.register_blueprint(blp)
    app.register_blueprint(views.bp)
    app.extensions["nav"] = [*app.extensions.get("nav", []), *views.NAV]
    contribute(app, "owner", views.owner_section)
    events.subscribe("owner.merged", operations.owner_merged)  # a merged record's messages and consent move
    contribute(app, "profile", views.profile_section)
    add_form_part(app, "owner_new", views.INTAKE_CONSENT)
    app.cli.add_command(cli.cli)
    subscribers.init_app(app)
    sender.init_app(app)
    presentation.init_app(app)
    app.extensions["demo_steps"] = [*app.extensions.get("demo_steps", []), demo.load]
