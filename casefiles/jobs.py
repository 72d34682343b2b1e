"""Batch rendering as background jobs on Redis (RQ) when ``REDIS_URL`` is set; inline otherwise.

One job renders one claim's documents and returns the PDF bytes; the command that enqueued the jobs collects
them into the folder or zip. Workers run jobs in-process (no fork per job, so fonts stay loaded) and exit
after ``max_jobs`` jobs — WeasyPrint holds on to memory — and the supervisor starts a fresh process.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Iterator

from flask import current_app
from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus

from casefiles.documents import render_claim
from conflict_service.db import db

log = logging.getLogger(__name__)
RESULT_TTL = 3600
POLL_SECONDS = 0.2


def redis_url() -> str:
    return current_app.config.get("REDIS_URL") or ""


def queue() -> Queue:
    name = current_app.config.get("RQ_CASEFILES_QUEUE", "casefiles")
    return Queue(name, connection=Redis.from_url(redis_url()), default_timeout=600)


def render_job(claim_id: int, kinds: list[str], lang: str | None, bilingual: bool,
               base_url: str) -> list[tuple[str, bytes]]:
    """Run by a worker inside the application context: every requested document of one claim."""
    try:
        return [tuple(reversed(render_claim(claim_id, kind, lang=lang, bilingual=bilingual, base_url=base_url)))
                for kind in kinds]
    finally:
        db.session.close()  # a worker serves many jobs: keep nothing between them


def enqueue(ids: list[int], kinds: list[str], lang, bilingual, base_url) -> list[Job]:
    q = queue()
    return [q.enqueue(render_job, claim_id, kinds, lang, bilingual, base_url, result_ttl=RESULT_TTL,
                      failure_ttl=RESULT_TTL, job_id=None, description=f"claim {claim_id}") for claim_id in ids]


def collect(jobs: list[Job], on_done: Callable[[Job], None]) -> Iterator[tuple[int, list | None]]:
    """Yield ``(claim_id, documents or None if the job failed)`` as jobs finish, in any order."""
    pending = {job.id: job for job in jobs}
    while pending:
        finished = False
        for job_id, job in list(pending.items()):
            status = job.get_status(refresh=True)
            if status in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                del pending[job_id]
                finished = True
                result = job.return_value() if status == JobStatus.FINISHED else None
                on_done(job)
                yield job.args[0], result
                job.delete()
        if not finished:
            time.sleep(POLL_SECONDS)


def _work(max_jobs: int, burst: bool) -> None:
    """One worker process: the service's app (configured from the environment, as the command's was)."""
    from conflict_service.app import create_app  # the composition root, imported in the worker process only

    app = create_app()
    with app.app_context():
        worker = SimpleWorker([queue()], connection=Redis.from_url(redis_url()))
        worker.work(burst=burst, max_jobs=max_jobs, logging_level="WARNING")


def supervise(processes: int, max_jobs: int, burst: bool = False) -> None:
    """Keep ``processes`` workers running; each exits after ``max_jobs`` jobs and is replaced (until the
    queue is empty, with ``burst``)."""
    context = multiprocessing.get_context("spawn")
    workers: list = []
    while True:
        workers = [w for w in workers if w.is_alive()]
        empty = queue().count == 0
        if burst and empty and not workers:
            return
        while len(workers) < processes and not (burst and empty):
            worker = context.Process(target=_work, args=(max_jobs, burst))
            worker.start()
            workers.append(worker)
        time.sleep(0.5)
