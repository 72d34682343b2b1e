"""Batch rendering on Redis (RQ): jobs render claims in a worker; the command collects their PDFs."""

import os
import signal
import subprocess
import sys
import time
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


def _spawned_children(pid: int) -> list[int]:
    """The worker processes (multiprocessing's spawned children) whose parent is ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if ppid == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_worker_command_stops_its_worker_processes(redis_app, tmp_path, signum):
    env = {**os.environ, "DATABASE_URL": redis_app.config["DATABASE_URL"], "REDIS_URL": REDIS_URL,
           "SECRET_KEY": "test", "AUDIT_KEY": TEST_AUDIT_KEY, "INSTANCE_PATH": str(tmp_path),
           "RQ_CASEFILES_QUEUE": redis_app.config["RQ_CASEFILES_QUEUE"]}
    root, log = Path(__file__).resolve().parents[2], tmp_path / "worker.log"
    with log.open("w") as output:
        command = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "casefiles", "worker",
                                    "--processes", "2"], cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(children) < 2 and time.monotonic() < deadline and command.poll() is None:
            time.sleep(0.2)
            children = _spawned_children(command.pid)
        assert len(children) == 2, log.read_text()
        time.sleep(1)  # let the workers get going
        command.send_signal(signum)
        command.wait(timeout=90)
        survivors = [pid for pid in children if _alive(pid)]
        assert survivors == [], f"worker processes still running after {signal.Signals(signum).name}"
    finally:
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if command.poll() is None:
            command.kill()
        command.wait()
