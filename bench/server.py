"""Start the service under gunicorn on a free loopback port (benchmarks and the load test)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PIDS: dict[str, int] = {}  # base URL -> gunicorn master process, for measuring the workers' CPU time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict, *, workers: int = 2, threads: int = 4, app: str = "wsgi:app"):
    """Yield the base URL of a gunicorn serving ``app`` with ``env``; stop it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:conflict_service.gunicorn_conf", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--access-logfile", "/dev/null", "--log-level", "warning", app]
    # The service's log goes to a file: a pipe nobody reads fills up (64 kB) and then blocks every worker that logs.
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log,
                               text=True)
    process.log = log
    base = f"http://127.0.0.1:{port}"
    PIDS[base] = process.pid
    try:
        _wait_ready(base, process)
        yield base
    finally:
        PIDS.pop(base, None)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(base: str, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            process.log.seek(0)
            raise RuntimeError(f"gunicorn exited: {process.log.read()[-3000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def server_cpu_seconds(base: str) -> float:
    """User + system CPU time used so far by the gunicorn serving ``base`` and its workers (Linux /proc)."""
    master = PIDS[base]
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == master or ppid == master:
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        if pid == master:
            # cutime, cstime: the workers gunicorn has recycled (max_requests) and reaped. Without them a worker that
            # exits between two readings takes its CPU out of the sum, and the time between them can come out 0 or
            # less (a tiny run's field submissions, after the submission load's thousands of requests).
            total += (int(fields[13]) + int(fields[14])) / ticks
    return total
