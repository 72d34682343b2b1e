"""The receipt an owner gets for a premium paid to an insurance scheme: one page, in the owner's language.

One implementation behind the web page and the API. The context is plain data built here, so rendering cannot
touch the database.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as L_

from casefiles.documents import FORMATTERS, Languages
from conflict_service.i18n import format_money, normalise, set_context_programme
from conflict_service.pdf import render_pdf
from insurance import queries
from insurance.models import PremiumPayment

TITLE = L_("Premium receipt")


def languages(payment: PremiumPayment, lang: str | None, bilingual: bool) -> Languages:
    policy = payment.policy
    primary = normalise(lang) or normalise(policy.owner.preferred_language) or "en"
    secondary = normalise(policy.season.programme.official_language) if bilingual else None
    return Languages(primary, secondary if secondary != primary else None)


def context(payment: PremiumPayment) -> dict:
    """Everything the receipt shows, as plain values formatted in the document's language."""
    policy, scheme = payment.policy, payment.policy.season.programme
    cur = scheme.currency
    paid = queries.paid_by_policy([policy.id]).get(policy.id, queries.ZERO)
    return {
        "receipt": {"number": payment.receipt_number, "amount": format_money(payment.amount, cur),
                    "paid_on": payment.paid_on, "method": str(payment.method.title), "reference": payment.reference,
                    "recorded_by": payment.recorded_by.display_name},
        "policy": {"number": policy.number, "season": policy.season.local_name, "cover_from": policy.cover_from,
                   "cover_to": policy.cover_to, "agreement_signed_on": policy.agreement_signed_on,
                   "lines": [{"species": str(ln.species.title), "head": ln.head_count,
                              "rate": format_money(ln.rate, cur), "premium": format_money(ln.premium, cur)}
                             for ln in policy.lines],
                   "due": format_money(policy.premium_due, cur), "paid": format_money(paid, cur),
                   "left": format_money(max(policy.premium_due - paid, queries.ZERO), cur)},
        "owner": {"name": policy.owner.name, "village": policy.owner.village},
        "scheme": {"name": scheme.name, "local_name": scheme.local_name, "coverage_pct": scheme.coverage_pct,
                   "report_days": scheme.report_deadline_days},
        "office": {"name": policy.office.name, "local_name": policy.office.local_name},
        "tz": policy.office.timezone,
    }


def render(payment: PremiumPayment, *, lang: str | None = None, bilingual: bool = False) -> tuple[bytes, str]:
    """The receipt as PDF bytes, with its file name."""
    langs = languages(payment, lang, bilingual)
    set_context_programme(payment.policy.season.programme)
    with force_locale(langs.primary):
        data = context(payment)
        html = render_template("casefiles/premium_receipt.html", **data, title=TITLE, doc=langs, bi=langs.bi,
                               nbi=langs.nbi, **FORMATTERS)
    suffix = f"{langs.primary}-{langs.secondary}" if langs.secondary else langs.primary
    return render_pdf(html), f"premium-receipt-{payment.receipt_number}-{suffix}.pdf"
