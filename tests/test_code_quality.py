"""The linters are part of the suite: style (ruff) and the one-way package layers (import-linter)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Pure Python (no query in it): the same on every database, so it runs on SQLite only.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    exe = BIN / tool if (BIN / tool).exists() else shutil.which(tool)
    assert exe, f"{tool} is not installed (pip install -e '.[dev]')"
    return subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff():
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_layers():
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr
