"""A render holds Python's cyclic garbage collector and frees its own cycles at the end, so a document never pays for
a full collection of the whole service's objects (conflict_service.pdf.collection_deferred)."""

from __future__ import annotations

import gc
import os
import threading

import pytest

from conflict_service import pdf

DOCUMENT = ('<html><link rel="stylesheet" href="asset:css/pdf.css"><body><table>'
            + "<tr><td>Ewe</td><td>3</td><td>4,500.00 KZT</td></tr>" * 60 + "</table></body></html>")


def hooked(hook):
    """The service's fetcher, calling ``hook`` when the document asks for its stylesheet (mid-render)."""
    fetcher = pdf.fetcher()
    fetch = fetcher.fetch

    def fetch_and_hook(url, headers=None):
        if url.endswith("css/pdf.css"):
            hook()
        return fetch(url, headers)

    fetcher.fetch = fetch_and_hook
    return fetcher


@pytest.fixture
def eager_collector():
    """Thresholds that make Python collect every generation many times during any render."""
    before = gc.get_threshold()
    gc.set_threshold(50, 1, 1)
    yield
    gc.set_threshold(*before)


def test_a_render_sets_off_no_collection_of_older_generations(app, eager_collector):
    generations = []

    def watch(phase, info):
        if phase == "start":
            generations.append(info["generation"])

    with app.app_context():
        pdf.render_pdf(DOCUMENT)  # WeasyPrint imported, fonts registered
        gc.collect()  # no garbage of earlier tests left
        gc.callbacks.append(watch)
        try:
            document = pdf.render_pdf(DOCUMENT)
        finally:
            gc.callbacks.remove(watch)
    assert document.startswith(b"%PDF")
    assert generations == [0]  # only the young collection at the end
    assert gc.isenabled()
    assert gc.collect() < 1000  # the render's own cycles (thousands of objects) are already freed


def test_renders_at_once_share_the_hold_until_the_last_one_ends(app):
    first_inside, release = threading.Event(), threading.Event()
    seen = {}

    def hold_first():
        first_inside.set()
        release.wait(60)

    def render_first():
        with app.app_context():
            seen["first"] = pdf.render_pdf(DOCUMENT, url_fetcher=hooked(hold_first))

    thread = threading.Thread(target=render_first)
    thread.start()
    try:
        assert first_inside.wait(60)
        with app.app_context():
            seen["second"] = pdf.render_pdf(DOCUMENT)
        seen["enabled after the second"] = gc.isenabled()
    finally:
        release.set()
        thread.join(60)
    assert seen["first"].startswith(b"%PDF") and seen["second"].startswith(b"%PDF")
    assert seen["enabled after the second"] is False  # the first was still rendering
    assert gc.isenabled()


def test_a_process_forked_during_a_render_starts_with_its_collector_running(app):
    children = []

    def fork_here():
        pid = os.fork()
        if pid == 0:  # the child: report and leave at once, running nothing of the parent's
            os._exit(0 if gc.isenabled() and pdf._renders_running == 0 else 1)
        children.append(pid)

    with app.app_context():
        pdf.render_pdf(DOCUMENT, url_fetcher=hooked(fork_here))
    (pid,) = children
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
