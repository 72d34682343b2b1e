"""The printed statement of a period for the community, in its language (the programme's official language unless
another is asked for): the assessment step by step, the total and the members' shares. Rendered with the core PDF
renderer; the context is built inside the document's locale, so every line reads in that language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as L_

from conflict_service.i18n import format_date, format_money, format_number, normalise, set_context_programme
from conflict_service.pdf import render_pdf
from performance import queries
from performance.models import Period

TITLE = L_("Performance payment statement")


def context(period: Period) -> dict:
    contract = period.contract
    view = queries.assessment_view(period)
    cur = view["currency"]

    def amount(line) -> str:
        if line["amount"] is None:
            return "—"
        if line["step"] in ("units", "fallback"):
            return format_number(line["amount"])
        return format_money(line["amount"], cur, exact=True)

    return {"programme": contract.programme.local_name, "community": contract.community.name,
            "contract": contract.id, "number": period.number,
            "dates": f"{format_date(period.starts_on)} – {format_date(period.ends_on)}",
            "status": str(period.status.title), "frozen": view["is_frozen"],
            "lines": [{"text": line["text"], "amount": amount(line)} for line in view["lines"]],
            "total": format_money(view["total"], cur),
            "shares": [{"name": s["name"], "amount": format_money(s["amount"], cur)} for s in view["shares"]]}


def render(period: Period, lang: str | None = None) -> tuple[bytes, str]:
    """The statement as PDF bytes, with its file name."""
    locale = normalise(lang) or normalise(period.contract.programme.official_language) or "en"
    set_context_programme(period.contract.programme)
    with force_locale(locale):
        html = render_template("performance/statement.html", title=TITLE, locale=locale, **context(period))
    return render_pdf(html), f"performance-statement-{period.contract_id}-{period.number}-{locale}.pdf"
