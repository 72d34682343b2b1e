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

from flask import Flask
from flask_babel import gettext as _
from jinja2 import TemplateSyntaxError, meta

from conflict_service.i18n import native_digits

ROOT = Path(__file__).resolve().parent.parent.parent
TITLE = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)
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


def _module_functions(path: str) -> dict[str, tuple[int, int, set[str], set[str]]]:
    """Each function of a module: its lines, the templates it names and the names it calls."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                     and n.value.endswith(".html")}
            calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            found.setdefault(node.name, (node.lineno, node.end_lineno or node.lineno, names, calls))
    return found


def _reached(functions: dict, start: str) -> list[str]:
    """The function and the module's functions it calls, directly or through others."""
    seen, todo = [], [start]
    while todo:
        name = todo.pop()
        if name in functions and name not in seen:
            seen.append(name)
            todo.extend(functions[name][3])
    return seen


def build(app: Flask) -> PageIndex:
    index, modules = PageIndex(), {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if view is None or rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        fn = inspect.unwrap(view)
        path = _relative(inspect.getsourcefile(fn))
        if path is None:
            continue
        functions = modules.setdefault(path, _module_functions(path))
        index.pages += 1
        for name in _reached(functions, fn.__name__):
            start, end, templates, _calls = functions[name]
            page = Page(rule.endpoint, rule.rule, next(iter(sorted(templates)), None))
            index.lines[path].append((start, end, page))
            for template in templates:
                index.templates[template].append(page)
    _spread_through_templates(app, index)
    return index


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
        lines.append(_("and {n} more pages").format(n=native_digits(str(len(pages) - SHOWN_PAGES))))
    return "\n".join(lines)


def _title(index: PageIndex, page: Page, translate) -> str:
    english = index.titles.get(page.template or "")
    if not english:
        return page.rule
    shown = translate(english)
    return f"{shown} ({english}) — {page.rule}" if shown != english else f"{english} — {page.rule}"
