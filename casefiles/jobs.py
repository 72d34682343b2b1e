"""Batch rendering as background jobs on Redis (RQ) when ``REDIS_URL`` is set; inline otherwise.

One job renders one claim's documents and returns the PDF bytes; the command that enqueued the jobs collects
them into the folder or zip. The worker processes that run the jobs are :mod:`casefiles.worker`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from flask import current_app

from casefiles.documents import render_claim
from conflict_service.db import db

if TYPE_CHECKING:
    from rq import Queue
    from rq.job import Job

log = logging.getLogger(__name__)
RESULT_TTL = 3600
POLL_SECONDS = 0.2


def redis_url() -> str:
    return current_app.config.get("REDIS_URL") or ""


def queue() -> Queue:
    from redis import Redis  # with RQ, ~20 MB that only a process using the queue needs
    from rq import Queue

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
    from rq.job import JobStatus

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
