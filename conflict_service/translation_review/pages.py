"""Where a message is shown, from its source references (``#: claims/templates/claims/claim_list.html:28``).

Method: every page of the URL map (API routes left out) is a view function; the templates it renders are the
``.html`` names written in it or in the functions of its module it calls. A template included, imported or extended
by a page's template is shown on that page too (``base.html``: on every page). A Python reference inside a view,
or inside a function of its module a view calls, is on that view's page. A page is named by its template's title
block, in the catalog's language with the English beside it, and its URL rule. Anything else (enum titles, texts
of other modules, printed documents) is named by its file.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from flask import Flask
from flask_babel import gettext as _
from flask_babel import ngettext
from jinja2 import TemplateSyntaxError, meta

from conflict_service.i18n import native_digits

ROOT = Path(__file__).resolve().parent.parent.parent
TITLE = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)
SLOT = re.compile(r"""slot\(\s*['"](\w+)['"]""")
MSGID = re.compile(r"""_\(\s*(['"])(.+?)\1""")
SHOWN_PAGES = 3


@dataclass
class Page:
    endpoint: str
    rule: str
    template: str | None


@dataclass
class PageIndex:
    templates: dict[str, list[Page]] = field(default_factory=lambda: defaultdict(list))  # template name → pages
    lines: dict[str, list[tuple[int, int, Page]]] = field(default_factory=lambda: defaultdict(list))  # file → spans
    titles: dict[str, str] = field(default_factory=dict)  # template name → English title
    pages: int = 0


def _relative(path: str | None) -> str | None:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix() if path else None
    except ValueError:
        return None


class Function(NamedTuple):
    start: int
    end: int
    templates: set[str]
    calls: set[str]
    slots: set[str]


def _module_functions(path: str) -> dict[str, Function]:
    """Each function of a module: its lines, the templates it names, the names it calls and the slots it renders."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found: dict[str, Function] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
            found.setdefault(node.name, Function(
                node.lineno, node.end_lineno or node.lineno,
                {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                 and n.value.endswith(".html")},
                {c.func.id for c in calls if isinstance(c.func, ast.Name)},
                {c.args[0].value for c in calls if isinstance(c.func, ast.Name) and c.func.id == "render_slot"
                 and c.args and isinstance(c.args[0], ast.Constant)}))
    return found


def _reached(functions: dict[str, Function], start: str) -> list[str]:
    """The function and the module's functions it calls, directly or through others."""
    seen, todo = [], [start]
    while todo:
        name = todo.pop()
        if name in functions and name not in seen:
            seen.append(name)
            todo.extend(functions[name].calls)
    return seen


class _Modules(dict):
    def __missing__(self, path: str) -> dict[str, Function]:
        self[path] = _module_functions(path)
        return self[path]


def _place(index: PageIndex, path: str, functions: dict[str, Function], reached: list[str], page: Page) -> None:
    for name in reached:
        function = functions[name]
        index.lines[path].append((function.start, function.end, page))
        for template in function.templates:
            index.templates[template].append(page)


def build(app: Flask) -> PageIndex:
    index, modules, hosts = PageIndex(), _Modules(), defaultdict(list)  # hosts: slot name → pages showing it
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        path = _relative(inspect.getsourcefile(inspect.unwrap(view))) if view is not None else None
        if path is None or rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        functions = modules[path]
        reached = _reached(functions, inspect.unwrap(view).__name__)
        templates = [t for name in reached for t in sorted(functions[name].templates)]
        page = Page(rule.endpoint, rule.rule, templates[0] if templates else None)
        index.pages += 1
        _place(index, path, functions, reached, page)
        for name in reached:
            for slot in functions[name].slots:
                hosts[slot].append(page)
    _contributions(app, index, modules, hosts)
    _spread_through_templates(app, index)
    return index


def _contributions(app: Flask, index: PageIndex, modules: _Modules, hosts: dict) -> None:
    """A section a higher package contributes to a slot is on the pages that render the slot (the claim page…)."""
    for template, pages in list(index.templates.items()):
        source = app.jinja_env.loader.get_source(app.jinja_env, template)[0]
        for slot in SLOT.findall(source):
            hosts[slot] += pages
    for slot, contributions in app.extensions.get("slots", {}).items():
        for fn in contributions:
            fn = inspect.unwrap(fn)
            path = _relative(inspect.getsourcefile(fn))
            if path is not None:
                functions = modules[path]
                for page in _unique(hosts.get(slot, [])):
                    _place(index, path, functions, _reached(functions, fn.__name__), page)


def _spread_through_templates(app: Flask, index: PageIndex) -> None:
    """A template a page's template includes, imports or extends is on that page too; titles are read on the way."""
    parents: dict[str, set[str]] = defaultdict(set)
    for name in app.jinja_env.list_templates(extensions=["html"]):
        source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
        if title := TITLE.search(source):
            if msgid := MSGID.search(title.group(1)):
                index.titles[name] = msgid.group(2)
        try:
            for child in meta.find_referenced_templates(app.jinja_env.parse(source)):
                if child:
                    parents[child].add(name)
        except TemplateSyntaxError:
            continue
    for name in list(parents):
        seen, todo = set(), [name]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        index.templates[name] = _unique([*index.templates.get(name, []),
                                         *(p for parent in sorted(seen) for p in index.templates.get(parent, []))])


def _unique(pages: list[Page]) -> list[Page]:
    return list({p.endpoint: p for p in pages}.values())


def pages_of(index: PageIndex, locations) -> list[Page]:
    found: list[Page] = []
    for path, line in locations:
        if "/templates/" in path:
            found += index.templates.get(path.split("/templates/", 1)[1], [])
        else:
            found += [page for start, end, page in index.lines.get(path, ()) if line and start <= line <= end]
    return _unique(found)


def describe(index: PageIndex, locations, translate) -> str:
    """The pages a message is shown on, as a reviewer reads them (``translate``: the catalog's gettext)."""
    pages = pages_of(index, locations)
    if not pages:
        files = sorted({path for path, _line in locations})
        return _("Not a page of its own: {files} (a printed document, a message or a value shown on several "
                 "pages)").format(files=", ".join(files))
    if len(pages) * 2 >= index.pages:
        return _("Most pages ({n} of {total}): the layout or a part every form uses").format(
            n=native_digits(str(len(pages))), total=native_digits(str(index.pages)))
    lines = [_title(index, page, translate) for page in pages[:SHOWN_PAGES]]
    if len(pages) > SHOWN_PAGES:
        more = len(pages) - SHOWN_PAGES
        lines.append(ngettext("and %(n)s more page", "and %(n)s more pages", more, n=native_digits(str(more))))
    return "\n".join(lines)


def _title(index: PageIndex, page: Page, translate) -> str:
    english = index.titles.get(page.template or "")
    if not english:
        return page.rule
    shown = translate(english)
    return f"{shown} ({english}) — {page.rule}" if shown != english else f"{english} — {page.rule}"
