"""Alembic, driven from the Flask app (``flask db ...``) and from the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", current_app.config["DATABASE_URL"].replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(revision: str = "head", connection=None) -> None:
    command.upgrade(alembic_config(connection), revision)


def downgrade(revision: str, connection=None) -> None:
    command.downgrade(alembic_config(connection), revision)


def revision(message: str, autogenerate: bool = True) -> None:
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


def current() -> None:
    command.current(alembic_config(), verbose=True)


def check() -> None:
    """Fail when the models and the migrations differ."""
    command.check(alembic_config())
