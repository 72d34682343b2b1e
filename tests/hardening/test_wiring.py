"""Nothing is wired by importing a module for its side effect (issue 13.3): session listeners, audit texts,
routes and case-file sections are installed by a call in ``create_app`` or in the owning package's ``init_app``.

These read the source of every package, so a new import-time registration fails here and says where."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

# Pure Python (no query in it): the same on every database, so it runs on SQLite only.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("conflict_service", "claims", "verification", "mitigation", "payouts", "insurance", "field", "casefiles",
            "oversight")
# Importing the models for the migrations' metadata is the one import kept for its effect.
ALLOWED_UNUSED = {("conflict_service/app.py", "from verification import models ")}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _called_name(node) -> str | None:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def test_no_module_registers_anything_when_imported():
    found = []
    for path, tree in _modules():
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        for node in tree.body:
            call = node.value if isinstance(node, ast.Expr) else None
            name = _called_name(call) if call is not None else None
            # A registry may fill itself with its own defaults (casefiles.sections); others register when called.
            if name and (name.startswith("register") or name in ("listen", "contribute")) and name not in defined:
                found.append(f"{path}:{node.lineno} calls {name}() at import")
    assert not found, "\n".join(found)


def test_no_listener_is_attached_by_a_decorator():
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call) and _called_name(decorator) == "listens_for":
                        found.append(f"{path}:{node.lineno} {node.name} is attached by @listens_for at import")
    assert not found, "\n".join(found)


def test_no_module_is_imported_only_for_its_effect():
    found = []
    for path in sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "noqa: F401" in line:
                rel = path.relative_to(ROOT).as_posix()
                if not any(rel == where and module in line for where, module in ALLOWED_UNUSED):
                    found.append(f"{rel}:{number} {line.strip()}")
    assert not found, "\n".join(found)
