"""Backup and restore: a round trip loses nothing (row counts, audit chain, evidence hashes)."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from claims.models import Claim, Owner
from conflict_service import backup
from conflict_service.db import db
from tests.factories import Factory

pytestmark = pytest.mark.committing


@pytest.fixture(autouse=True)
def _empty_evidence_store(app):
    """Start from an empty store: tests that ran before in this process may have left files (their rows were
    rolled back, their files stay), and the round trip counts every file."""
    from tests.conftest import _clear_evidence

    _clear_evidence(app)


def _store(evidence: Path, content: bytes) -> Path:
    digest = hashlib.sha256(content).hexdigest()
    path = evidence / digest[:2] / digest[2:4] / digest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_round_trip_through_the_cli(app, runner, tmp_path):
    evidence = Path(app.config["EVIDENCE_DIR"])
    with app.test_request_context():
        make = Factory()
        world = make.world()
        for _ in range(3):
            make.claim(world.ir)
        db.session.commit()
        kept = _store(evidence, b"%PDF-1.4 a veterinary report %%EOF")
        _store(evidence, b"\x89PNG a photo of the carcass")
        before = backup.row_counts()

    target = tmp_path / "backup.tar.gz"
    made = runner.invoke(args=["backup", "create", "--out", str(target)])
    assert made.exit_code == 0, made.output
    assert "2 evidence files" in made.output

    with app.test_request_context():  # damage: rows deleted and added, a file removed, another altered
        db.session.execute(sa.delete(Claim).where(Claim.id == db.session.scalar(sa.select(sa.func.min(Claim.id)))))
        make = Factory()
        make.owner(world.ir.clerk, world.ir.office)
        db.session.commit()
    kept.unlink()

    restored = runner.invoke(args=["backup", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "chain intact" in restored.output and "hashes match" in restored.output
    with app.test_request_context():
        assert backup.row_counts() == before
        assert db.session.scalar(sa.select(sa.func.count(Owner.id))) == before["owners"]
    assert kept.read_bytes() == b"%PDF-1.4 a veterinary report %%EOF"


def test_restore_reports_a_mismatch(app, tmp_path):
    with app.test_request_context():
        make = Factory()
        world = make.world()
        make.claim(world.ir)
        db.session.commit()
        manifest = backup.create(tmp_path / "b.tar.gz")
        manifest["tables"]["claims"] += 1
        report = backup.check(manifest)
    assert not report.ok
    assert any("table claims" in p for p in report.problems)


def _tampered(source: Path, target: Path, change) -> Path:
    """A copy of a backup whose manifest ``change`` edits (as a damaged or mismatched backup would read)."""
    with tarfile.open(source, "r:gz") as tar, tarfile.open(target, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def test_a_backup_that_fails_its_check_leaves_the_live_data_untouched(app, runner, tmp_path):
    evidence = Path(app.config["EVIDENCE_DIR"])
    with app.test_request_context():
        make = Factory()
        world = make.world()
        make.claim(world.ir)
        db.session.commit()
        backup.create(tmp_path / "b.tar.gz")
        make.claim(world.ir)  # work done after the backup
        db.session.commit()
        kept = _store(evidence, b"%PDF-1.4 added after the backup %%EOF")
        before = backup.row_counts()

    def one_claim_more(manifest):
        manifest["tables"]["claims"] += 5

    damaged = _tampered(tmp_path / "b.tar.gz", tmp_path / "damaged.tar.gz", one_claim_more)
    restored = runner.invoke(args=["backup", "restore", str(damaged), "--yes"])
    assert restored.exit_code == 1
    assert "table claims" in restored.output and "the data that was live is back" in restored.output
    with app.test_request_context():
        assert backup.row_counts() == before  # not the backup's one claim: the two that were live
    assert kept.read_bytes() == b"%PDF-1.4 added after the backup %%EOF"
    assert not evidence.with_name(evidence.name + ".before-restore").exists()
    database = Path(sa.engine.make_url(app.config["DATABASE_URL"]).database or "")
    assert not database.with_name(database.name + ".before-restore").exists()
