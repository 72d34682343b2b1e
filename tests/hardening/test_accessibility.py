"""WCAG 2.1 AA on every page (DESIGN §8: accessible, on a phone): axe-core, injected with Playwright into headless
Chromium at 390 px, checks every page of the URL map that each role can open, in English and in Persian
(right-to-left), on the access test's world (the demo data, one user per role). Any violation fails the test.

axe-core comes from the npm registry (``scripts/install --dev`` puts it in the git-ignored ``.test-tools``); the
test is skipped, saying why, where it or Chromium is missing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from conflict_service.auth.models import User
from conflict_service.db import db
from tests.browser import PHONE, SIDEWAYS_JS
from tests.hardening.test_access import EXPECTED, LETTER, ROLES, build_world, routes
from tests.helpers import PASSWORD

# The pages are the same on every database (test_access.py opens each of them on PostgreSQL too).
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.committing, pytest.mark.same_on_every_database]

AXE = Path(__file__).resolve().parents[2] / ".test-tools" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCALES = ("en", "fa")
PAGE_ENDPOINTS_OUTSIDE_UI = {"api_docs.docs_page"}  # under /api/ but a page for people


def allowed(role: str, endpoint: str) -> bool:
    expected = EXPECTED.get((endpoint, "GET"), "")
    return expected == "public" or (role != "anonymous" and (expected == "*" or LETTER[role] in expected))


def page_paths(app, world, role: str) -> list[str]:
    """The GET paths of the role's pages, each naming objects of the role's own country."""
    paths = []
    for rule, method in routes(app):
        if method != "GET" or not allowed(role, rule.endpoint):
            continue
        if rule.rule.startswith("/api/") and rule.endpoint not in PAGE_ENDPOINTS_OUTSIDE_UI:
            continue
        values = world.params(rule, "IR") or world.params(rule, "AM")
        if values is not None:
            with app.test_request_context():
                paths.append(rule.build(values, append_unknown=False)[1])
    return paths


def html_pages(context, base: str, paths: list[str]) -> list[str]:
    """The paths that answer the signed-in `context` with an HTML page (not a download, a redirect or an error).

    Which paths these are does not depend on the reader's language: a walk finds them in its first language only,
    then checks that each answers 200 in every language (`load`)."""
    pages = []
    for path in paths:
        answer = context.request.get(base + path, max_redirects=0)
        if answer.status == 200 and answer.headers.get("content-type", "").startswith("text/html"):
            pages.append(path)
    return pages


def load(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


def sign_in(page, base: str, role: str, locale: str) -> None:
    if role == "anonymous":
        return
    username = f"acc_{role}_ir"
    db.session.execute(sa.update(User).where(User.username == username).values(preferred_language=locale))
    db.session.commit()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def audit(page, script: str) -> list[dict]:
    page.evaluate(script)  # evaluated by the DevTools protocol: the page's CSP (no inline scripts) does not apply
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
                           "['violations']})", TAGS)
    return result["violations"]


def test_every_page_meets_wcag_21_aa(app, live_server, chromium):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (scripts/install --dev installs it from the npm registry)")
    script = AXE.read_text(encoding="utf-8")
    world, _secrets = build_world(app)
    found: dict[tuple[str, str], set[str]] = defaultdict(set)  # (rule, path) → "role/locale" where it failed
    details: dict[tuple[str, str], str] = {}
    sideways: dict[str, int] = {}  # pages wider than the 390 px screen (WCAG 1.4.10, reflow), by how many px
    audited = 0
    with app.app_context():
        paths = {role: page_paths(app, world, role) for role in ROLES}
        for role in ROLES:
            for locale in LOCALES:
                context = chromium.new_context(**PHONE, extra_http_headers={"Accept-Language": locale})
                page = context.new_page()
                sign_in(page, live_server, role, locale)
                if locale == LOCALES[0]:  # leaves out downloads, and pages that need what this world lacks
                    paths[role] = html_pages(context, live_server, paths[role])
                for path in paths[role]:
                    load(page, live_server + path)
                    audited += 1
                    if (wider := page.evaluate(SIDEWAYS_JS)) > 1:
                        sideways[f"{role}/{locale} {path}"] = wider
                    for violation in audit(page, script):
                        key = (violation["id"], path)
                        found[key].add(f"{role}/{locale}")
                        nodes = violation["nodes"]
                        details[key] = (f"{violation['impact']}: {violation['help']}; {len(nodes)} element(s), e.g. "
                                        f"{nodes[0]['target']} {nodes[0]['failureSummary'][:300]!r}")
                context.close()
    assert audited > 100, f"only {audited} pages were audited"
    report = [f"{rule} on {path} ({', '.join(sorted(where))}): {details[(rule, path)]}"
              for (rule, path), where in sorted(found.items())]
    report += [f"reflow (1.4.10): {where} runs {wider} px past the screen" for where, wider in sorted(sideways.items())]
    assert not report, f"{len(report)} accessibility problems in {audited} page loads:\n" + "\n".join(report)
