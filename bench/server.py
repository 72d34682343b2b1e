"""Start the service under gunicorn on a free loopback port (benchmarks and the load test)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


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
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _wait_ready(base: str, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read()}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")
