"""Wire open data and the annual bulletin into the app: API, pages, CLI, navigation, audit descriptions."""

from __future__ import annotations


def init_app(app) -> None:
    from conflict_service.api import api
    from oversight import (
        bulletin_api,
        bulletin_cli,
        bulletin_views,
        opendata_api,
        opendata_cli,
        opendata_views,
        presentation,
        report_cli,
    )

    presentation.init()
    for blp in (opendata_api.blp, bulletin_api.blp):
        app.extensions["csrf"].exempt(blp)  # bearer tokens are not ambient credentials
        api.register_blueprint(blp)
    app.register_blueprint(opendata_views.bp)
    app.register_blueprint(bulletin_views.bp)
    app.extensions["nav"] = [*app.extensions.get("nav", []), *opendata_views.NAV, *bulletin_views.NAV]
    app.cli.add_command(opendata_cli.opendata_cli)
    report_cli.reports_cli.add_command(bulletin_cli.bulletin_command)
