"""Batch rendering on Redis (RQ): jobs render claims in a worker; the command collects their PDFs."""

import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisDown
from rq import SimpleWorker

from casefiles import jobs
from conflict_service.db import db
from tests.conftest import TEST_AUDIT_KEY
from tests.factories import Factory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
pytestmark = [pytest.mark.committing, pytest.mark.slow]


@pytest.fixture
def redis_app(app, monkeypatch):
    try:
        Redis.from_url(REDIS_URL).ping()
    except RedisDown:
        pytest.skip("no Redis at " + REDIS_URL)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "RQ_CASEFILES_QUEUE", f"test-casefiles-{uuid.uuid4().hex[:8]}")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://compensation.example.org")
    return app


def _claims(n=3):
    make = Factory()
    world = make.world()
    ids = [make.claim(world.ir).id for _ in range(n)]
    db.session.commit()
    return ids


def test_a_worker_renders_queued_claims(redis_app):
    with redis_app.test_request_context():
        ids = _claims()
        queued = jobs.enqueue(ids, ["casefile", "receipt"], "en", False, "https://compensation.example.org")
        SimpleWorker([jobs.queue()], connection=Redis.from_url(REDIS_URL)).work(burst=True, logging_level="ERROR")
        done = dict(jobs.collect(queued, on_done=lambda job: None))
    assert sorted(done) == sorted(ids)
    for documents in done.values():
        assert [name.split("-")[0] for name, _ in documents] == ["casefile", "receipt"]
        assert all(pdf.startswith(b"%PDF") for _, pdf in documents)


def test_the_command_and_the_worker_processes(redis_app, tmp_path):
    """`casefiles render` enqueues and collects; `casefiles worker --burst` renders in two processes."""
    with redis_app.test_request_context():
        ids = _claims(4)
    env = {**os.environ, "DATABASE_URL": redis_app.config["DATABASE_URL"], "REDIS_URL": REDIS_URL,
           "SECRET_KEY": "test", "AUDIT_KEY": TEST_AUDIT_KEY, "INSTANCE_PATH": str(tmp_path),
           "PUBLIC_BASE_URL": "https://compensation.example.org",
           "RQ_CASEFILES_QUEUE": redis_app.config["RQ_CASEFILES_QUEUE"]}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    root = Path(__file__).resolve().parents[2]
    target = tmp_path / "casefiles.zip"
    render = subprocess.Popen([*flask, "casefiles", "render", "--lang", "en", "--zip", str(target)], cwd=root,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = render.stdout.readline()  # wait until the jobs are queued before a burst worker looks
    assert "jobs queued" in first, first
    worker = subprocess.run([*flask, "casefiles", "worker", "--processes", "2", "--burst"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    output, _ = render.communicate(timeout=300)
    assert worker.returncode == 0, worker.stderr
    assert render.returncode == 0, output
    assert f"{len(ids)} documents written" in output
    with zipfile.ZipFile(target) as archive:
        assert len(archive.namelist()) == len(ids)
