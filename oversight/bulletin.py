"""The annual bulletin (DESIGN §12, CAMI 19.9): one country's or programme's year as a printable A4 PDF.

Every figure comes from the oversight reports for the same dates and scope (``reports.payouts``,
``reports.deadlines``, ``reports.losses``; performance payments to communities, apart from compensation, from the
payouts report's ``performance_payouts``), so the bulletin and the report pages always agree. The context is plain
data built before rendering; the template only lays it out. The audit trail's head at the time of printing is
quoted so that a reader can later check the trail the figures came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from persiantools.jdatetime import JalaliDate

from claims.enums import YearCalendar
from claims.models import Claim, Programme
from claims.queries import programmes_for
from claims.states import ClaimState
from claims.years import ProgrammeYear, bounds, default_calendar
from conflict_service.audit.chain import chain_head
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.i18n import SOLAR_HIJRI_LOCALES, html_lang, native_digits, normalise, text_direction
from conflict_service.jurisdictions import queries as jq
from conflict_service.jurisdictions.models import Jurisdiction, Level
from conflict_service.pdf import render_pdf
from conflict_service.printing import Languages
from conflict_service.timeutil import utcnow
from insurance import queries as insurance_queries
from mitigation.chart import caption as mitigation_caption
from mitigation.effectiveness import ReportParams, effectiveness
from oversight import bulletin_page, charts, funds, mapdata, reports
from oversight.performance_payouts import performance_payouts
from oversight.reports import Filters
from oversight.sql import month
from verification.models import Appeal

UPHELD = (ClaimState.APPROVED, ClaimState.AWAITING_FUNDS, ClaimState.IN_PAYMENT, ClaimState.PAID)
GREGORIAN_FROM = 1700  # a year numbered from here on is Gregorian, below it Solar Hijri (2026 is 1404-1405)


def year_calendar(programme: Programme | None, country: Jurisdiction | None) -> tuple[YearCalendar, int]:
    """The calendar and first month of a bulletin's year (DESIGN §3): the programme's own; a country's is the one its
    programmes share, else the country's default (Solar Hijri from Nowruz in Iran and Afghanistan)."""
    if programme is not None:
        return YearCalendar(programme.year_calendar or YearCalendar.GREGORIAN), programme.year_start_month or 1
    own = {(YearCalendar(p.year_calendar or YearCalendar.GREGORIAN), p.year_start_month or 1)
           for p in db.session.scalars(sa.select(Programme).where(Programme.jurisdiction_id.in_(
               jq.tree().descendants(country.id))))}
    return own.pop() if len(own) == 1 else (default_calendar(country.id), 1)


def programme_year(number: int, calendar: YearCalendar, start_month: int = 1) -> ProgrammeYear:
    """The year named ``number`` in ``calendar``, starting in ``start_month``. A number of the other calendar names
    the year that begins in it: 1404 and 2025 both name the Solar Hijri year from Nowruz 2025; in a Gregorian
    programme, 1404 names 2025 (the Gregorian year in which 1404 began)."""
    if calendar == YearCalendar.SOLAR_HIJRI:
        if number < GREGORIAN_FROM:
            first = JalaliDate(number, start_month, 1).to_gregorian()
        else:  # the Solar Hijri year whose first day falls in the Gregorian year ``number``
            first = next(day for solar in (number - 622, number - 621)
                         if (day := JalaliDate(solar, start_month, 1).to_gregorian()).year == number)
    else:
        gregorian = JalaliDate(number, 1, 1).to_gregorian().year if number < GREGORIAN_FROM else number
        first = date(gregorian, start_month, 1)
    return bounds(calendar, start_month, first)


def last_year(user) -> int:
    """The last whole year in the calendar of the user's own country (1404 in Herat, 2025 in Syunik): the bulletin
    page's first guess."""
    own = sorted(user.jurisdictions, key=lambda j: j.id)
    calendar = default_calendar(own[0].id) if own else YearCalendar.GREGORIAN
    current = bounds(calendar, 1, utcnow().date())
    return int(bounds(calendar, 1, current.start - timedelta(days=1)).label)


def year_months(year: ProgrammeYear, calendar: YearCalendar) -> list[str]:
    """The twelve months of ``year`` as the reports key them ("1404-01", "2026-07"), in the year's own calendar."""
    start = JalaliDate(year.start) if calendar == YearCalendar.SOLAR_HIJRI else year.start
    number, month_no, out = start.year, start.month, []
    while len(out) < 12:
        out.append(f"{number:04d}-{month_no:02d}")
        number, month_no = (number + 1, 1) if month_no == 12 else (number, month_no + 1)
    return out


@dataclass(frozen=True)
class Scope:
    """Stands in for the user in the reports' queries: the same role, narrowed to one country."""

    role: object
    jurisdictions: list = field(default_factory=list)


@dataclass(frozen=True)
class Choice:
    year: int
    programme_id: int | None = None
    country: str | None = None  # a country's jurisdiction code
    lang: str = "en"
    bilingual: bool = False


def resolve(user, choice: Choice) -> tuple[object, Programme | None, Jurisdiction | None]:
    """Whose figures: the programme (one the user sees) or the country (in the user's scope)."""
    if choice.programme_id:
        programme = next((p for p in programmes_for(user) if p.id == choice.programme_id), None)
        if programme is None:
            raise NotFound(_("No programme with this number in your jurisdictions."))
        return user, programme, None
    country = db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.code == (choice.country or "").upper(),
                                                              Jurisdiction.level == Level.COUNTRY))
    if country is None or country.id not in jq.scope_ids(user):
        raise NotFound(_("No country with this code in your jurisdictions."))
    return Scope(user.role, [country]), None, country


def _claims_by_month(scope, f: Filters) -> list[tuple[str, int]]:
    months = month(Claim.filed_at, f.calendar)
    stmt = (sa.select(months, sa.func.count()).where(Claim.office_id.in_(jq.office_ids(scope)),
                                                     *reports._between(Claim.filed_at, f))
            .group_by(months).order_by(months))
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    return [(m, n) for m, n in db.session.execute(stmt)]


def _appeals(scope, f: Filters) -> dict:
    stmt = (sa.select(Claim.status, sa.func.count()).select_from(Appeal).join(Claim, Claim.id == Appeal.claim_id)
            .where(Claim.office_id.in_(jq.office_ids(scope)), *reports._between(Appeal.filed_at, f))
            .group_by(Claim.status))
    if f.programme_id:
        stmt = stmt.where(Claim.programme_id == f.programme_id)
    counts = dict(db.session.execute(stmt).all())
    return {"filed": sum(counts.values()), "upheld": sum(n for s, n in counts.items() if s in UPHELD),
            "rejected": counts.get(ClaimState.REJECTED, 0)}


def loss_matrix(losses: list[dict]) -> dict:
    """Verified animals lost as predators × species (one line per predator), so the table stays short."""
    species = sorted({r["species"] for r in losses}, key=lambda s: -sum(r["heads"] for r in losses
                                                                         if r["species"] == s))
    predators: dict = {}
    for r in losses:
        predators.setdefault(r["predator"], {})[r["species"]] = r["heads"]
    rows = sorted(((p, cells, sum(cells.values())) for p, cells in predators.items()), key=lambda row: -row[2])
    return {"species": species, "rows": rows, "totals": {s: sum(c.get(s, 0) for _p, c, _t in rows) for s in species},
            "total": sum(t for _p, _c, t in rows)}


def figures(scope, f: Filters, months: list[str]) -> dict:
    """The bulletin's numbers, each from the report that shows it on screen; ``months`` the year's, as keyed in
    ``f.calendar``."""
    by_month = _claims_by_month(scope, f)
    filed = dict(by_month)
    paid_by_month = reports.payouts(scope, ["month"], f)
    return {
        "claims_filed": sum(filed.values()),
        "filed_chart": charts.bars([(m, filed.get(m, 0)) for m in months]),
        "losses": (losses := reports.losses(scope, f)),
        "loss_matrix": loss_matrix(losses),
        "paid": reports.payouts(scope, [], f),
        "paid_by_predator": reports.payouts(scope, ["predator"], f),
        "paid_by_region": reports.payouts(scope, ["region"], f),
        "paid_charts": [{"currency": c, **charts.bars([(m, next((r["amount"] for r in paid_by_month
                                                                 if r["month"] == m and r["currency"] == c), 0))
                                                       for m in months])}
                        for c in sorted({r["currency"] for r in paid_by_month})],
        "deadlines": reports.deadlines(scope, [], f),
        "appeals": _appeals(scope, f),
        # Communities paid for leopards alive: not compensation, so never in the figures above.
        "performance_paid": performance_payouts(scope, [], f),
        "performance_by_region": performance_payouts(scope, ["region"], f),
    }


def _map(scope, f: Filters) -> dict:
    losses = mapdata.verified_losses(scope, f)
    frame = charts.fit([(lon, lat) for lon, lat, _n in losses] or mapdata.extent_points(scope, f))
    return {"frame": frame, "outlines": charts.outlines(frame), "hotspots": charts.hotspots(frame, losses),
            "points": [frame.project(lon, lat) for lon, lat, _n in losses if frame.contains(lon, lat)]}


def _mitigation(scope, f: Filters) -> list:
    return effectiveness(scope, ReportParams(start=f.start, end=f.end)).rows


def _funds(scope, programme: Programme | None, today: date) -> list:
    schemes = insurance_queries.schemes_for(scope)
    if programme is not None:
        schemes = [s for s in schemes if s.id == programme.id]
    return [funds.health(s, today) for s in schemes]


def build(user, choice: Choice) -> dict:
    scope, programme, country = resolve(user, choice)
    calendar, start_month = year_calendar(programme, country)
    year = programme_year(choice.year, calendar, start_month)
    start, end = year.start, year.end - timedelta(days=1)
    f = Filters(programme_id=programme.id if programme else None, start=start, end=end, calendar=calendar.value)
    months = year_months(year, calendar)
    printed = utcnow()
    seq, head = chain_head()
    return {"choice": choice, "programme": programme, "country": country, "start": start, "end": end,
            "year": year, "calendar": calendar,
            "printed_at": printed, "tz": (programme.jurisdiction if programme else country).timezone,
            "audit_seq": seq, "audit_head": head, "figures": figures(scope, f, months), "map": _map(scope, f),
            "mitigation": _mitigation(scope, f), "funds": _funds(scope, programme, min(end, printed.date()))}


def year_label(year: ProgrammeYear, calendar: YearCalendar, lang: str) -> str:
    """The year by its own name («1404», «2026», «2026/27»), with the years of the other calendar it spans where a
    reader needs them: a Solar Hijri year's Gregorian ones always (donors count in those), a Gregorian year's Solar
    Hijri ones for readers who count in that calendar."""
    last = year.end - timedelta(days=1)
    if calendar == YearCalendar.SOLAR_HIJRI:
        other = (year.start.year, last.year)
    elif lang in SOLAR_HIJRI_LOCALES:
        other = (JalaliDate(year.start).year, JalaliDate(last).year)
    else:
        return native_digits(year.label, lang)
    spanned = str(other[0]) if other[0] == other[1] else f"{other[0]}–{other[1]}"
    return native_digits(f"{year.label} ({spanned})", lang)


def render(user, choice: Choice) -> tuple[bytes, str]:
    """The bulletin as PDF bytes and its file name."""
    lang = normalise(choice.lang) or "en"
    context = build(user, choice)
    secondary = None
    if choice.bilingual and context["programme"] is not None:
        secondary = normalise(context["programme"].official_language)
    with force_locale(lang):
        html = render_template("oversight/bulletin.html", **context, lang=lang, doc_lang=html_lang(lang),
                               direction=text_direction(lang), page_css=bulletin_page.page_css(lang),
                               caption=mitigation_caption,
                               year_label=year_label(context["year"], context["calendar"], lang),
                               bi=Languages(lang, secondary if secondary != lang else None).bi)
    scope_name = context["programme"].id if context["programme"] else context["country"].code
    return render_pdf(html), f"bulletin-{scope_name}-{context['year'].label.replace('/', '-')}-{lang}.pdf"
