"""A process forked after rendering (a pre-forking server, a fork-context worker) renders with fonts of its own and
never deletes its parent's: the kept font configurations of conflict_service.pdf across os.fork."""

from __future__ import annotations

import gc
import multiprocessing
import tempfile
import traceback

import pytest

from casefiles import documents
from casefiles.sections import DocumentOptions
from conflict_service import pdf
from conflict_service.pdf import render_pdf
from tests.casefiles.conftest import BASE, NAMES
from tests.casefiles.test_documents import assert_fonts_shipped_and_embedded


@pytest.fixture
def case_file_html(filed, monkeypatch, tmp_path):
    """A Persian case file's HTML; font folders are made under ``tmp_path``, and this test's renders start with no
    kept configuration."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(pdf, "_spare_font_configs", [])
    claim = filed(name=NAMES["fa"], language="fa")
    return documents.render_html(claim, "casefile", documents.document_languages(claim, None, False),
                                 DocumentOptions(), BASE)


def _render_in_child(html: str, wait=None):
    """Fork (as multiprocessing's 'fork' context does), render ``html`` in the child and return its PDF; the child
    first waits for ``wait`` (an Event) if given."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child():
        try:
            if wait is not None:
                wait.wait(30)
            rendered = render_pdf(html)
            gc.collect()  # as a child that lives on would, sooner or later: what it dropped is deleted now
            sender.send(("pdf", rendered))
        except BaseException:  # noqa: BLE001 - any failure goes back to the test
            sender.send(("error", traceback.format_exc()))

    process = context.Process(target=child)
    process.start()
    return process, receiver


def _result(process, receiver) -> bytes:
    assert receiver.poll(120), "the forked child sent nothing"
    kind, payload = receiver.recv()
    process.join(30)
    assert kind == "pdf", payload
    assert process.exitcode == 0
    return payload


def test_a_forked_child_renders_and_leaves_the_parents_font_folder(case_file_html, tmp_path):
    assert_fonts_shipped_and_embedded(render_pdf(case_file_html))
    parents = {folder: sorted(p.name for p in folder.iterdir()) for folder in tmp_path.glob("weasyprint-*")}
    assert parents and all(parents.values())

    assert_fonts_shipped_and_embedded(_result(*_render_in_child(case_file_html)))

    assert {folder: sorted(p.name for p in folder.iterdir()) for folder in parents if folder.is_dir()} == parents
    assert_fonts_shipped_and_embedded(render_pdf(case_file_html))  # the parent's kept configuration still works


def test_a_forked_child_does_not_use_the_parents_fonts(case_file_html, tmp_path):
    """The parent may delete its font folder while the child still works (a server recycling a configuration, a
    parent that ends): the child's render must not depend on it."""
    assert_fonts_shipped_and_embedded(render_pdf(case_file_html))
    parents = set(tmp_path.glob("weasyprint-*"))
    go = multiprocessing.get_context("fork").Event()
    process, receiver = _render_in_child(case_file_html, wait=go)

    pdf._spare_font_configs.clear()  # the parent is done with its configuration: WeasyPrint deletes its folder
    gc.collect()  # (a rendered document's objects refer to it in cycles)
    assert parents and not any(folder.exists() for folder in parents)
    go.set()

    assert_fonts_shipped_and_embedded(_result(process, receiver))


def test_a_weasyprint_that_no_longer_cleans_up_in_del_is_refused_at_the_first_render(app, monkeypatch):
    from weasyprint.text.fonts import FontConfiguration

    monkeypatch.setattr(pdf, "_spare_font_configs", [])
    monkeypatch.delattr(FontConfiguration, "__del__")
    pdf._font_configuration_class.cache_clear()
    try:
        with app.app_context(), pytest.raises(RuntimeError, match="no longer deletes its font folder"):
            render_pdf("<p>x</p>")
    finally:
        pdf._font_configuration_class.cache_clear()
