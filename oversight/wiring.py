"""Wire open data and the annual bulletin into the app: API, pages, CLI, navigation, audit descriptions."""

from __future__ import annotations


def init_app(app) -> None:
    from conflict_service.api import api
    from oversight import opendata_api, opendata_cli, opendata_views, presentation

    presentation.init()
    app.extensions["csrf"].exempt(opendata_api.blp)  # bearer tokens are not ambient credentials
    api.register_blueprint(opendata_api.blp)
    app.register_blueprint(opendata_views.bp)
    app.extensions["nav"] = [*app.extensions.get("nav", []), *opendata_views.NAV]
    app.cli.add_command(opendata_cli.opendata_cli)
