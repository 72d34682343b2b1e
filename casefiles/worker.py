"""The worker processes of batch rendering (``flask casefiles worker``).

Each worker runs jobs in-process (no fork per job, so fonts stay loaded) and exits after ``max_jobs`` jobs —
WeasyPrint holds on to memory — and the supervisor starts a fresh process. A worker builds the service's app
the way the ``flask`` command that started it found it (``--app`` or ``FLASK_APP``, else ``wsgi.py``), through
Flask's :class:`~flask.cli.ScriptInfo`: no module below the composition root imports the app factory.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import signal
import sys
import threading
import time

from flask.cli import ScriptInfo

from casefiles import jobs

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
PR_SET_PDEATHSIG = 1  # prctl(2)
GRACE_SECONDS = 60.0  # a case file renders in seconds; a worker stuck longer than this is killed


def work(app_import_path: str | None, max_jobs: int, burst: bool) -> None:
    """One worker process: the service's app (configured from the environment, as the command's was)."""
    from redis import Redis
    from rq import SimpleWorker

    _die_with_parent()
    app = ScriptInfo(app_import_path=app_import_path).load_app()
    with app.app_context():
        worker = SimpleWorker([jobs.queue()], connection=Redis.from_url(jobs.redis_url()))
        worker.work(burst=burst, max_jobs=max_jobs, logging_level="WARNING")


def _die_with_parent() -> None:
    """On Linux, the kernel ends this worker if the supervisor dies without stopping it (SIGKILL, a crash)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def supervise(app_import_path: str | None, processes: int, max_jobs: int, burst: bool = False) -> None:
    """Keep ``processes`` workers running; each exits after ``max_jobs`` jobs and is replaced (until the
    queue is empty, with ``burst``). SIGTERM or SIGINT stops the workers with the supervisor, none left orphaned."""
    context = multiprocessing.get_context("spawn")
    workers: list = []
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda _signum, _frame: stop.set()) for signum in STOP_SIGNALS}
    try:
        while not stop.is_set():
            workers = [w for w in workers if w.is_alive()]
            empty = jobs.queue().count == 0
            if burst and empty and not workers:
                return
            while len(workers) < processes and not (burst and empty) and not stop.is_set():
                worker = context.Process(target=work, args=(app_import_path, max_jobs, burst))
                worker.start()
                workers.append(worker)
            stop.wait(0.5)
    finally:
        stop_workers(workers)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_workers(workers: list, grace: float = GRACE_SECONDS) -> None:
    """SIGTERM to each (RQ finishes the job under way, then exits); whoever is still there after ``grace`` seconds
    is killed. Every process is waited for, so none is left behind."""
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    deadline = time.monotonic() + grace
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            log.warning("case-file worker %s did not stop within %s s; killed", worker.pid, grace)
            worker.kill()
            worker.join()
