"""Command-line tools of the core: database, users, jurisdictions, audit chain and demo data."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from marshmallow import Schema
from marshmallow import ValidationError as MarshmallowError

from conflict_service import backup, migrations
from conflict_service.audit.keys import audit_keys
from conflict_service.audit.operations import run_chain_check
from conflict_service.auth import operations as auth_ops
from conflict_service.auth import queries as auth_queries
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import DomainError, ValidationError
from conflict_service.errors import plain as plain_errors
from conflict_service.jurisdictions import operations as j_ops
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.schemas import JurisdictionCreateSchema, JurisdictionUpdateSchema
from conflict_service.timeutil import utcnow
from conflict_service.web import forms as web_forms

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
users_cli = AppGroup("users", help="User accounts.")
jur_cli = AppGroup("jurisdictions", help="Countries, regions and offices.")
audit_cli = AppGroup("audit", help="The tamper-evident audit trail.")
demo_cli = AppGroup("demo", help="Demonstration data.")
backup_cli = AppGroup("backup", help="Back up and restore the database and the evidence files.")


def acting_user(username: str | None, *roles: Role):
    """The active user a command acts as (``--user``; None when it was not given), holding one of ``roles`` when some
    are named (as the API's operation declares them); anyone else stops the command."""
    if username is None:
        return None
    user = auth_queries.get_by_username(username)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active user {username!r}.")
    if roles and user.role not in roles:
        raise click.ClickException(f"{username} is a {user.role.value}; this needs one of these roles: "
                                   f"{', '.join(role.value for role in roles)}.")
    return user


def record_rates_file(record, what: str) -> None:
    """Run ``record()`` (a rate table's CSV import) and commit; every bad line of the file is printed, nothing kept."""
    try:
        table = record()
    except DomainError as error:
        for message in error.errors.get("file", []):
            click.echo(f"  {message}", err=True)
        if error.errors.get("file"):
            raise click.ClickException("Nothing was recorded.") from None
        fail(error)
    db.session.commit()
    click.echo(f"Recorded version {table.version} with {len(table.entries)} {what}.")


@contextmanager
def refused():
    """Run a lookup or an operation; its refusal (not found, out of reach, not allowed) stops the command with its
    message."""
    try:
        yield
    except DomainError as error:
        fail(error)


@contextmanager
def committed():
    """Run a command's operation and commit what it changed; a refusal stops the command with its message (the
    session is rolled back by the app context's end, so nothing of it is kept)."""
    with refused():
        yield
    db.session.commit()


def fail(error: DomainError) -> None:
    details = "; ".join(f"{field}: {message}" for field, message in _flat(error.errors))
    raise click.ClickException(f"{error.message} {details}".strip())


def _flat(errors, prefix: str = ""):
    """(field, message) pairs of a possibly nested error structure: ``lines.1.count`` for a loss line's count."""
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flat(value, f"{name}.")
        else:
            yield name, " ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def loaded(schema: Schema, data: dict) -> dict:
    """``data`` loaded by the API's schema; what it refuses stops the command with a message per field, as the API's
    422 would give them."""
    try:
        return schema.load(data)
    except MarshmallowError as error:
        fail(ValidationError(plain_errors(error.messages)))


def json_object(path: Path) -> dict:
    """A JSON object read from ``path`` (a request body for a command that takes one); anything else stops it."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path} is not valid JSON: {error}") from None
    if not isinstance(payload, dict):
        raise click.ClickException(f"{path} does not hold a JSON object.")
    return payload


def moment(value: datetime | None, tz_name: str) -> str:
    """A stored (UTC) time as a reader of a command's output wants it: local to ``tz_name``, with its offset."""
    if value is None:
        return "-"
    return f"{value.astimezone(ZoneInfo(tz_name)):%Y-%m-%d %H:%M %z} {tz_name}"


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Bring the schema up to REVISION (default: the newest)."""
    migrations.upgrade(revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    """Step the schema back to REVISION."""
    migrations.downgrade(revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="Do not compare the models with the database.")
def db_revision(message, empty):
    """Write a new migration from the difference between the models and the database."""
    migrations.revision(message, autogenerate=not empty)


@db_cli.command("current")
def db_current():
    """Show the revision the database is at."""
    migrations.current()


@db_cli.command("check")
def db_check():
    """Fail if the models have changes that no migration contains."""
    migrations.check()
    click.echo("Models and migrations agree.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--jurisdiction", "codes", required=True, multiple=True,
              help="Code such as IR or IR-RKH-DRG; repeatable.")
@click.option("--full-name", default="")
@click.option("--language", default=None, help="Preferred language, e.g. fa or ka.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(username, role, codes, full_name, language, password_stdin):
    """Create a user; the password is asked for (or read from stdin)."""
    with committed():
        ids = [jq.get_by_code(code).id for code in codes]
        user = auth_ops.create_user({"username": username, "role": role, "jurisdiction_ids": ids,
                                     "full_name": full_name, "preferred_language": language,
                                     "password": _read_password(password_stdin)}, actor=None)
    click.echo(f"Created {user.username} ({user.role.value}) in {', '.join(codes)}.")


@users_cli.command("list")
def users_list():
    """List users with their roles and jurisdictions."""
    for user in auth_queries.all_users():
        codes = ",".join(j.code for j in user.jurisdictions)
        state = "" if user.is_active else " (inactive)"
        click.echo(f"{user.username:<20} {user.role.value:<9} {codes}{state}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True)
def users_set_password(username, password_stdin):
    """Replace a user's password; their sessions and tokens stop working."""
    user = auth_queries.get_by_username(username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    with committed():
        auth_ops.set_password(user, _read_password(password_stdin), actor=None)
    click.echo("Password changed.")


@jur_cli.command("create")
@click.argument("short_code")
@click.option("--name", required=True)
@click.option("--parent", "parent_code", default=None, help="Code of the country or region above it.")
@click.option("--timezone", default=None, help="IANA time zone, e.g. Asia/Tehran (default: the parent's).")
@click.option("--names", "names", multiple=True, metavar="LOCALE=NAME",
              help="The name in another language, e.g. --names en='Dargaz office' (repeatable).")
def jurisdictions_create(short_code, name, parent_code, timezone, names):
    """Create a country (no parent), a region (parent: a country) or an office (parent: a region)."""
    try:
        parent_id = jq.get_by_code(parent_code).id if parent_code else None
        data = JurisdictionCreateSchema().load({"short_code": short_code, "name": name, "parent_id": parent_id,
                                                "timezone": timezone, "names": names_option(names)})
        j = j_ops.create_jurisdiction(data, actor=None)
    except MarshmallowError as error:
        raise click.ClickException(f"{error.messages}") from None
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Created {j.level.value} {j.code} ({j.name}, {j.timezone}).")


def names_option(pairs) -> dict:
    names = {}
    for pair in pairs:
        locale, sep, text = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: give LOCALE=NAME", param_hint="--names")
        names[locale.strip()] = text
    return names


def renamed(current_name: str, current_names: dict, name: str, locale: str | None) -> dict:
    """The update a rename asks for: the official name, or (``--locale``) one language's name kept beside the
    others; a blank NAME with ``--locale`` removes that language's name (readers then see the official one)."""
    if locale is None:
        return {"name": name}
    names = dict(current_names or {})
    if name.strip():
        names[locale] = name
    else:
        names.pop(locale, None)
    return {"names": names}


@jur_cli.command("rename")
@click.argument("code")
@click.argument("name")
@click.option("--locale", default=None, metavar="LOCALE",
              help="Change the name in this language (e.g. fa, ps, hy); without it, the official name.")
@click.option("--user", "username", default=None, help="The administrator acting (default: the command line).")
def jurisdictions_rename(code, name, locale, username):
    """Rename the jurisdiction CODE (IR-RKH-DRG), or give its name in one language:
    flask jurisdictions rename IR-RKH --locale fa "خراسان رضوی". Audited."""
    actor = acting_user(username)
    with committed():
        j = jq.get_by_code(code)
        data = web_forms.load(JurisdictionUpdateSchema(), renamed(j.name, j.names, name, locale), partial=True)
        j = j_ops.update_jurisdiction(j, data, actor)
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(j.names.items())) or "-"
    click.echo(f"{j.code}: {j.name} (names: {shown})")


@jur_cli.command("list")
def jurisdictions_list():
    """List every jurisdiction as a tree."""
    t = jq.tree()
    for j in t.by_id.values():
        depth = len(t.ancestors(j.id))
        click.echo(f"{'  ' * depth}{j.code:<16} {j.level.value:<8} {j.name} [{j.timezone}]")


@audit_cli.command("verify")
@click.option("--expect", "expected", metavar="SEQ:HASH", default=None,
              help="A head printed by an earlier run and kept elsewhere: the chain must still hold it.")
def audit_verify(expected):
    """Verify the chain, its signatures and checkpoints, and the payments and approvals against their events; print
    the head to keep elsewhere. Exit 1 naming the first altered, removed or inserted event."""
    check = run_chain_check("cli", _parse_head(expected) if expected else None)
    db.session.commit()
    if not check.is_intact:
        where = f" at event {check.first_bad_seq}" if check.first_bad_seq else ""
        click.echo(f"Audit trail BROKEN{where}: {check.problem}", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {check.events_checked} events verified.")
    click.echo(f"Head: {check.head_seq}:{check.head_hash}")
    click.echo(f"Signature: {check.signature}")
    click.echo(f"Public key: {audit_keys().public_key()}")
    click.echo("Keep the head somewhere else; `flask audit verify --expect SEQ:HASH` later proves nothing before it "
               "was cut or rewritten.")


def _parse_head(text: str) -> tuple[int, str]:
    seq, _sep, head_hash = text.partition(":")
    if not seq.isdigit() or len(head_hash) != 64:
        raise click.BadParameter("give the head as SEQ:HASH, as `flask audit verify` prints it", param_hint="--expect")
    return int(seq), head_hash.lower()


@backup_cli.command("create")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Target file (default: backup-<time>.tar.gz in the instance folder).")
def backup_create(out):
    """Back up the database and the evidence store into one file."""
    out = out or Path(current_app.instance_path) / f"backup-{utcnow():%Y%m%dT%H%M%SZ}.tar.gz"
    try:
        manifest = backup.create(out)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest["tables"].values())
    click.echo(f"Backup written to {out}: {rows} rows in {len(manifest['tables'])} tables, "
               f"{manifest['audit']['events']} audit events, {len(manifest['evidence'])} evidence files.")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
def backup_restore(source, yes):
    """Replace the database and the evidence store with a backup, then check nothing was lost."""
    if not yes:
        click.confirm("This replaces ALL current data and evidence files. Continue?", abort=True)
    try:
        report = backup.restore(source)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    if not report.ok:
        sys.exit(1)
    click.echo(f"Restored and checked: {report.rows} rows in {report.tables} tables, {report.audit_events} "
               f"audit events (chain intact), {report.evidence_files} evidence files (hashes match).")


@demo_cli.command("load")
@click.option("--seed", default=2026, show_default=True)
def demo_load(seed):
    """Load demonstration data (refused in production)."""
    if current_app.config["DEPLOYMENT"] == "production":
        raise click.ClickException("Refusing to load demo data into a production deployment.")
    if auth_queries.get_by_username("admin") is not None:
        click.echo("Demo data is already loaded.")
        return
    context: dict = {"seed": seed}
    for step in current_app.extensions["demo_steps"]:
        step(context)
        db.session.flush()
    db.session.commit()
    click.echo("Demo data loaded. Users (password: demo-password):")
    for user in auth_queries.all_users():
        codes = ",".join(j.code for j in user.jurisdictions)
        click.echo(f"  {user.username:<14} {user.role.value:<9} {codes}")


def register(app: Flask) -> None:
    for group in (db_cli, users_cli, jur_cli, audit_cli, demo_cli, backup_cli):
        app.cli.add_command(group)
