"""scripts/translations finds its interpreter without a .venv in the project (a fresh worktree) and says so plainly
when none will do."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.same_on_every_database


def _project(tmp_path: Path) -> Path:
    """A project without .venv: the script, the extraction map, the i18n package it imports and one message."""
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "translations", root / "scripts" / "translations")
    shutil.copy(ROOT / "babel.cfg", root / "babel.cfg")
    shutil.copytree(ROOT / "conflict_service", root / "conflict_service",
                    ignore=shutil.ignore_patterns("__pycache__", "templates", "static"))
    (root / "greeting.py").write_text('from flask_babel import gettext as _\n\nGREETING = _("Hello from a worktree")\n')
    return root


def _bin(tmp_path: Path, body: str) -> Path:
    """A folder holding ``python3`` and ``python``, both running ``body``; first on PATH, ahead of the system's."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("python3", "python"):
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return folder


def _run(root: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/bash", str(root / "scripts" / "translations"), *args], cwd="/",  # noqa: S603
                          env={"PATH": f"{folder}:/usr/bin:/bin", "HOME": str(root)}, capture_output=True,
                          text=True, timeout=300)


def test_without_a_venv_the_python_on_path_extracts(tmp_path):
    root = _project(tmp_path)
    folder = _bin(tmp_path, f'exec "{sys.executable}" "$@"')  # this test's interpreter, found on PATH
    run = _run(root, folder, "extract", str(tmp_path / "out.pot"))
    assert run.returncode == 0, run.stderr
    assert 'msgid "Hello from a worktree"' in (tmp_path / "out.pot").read_text()


def test_without_a_usable_python_it_stops_and_says_why(tmp_path):
    root = _project(tmp_path)
    folder = _bin(tmp_path, "echo \"ModuleNotFoundError: No module named 'babel'\" >&2; exit 1")
    run = _run(root, folder, "extract", str(tmp_path / "out.pot"))
    assert run.returncode == 1 and not (tmp_path / "out.pot").exists()
    assert "no usable Python" in run.stderr and "No module named 'babel'" in run.stderr, run.stderr
    assert f"{folder}/python3" in run.stderr and str(root / ".venv") in run.stderr, run.stderr
