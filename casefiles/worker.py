"""The worker processes of batch rendering (``flask casefiles worker``).

Each worker runs jobs in-process (no fork per job, so fonts stay loaded) and exits after ``max_jobs`` jobs —
WeasyPrint holds on to memory — and the supervisor starts a fresh process. A worker builds the service's app
the way the ``flask`` command that started it found it (``--app`` or ``FLASK_APP``, else ``wsgi.py``), through
Flask's :class:`~flask.cli.ScriptInfo`: no module below the composition root imports the app factory.
"""

from __future__ import annotations

import multiprocessing
import time

from flask.cli import ScriptInfo
from redis import Redis
from rq import SimpleWorker

from casefiles import jobs


def work(app_import_path: str | None, max_jobs: int, burst: bool) -> None:
    """One worker process: the service's app (configured from the environment, as the command's was)."""
    app = ScriptInfo(app_import_path=app_import_path).load_app()
    with app.app_context():
        worker = SimpleWorker([jobs.queue()], connection=Redis.from_url(jobs.redis_url()))
        worker.work(burst=burst, max_jobs=max_jobs, logging_level="WARNING")


def supervise(app_import_path: str | None, processes: int, max_jobs: int, burst: bool = False) -> None:
    """Keep ``processes`` workers running; each exits after ``max_jobs`` jobs and is replaced (until the
    queue is empty, with ``burst``)."""
    context = multiprocessing.get_context("spawn")
    workers: list = []
    while True:
        workers = [w for w in workers if w.is_alive()]
        empty = jobs.queue().count == 0
        if burst and empty and not workers:
            return
        while len(workers) < processes and not (burst and empty):
            worker = context.Process(target=work, args=(app_import_path, max_jobs, burst))
            worker.start()
            workers.append(worker)
        time.sleep(0.5)
