"""``flask casefiles render``: case files or receipts for many claims at once, into a folder or one zip file."""

from __future__ import annotations

import contextlib
import logging
import os
import zipfile
from pathlib import Path

import click
from flask.cli import AppGroup, ScriptInfo

from casefiles import jobs
from casefiles import worker as workers
from casefiles.context import MissingBaseURL, public_base_url
from casefiles.documents import render_claim
from casefiles.queries import BatchFilter, claim_ids
from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.i18n import LOCALES

log = logging.getLogger(__name__)
casefiles_cli = AppGroup("casefiles", help="Case files and receipts of claims (PDF).")
DATE = click.DateTime(["%Y-%m-%d"])


@contextlib.contextmanager
def _sink(out: str | None, zip_path: str | None):
    """Yield write(name, data): files in a folder, or members of a zip written whole or not at all."""
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        yield lambda name, data: (folder / name).write_bytes(data)
        return
    partial = Path(f"{zip_path}.part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            yield archive.writestr
        os.replace(partial, zip_path)
    finally:
        partial.unlink(missing_ok=True)


@casefiles_cli.command("render")
@click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in ClaimState]),
              help="Only claims in this status; repeatable.")
@click.option("--programme", help="Programme id or exact name.")
@click.option("--office", help="Office code (IR-RKH-DRG), or a region or country code for every office below it.")
@click.option("--number", "numbers", multiple=True, help="A claim number; repeatable.")
@click.option("--incident-from", type=DATE, help="Incidents on or after this date (YYYY-MM-DD).")
@click.option("--incident-to", type=DATE, help="Incidents on or before this date (YYYY-MM-DD).")
@click.option("--lang", type=click.Choice(LOCALES), help="Language of every document (default: each owner's).")
@click.option("--bilingual", is_flag=True, help="Repeat labels in each programme's official language.")
@click.option("--kind", type=click.Choice(["casefile", "receipt", "both"]), default="casefile", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), help="Write the PDF files into this folder.")
@click.option("--zip", "zip_path", type=click.Path(dir_okay=False), help="Write one zip file of the PDF files.")
def render(statuses, programme, office, numbers, incident_from, incident_to, lang, bilingual, kind, out, zip_path):
    """Render the case file (or receipt) of every claim matching the filters, with a progress bar."""
    if bool(out) == bool(zip_path):
        raise click.UsageError("Give either --out DIR or --zip FILE.")
    try:
        base_url = public_base_url(from_request=False)
    except MissingBaseURL as error:
        raise click.ClickException(str(error)) from error
    ids = claim_ids(BatchFilter(tuple(ClaimState(s) for s in statuses), programme, office, numbers,
                                incident_from and incident_from.date(), incident_to and incident_to.date()))
    if not ids:
        click.echo("No claim matches these filters; nothing written.")
        return
    kinds = ["casefile", "receipt"] if kind == "both" else [kind]
    run = _render_in_background if jobs.redis_url() else _render_all
    written, failed = run(ids, kinds, lang, bilingual, base_url, out, zip_path)
    click.echo(f"{written} documents written to {out or zip_path}.")
    if failed:
        raise click.ClickException(f"{len(failed)} claims could not be rendered: {', '.join(map(str, failed))}")


def _render_in_background(ids, kinds, lang, bilingual, base_url, out, zip_path) -> tuple[int, list[int]]:
    """Enqueue one job per claim on Redis and collect the documents as the workers finish them."""
    written, failed = 0, []
    queued = jobs.enqueue(ids, kinds, lang, bilingual, base_url)
    click.echo(f"{len(queued)} jobs queued; start workers with `flask --app wsgi casefiles worker` if none run.")
    with _sink(out, zip_path) as write, click.progressbar(length=len(queued), label="Rendering",
                                                           show_pos=True) as bar:
        for claim_id, documents in jobs.collect(queued, on_done=lambda _job: bar.update(1)):
            if documents is None:
                failed.append(claim_id)
                continue
            for name, pdf in documents:
                write(name, pdf)
                written += 1
    return written, failed


@casefiles_cli.command("worker")
@click.option("--processes", default=2, show_default=True, help="Worker processes rendering in parallel.")
@click.option("--max-jobs", default=200, show_default=True,
              help="Jobs per process before it is replaced by a fresh one (WeasyPrint keeps memory).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(processes, max_jobs, burst):
    """Render queued case files (needs REDIS_URL)."""
    if not jobs.redis_url():
        raise click.ClickException("REDIS_URL is not set: without Redis, `casefiles render` renders inline.")
    workers.supervise(_app_import_path(), processes, max_jobs, burst=burst)


def _app_import_path() -> str | None:
    """How this command found the app (``--app``): the workers find it the same way."""
    info = click.get_current_context().find_object(ScriptInfo)
    return info.app_import_path if info is not None else None


def _render_all(ids, kinds, lang, bilingual, base_url, out, zip_path) -> tuple[int, list[int]]:
    written, failed = 0, []
    with _sink(out, zip_path) as write, click.progressbar(ids, label="Rendering", show_pos=True) as bar:
        for claim_id in bar:
            try:
                for kind in kinds:
                    pdf, name = render_claim(claim_id, kind, lang=lang, bilingual=bilingual, base_url=base_url)
                    write(name, pdf)
                    written += 1
            except Exception:  # one broken claim must not lose the rest of a long batch; it is reported
                log.exception("could not render claim %s", claim_id)
                failed.append(claim_id)
            db.session.expunge_all()  # read-only: keep memory flat over thousands of claims
    return written, failed
