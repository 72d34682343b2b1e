"""Alembic, driven from the Flask app (``flask db ...``) and from the tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection=None) -> Config:
    # Alembic is imported when a migration command runs: a process serving requests or exporting never needs it.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", current_app.config["DATABASE_URL"].replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _command():
    from alembic import command

    return command


def upgrade(revision: str = "head", connection=None) -> None:
    _command().upgrade(alembic_config(connection), revision)


def downgrade(revision: str, connection=None) -> None:
    _command().downgrade(alembic_config(connection), revision)


def revision(message: str, autogenerate: bool = True) -> None:
    _command().revision(alembic_config(), message=message, autogenerate=autogenerate)


def current() -> None:
    _command().current(alembic_config(), verbose=True)


def check() -> None:
    """Fail when the models and the migrations differ."""
    _command().check(alembic_config())
