"""The OpenRosa server for ODK Collect and KoboCollect, and the review queue of what they send (DESIGN §10)."""


def init_app(app) -> None:
    """Wire the field server into the app: its blueprints, API, CLI, navigation and home-page panel."""
    from conflict_service.api import api
    from conflict_service.web.extensions import contribute
    from field import api as field_api
    from field import cli, openrosa, operations, views

    csrf = app.extensions["csrf"]
    csrf.exempt(openrosa.bp)  # devices authenticate every request themselves (Digest); no cookie is ambient
    csrf.exempt(field_api.blp)
    app.register_blueprint(openrosa.bp)
    app.register_blueprint(views.bp)
    api.register_blueprint(field_api.blp)
    app.extensions["nav"] = [*app.extensions.get("nav", []), *views.NAV]
    contribute(app, "home", views.home_panel)
    app.cli.add_command(cli.cli)
    operations.register_texts()
