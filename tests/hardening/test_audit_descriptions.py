"""Every audit action the code base can record has words for people (``conflict_service.audit.presentation``): the
history never shows a raw code such as ``claim.advance_paid``.

The actions are read from the source: the first argument of every ``record(...)`` call (and of the synthetic data's
``chain.add(when, who, action, ...)``), followed back through constants, conditional expressions, local assignments
and the parameters of the function it sits in (``_move(period_id, "performance_period.batched", ...)``). An argument
the reader cannot follow fails the test, so a new way of naming an action is taught here rather than skipped."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from claims.states import ClaimAction
from conflict_service.audit import presentation

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("conflict_service", "claims", "verification", "mitigation", "payouts", "insurance", "performance", "field",
            "notifications", "casefiles", "oversight", "bench")
CLAIM_ACTIONS = frozenset(f"claim.{a.value}" for a in ClaimAction)
# Actions built from a value at run time, by the source of the expression: every value it can take.
EXPANSIONS = {"f'claim.{action.value}'": CLAIM_ACTIONS, "f'claim.{action}'": CLAIM_ACTIONS}


class Unresolved(Exception):
    pass


class Module:
    """One source file: its module-level constants and functions, to follow an action argument back to strings."""

    def __init__(self, rel: str, source: str):
        self.rel, self.tree = rel, ast.parse(source)
        self.parents = {child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}
        self.records = any(isinstance(n, ast.ImportFrom) and n.module == "conflict_service.audit.operations"
                           and any(a.name == "record" for a in n.names) for n in ast.walk(self.tree))

    def actions(self) -> tuple[list[tuple[str, str]], list[str]]:
        """(action, "path:line") for every recording call, and the arguments that could not be followed."""
        found, failed = [], []
        for call in (n for n in ast.walk(self.tree) if isinstance(n, ast.Call)):
            expr = _action_argument(self, call)
            if expr is None:
                continue
            try:
                found += [(action, f"{self.rel}:{call.lineno}") for action in self.values(expr, call)]
            except Unresolved as error:
                failed.append(f"{self.rel}:{call.lineno}: {error}")
        return found, failed

    def enclosing(self, node) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def values(self, expr, at, depth: int = 0) -> set[str]:
        """The strings ``expr`` (seen at node ``at``) can hold."""
        if depth > 6:
            raise Unresolved(ast.unparse(expr))
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, at, depth + 1) | self.values(expr.orelse, at, depth + 1)
        if isinstance(expr, ast.JoinedStr) and ast.unparse(expr) in EXPANSIONS:
            return set(EXPANSIONS[ast.unparse(expr)])
        if isinstance(expr, ast.Name):
            return self.name_values(expr.id, at, depth + 1)
        raise Unresolved(ast.unparse(expr))

    def name_values(self, name: str, at, depth: int) -> set[str]:
        function = self.enclosing(at)
        statements = ast.walk(function) if function is not None else self.tree.body  # module level: its constants
        assigned = [n.value for n in statements if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
        if assigned:
            return set().union(*(self.values(v, v, depth) for v in assigned))
        if function is not None:
            params = [a.arg for a in function.args.args]
            if name in params:
                return self.argument_values(function, params.index(name), name, depth)
        if function is not None:  # a module-level constant (ACTION = "translation.corrected")
            return self.name_values(name, self.tree, depth)
        raise Unresolved(name)

    def argument_values(self, function: ast.FunctionDef, index: int, name: str, depth: int) -> set[str]:
        calls = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and _callee(n) == function.name]
        if not calls:
            raise Unresolved(f"{function.name}({name}) is called from nowhere in {self.rel}")
        index -= _is_method(function)  # self.method(...) does not pass self
        found: set[str] = set()
        for call in calls:
            keyword = [k.value for k in call.keywords if k.arg == name]
            expr = keyword[0] if keyword else call.args[index] if index < len(call.args) else None
            if expr is None:
                raise Unresolved(f"{ast.unparse(call)} in {self.rel}")
            found |= self.values(expr, call, depth)
        return found


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_method(function: ast.FunctionDef) -> bool:
    return bool(function.args.args) and function.args.args[0].arg == "self"


def _action_argument(module: Module, call: ast.Call):
    """The expression naming the action, if ``call`` records an audit event."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "record" and module.records:
        return call.args[0] if call.args else None
    if (module.rel.startswith("bench/synth/") and isinstance(func, ast.Attribute) and func.attr == "add"
            and isinstance(func.value, ast.Attribute) and func.value.attr == "chain"):
        return call.args[2] if len(call.args) > 2 else None
    return None


def recorded_actions() -> tuple[dict[str, set[str]], list[str]]:
    """{action: {where}} for every action the source can record, and the arguments that could not be followed."""
    actions: dict[str, set[str]] = {}
    unresolved: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = Module(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
            found, failed = module.actions()
            for action, where in found:
                actions.setdefault(action, set()).add(where)
            unresolved += failed
    return actions, unresolved


def test_every_recorded_action_is_found_and_described(app):
    actions, unresolved = recorded_actions()
    assert not unresolved, f"cannot tell which actions these record (teach EXPANSIONS or the reader): {unresolved}"
    assert len(actions) > 100 and {"claim.submitted", "field_submission.dismissed", "performance_period.batched",
                                   "translation.corrected", "insurance_policy.enrolled_on_paper"} <= set(actions)
    missing = {a: sorted(where) for a, where in actions.items() if not presentation.is_described(a)}
    assert not missing, f"audit actions without a description (register_texts of the package): {missing}"


def test_the_reader_follows_parameters_and_conditions():
    source = ('from conflict_service.audit.operations import record\n'
              'ACTION = "thing.kept"\n'
              'def _move(thing, action):\n    record(action, thing)\n'
              'def go(thing, fast):\n    _move(thing, "thing.moved" if fast else "thing.walked")\n'
              'def keep(thing):\n    record(ACTION, thing)\n'
              'def later(thing, when):\n    record(f"thing.{when}", thing)\n')
    found, failed = Module("probe.py", source).actions()
    assert {action for action, _where in found} == {"thing.kept", "thing.moved", "thing.walked"}
    assert failed == ["probe.py:10: f'thing.{when}'"]


@pytest.mark.parametrize("html", [False, True])
def test_an_undescribed_action_reads_as_a_change_without_its_code(ctx, html):
    from types import SimpleNamespace

    event = SimpleNamespace(action="thing.frobnicated", entity_label="Lot 7", entity_id=7, data={}, actor_name=None)
    text = str(presentation.describe_html(event) if html else presentation.describe(event))
    assert "Lot 7" in text and "Changed" in text
    shown = text.split('title="thing.frobnicated"')[0] + text.split('title="thing.frobnicated"')[-1] if html else text
    assert "frobnicated" not in shown  # the code is at most in the title attribute, never in the sentence
