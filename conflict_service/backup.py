"""Backup and restore of the database and the evidence store, with a check that nothing was lost.

A backup is one .tar.gz: ``manifest.json`` (row counts per table, audit chain head, evidence hashes),
the database (SQLite: a consistent copy made with SQLite's backup API; PostgreSQL: ``pg_dump`` custom
format of the service's schema) and ``evidence/``.
"""

from __future__ import annotations

import hashlib
import io
import json
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
    """Replace the database and the evidence store with a backup, then check the result against its manifest."""
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(source, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((Path(work) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("Unknown backup format.")
        if manifest["dialect"] != db.dialect:
            raise BackupError(f"This backup is of a {manifest['dialect']} database; the service uses {db.dialect}.")
        _load(Path(work))
        evidence = Path(current_app.config["EVIDENCE_DIR"])
        if evidence.exists():
            shutil.rmtree(evidence)
        if (Path(work) / "evidence").exists():
            shutil.copytree(Path(work) / "evidence", evidence)
    return check(manifest)


def _load(work: Path) -> None:
    db.session.close()
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        db.engine.dispose()
        source, dest = sqlite3.connect(work / "database.sqlite"), sqlite3.connect(url.database)
        with dest:
            source.backup(dest)
        source.close()
        dest.close()
        return
    db.engine.dispose()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          f"--dbname={_libpq(url)}", str(work / "database.dump")])


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
