"""Who may call an API operation is said once: ``@roles_allowed(...)`` on its handler, which the before_request hook
enforces before the input is read. Handlers take the caller from ``signed_in_user()``; one that also names roles with
``require_user(...)`` — itself or in a helper of ours it calls — declares them twice, and the two drift apart (they
once disagreed on 13 operations). Found from the app's URL map and the source of every handler.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from pathlib import Path

import pytest

from conflict_service.auth.session import api_handler, is_public_api

# Pure Python (no query in it): the same on every database, so it runs on SQLite only.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parents[2]
DEPTH = 4  # how far down our own helpers a handler's calls are followed


@pytest.fixture(scope="module")
def operations(app):
    """(endpoint, method, handler) of every API operation but the public ones, as the hook finds them."""
    found = []
    with app.app_context():
        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/api/"):
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if not is_public_api(rule.endpoint, method):
                    found.append((rule.endpoint, method, api_handler(rule.endpoint, method)))
    return sorted(found, key=lambda op: op[:2])


def test_every_api_operation_declares_who_may_call_it(operations):
    assert len(operations) > 100, "the URL map walk found too few API operations"
    undeclared = [f"{endpoint} {method}" for endpoint, method, handler in operations
                  if getattr(handler, "allowed_roles", None) is None]
    assert not undeclared, "API operations without @roles_allowed(...):\n" + "\n".join(undeclared)


def test_no_api_handler_declares_its_roles_twice(operations):
    twice = []
    for endpoint, method, handler in operations:
        declared = getattr(handler, "allowed_roles", None)
        if declared is None:
            continue  # the test above names it
        roles = ", ".join(role.value for role in declared) or "any signed-in user"
        for call, where in role_checks(inspect.unwrap(handler)):
            twice.append(f"{endpoint} {method}: @roles_allowed({roles}) and {call} at {where}")
    assert not twice, ("API handlers that name their roles again (take the caller from signed_in_user() instead):\n"
                       + "\n".join(twice))


def role_checks(fn, depth: int = DEPTH, seen: set | None = None) -> list[tuple[str, str]]:
    """Every ``require_user(...)`` call in ``fn`` and in the functions of this project it calls, with its place."""
    seen = set() if seen is None else seen
    if fn in seen or depth < 0 or not ours(fn):
        return []
    seen.add(fn)
    lines, first = inspect.getsourcelines(fn)
    where = f"{Path(inspect.getsourcefile(fn)).relative_to(ROOT)}:{{}}"
    found = []
    for node in ast.walk(ast.parse(textwrap.dedent("".join(lines)))):
        if not isinstance(node, ast.Call):
            continue
        if called_name(node) == "require_user":
            found.append((ast.unparse(node), where.format(first + node.lineno - 1)))
        else:
            found += role_checks(resolve(node.func, fn.__globals__), depth - 1, seen)
    return found


def called_name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)


def resolve(func: ast.expr, namespace: dict):
    """The function a call names (``helper(...)`` or ``module.helper(...)``), if it can be told without running it."""
    if isinstance(func, ast.Name):
        return namespace.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        module = namespace.get(func.value.id)
        return getattr(module, func.attr, None) if isinstance(module, types.ModuleType) else None
    return None


def ours(fn) -> bool:
    if not isinstance(fn, types.FunctionType):
        return False
    path = Path(inspect.getsourcefile(fn) or "").resolve()
    return path.is_relative_to(ROOT) and ".venv" not in path.parts and "tests" not in path.relative_to(ROOT).parts
