"""Backup and restore of the database and the evidence store, with a check that nothing was lost.

A backup is one .tar.gz: ``manifest.json`` (row counts per table, audit chain head, evidence hashes),
the database (SQLite: a consistent copy made with SQLite's backup API; PostgreSQL: ``pg_dump`` custom
format of the service's schema) and ``evidence/``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import make_url

from conflict_service.audit.chain import verify_chain
from conflict_service.db import Base, db
from conflict_service.timeutil import utcnow

FORMAT = 1
SHA_NAME = re.compile(r"^[0-9a-f]{64}$")


class BackupError(RuntimeError):
    pass


@dataclass
class RestoreReport:
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    evidence_files: int = 0
    audit_events: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def evidence_hashes(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 for every file in the evidence store."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create(target: Path) -> dict:
    """Write a backup to ``target`` (a .tar.gz) and return its manifest."""
    evidence = Path(current_app.config["EVIDENCE_DIR"])
    chain = verify_chain()
    manifest = {"format": FORMAT, "created_at": utcnow().isoformat(), "dialect": db.dialect,
                "tables": row_counts(), "audit": {"events": chain.checked, "head": chain.head_hash,
                                                  "intact": chain.is_intact},
                "evidence": evidence_hashes(evidence)}
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / ("database.sqlite" if db.dialect == "sqlite" else "database.dump")
        _dump(dump)
        with tarfile.open(target, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode())
            tar.add(dump, arcname=dump.name)
            if evidence.exists():
                tar.add(evidence, arcname="evidence")
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _dump(path: Path) -> None:
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        db.session.commit()
        source, dest = sqlite3.connect(url.database), sqlite3.connect(path)
        with dest:
            source.backup(dest)
        source.close()
        dest.close()
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={_schema(url)}",
          f"--file={path}", _libpq(url)])


def _libpq(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _schema(url) -> str:
    options = url.query.get("options", "")
    match = re.search(r"search_path=([A-Za-z0-9_]+)", options if isinstance(options, str) else " ".join(options))
    return match.group(1) if match else "public"


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client).")
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def restore(source: Path) -> RestoreReport:
    """Restore a backup beside the live data, check it against its manifest, and only then swap it in.

    The live database (SQLite file, or PostgreSQL schema) and evidence store are moved aside, not deleted; the
    backup is loaded into a fresh file or schema under the live name and checked (row counts, audit chain, evidence
    hashes). A backup that fails the check is removed and the data that was live is put back untouched; the report
    says what was wrong. The moved-aside copy is dropped only after a clean check.
    """
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(source, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((Path(work) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("Unknown backup format.")
        if manifest["dialect"] != db.dialect:
            raise BackupError(f"This backup is of a {manifest['dialect']} database; the service uses {db.dialect}.")
        staged = _Staged(Path(work))
        staged.load()
        try:
            report = check(manifest)
        except Exception:
            staged.roll_back()
            raise
        if report.ok:
            staged.finish()
        else:
            staged.roll_back()
    if not report.ok:
        report.problems.append("the backup was not restored: the data that was live is back, unchanged")
    return report


class _Staged:
    """The live data moved aside while a backup is loaded and checked under the live names."""

    def __init__(self, work: Path):
        self.work, self.url = work, make_url(current_app.config["DATABASE_URL"])
        self.evidence = Path(current_app.config["EVIDENCE_DIR"])
        self.evidence_aside = self.evidence.with_name(self.evidence.name + ".before-restore")
        self.sqlite = self.url.get_backend_name() == "sqlite"
        self.database_aside = Path(f"{self.url.database}.before-restore") if self.sqlite else None
        self.schema = None if self.sqlite else _schema(self.url)

    def load(self) -> None:
        _release()
        if self.sqlite:
            shutil.move(self.url.database, self.database_aside)
            source, dest = sqlite3.connect(self.work / "database.sqlite"), sqlite3.connect(self.url.database)
            with dest:
                source.backup(dest)
            source.close()
            dest.close()
        else:
            self._sql(f'ALTER SCHEMA "{self.schema}" RENAME TO "{self.schema}_before_restore"')
            _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
                  f"--dbname={_libpq(self.url)}", str(self.work / "database.dump")])
        if self.evidence.exists():
            shutil.move(self.evidence, self.evidence_aside)
        if (self.work / "evidence").exists():
            shutil.copytree(self.work / "evidence", self.evidence)

    def finish(self) -> None:
        """The backup passed its check: drop what was moved aside."""
        if self.sqlite:
            self.database_aside.unlink()
        else:
            self._sql(f'DROP SCHEMA "{self.schema}_before_restore" CASCADE')
        shutil.rmtree(self.evidence_aside, ignore_errors=True)

    def roll_back(self) -> None:
        """The backup failed its check: put the data that was live back."""
        _release()
        if self.sqlite:
            os.replace(self.database_aside, self.url.database)
        else:
            self._sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE; '
                      f'ALTER SCHEMA "{self.schema}_before_restore" RENAME TO "{self.schema}"')
        shutil.rmtree(self.evidence, ignore_errors=True)
        if self.evidence_aside.exists():
            shutil.move(self.evidence_aside, self.evidence)

    def _sql(self, statement: str) -> None:
        engine = sa.create_engine(self.url)
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)
        engine.dispose()


def _release() -> None:
    """Close every connection of the service's engine, so the files and schemas can be moved."""
    db.session.close()
    db.engine.dispose()


def check(manifest: dict) -> RestoreReport:
    """Compare the live data with a manifest: row counts, audit chain, evidence hashes."""
    report = RestoreReport()
    counts = row_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            report.problems.append(f"table {table}: {counts.get(table)} rows, the backup has {expected}")
    report.tables, report.rows = len(counts), sum(counts.values())
    chain = verify_chain()
    report.audit_events = chain.checked
    if not chain.is_intact or chain.head_hash != manifest["audit"]["head"]:
        report.problems.append(f"audit chain: {chain.problem or 'head differs from the backup'}")
    live = evidence_hashes(Path(current_app.config["EVIDENCE_DIR"]))
    report.evidence_files = len(live)
    if live != manifest["evidence"]:
        report.problems.append("evidence files differ from the backup")
    for name, digest in live.items():
        stem = Path(name).name
        if SHA_NAME.match(stem) and stem != digest:
            report.problems.append(f"evidence file {name} does not match its hash")
    return report
