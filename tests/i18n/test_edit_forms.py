"""A stored number offered for editing reads in the reader's digits, as the record's own page shows it (DESIGN §14):
a Persian manager correcting a programme's rules sees «۲۵», not "25"; coordinates «۳۷٫۴۴»; a Russian one "0.5",
never the decimal comma that input refuses. And a form sent back exactly as it was offered changes nothing."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from claims.models import Owner, Programme
from conflict_service.db import db
from conflict_service.i18n import LOCALES, editable_number, plain_number
from mitigation.enums import MeasureKind
from mitigation.models import Measure
from tests.helpers import login
from tests.mitigation.conftest import measure_data


@pytest.mark.parametrize(("value", "locale", "expected"), [
    (Decimal("25.00"), "fa", "۲۵"), (Decimal("37.4400"), "fa", "۳۷٫۴۴"), (Decimal("0.5"), "ar", "٠٫٥"),
    (Decimal("37.44"), "ckb", "٣٧٫٤٤"), (Decimal("37.44"), "ur", "37.44"), (Decimal("0.5"), "ru", "0.5"),
    (Decimal("300000000"), "ps", "۳۰۰۰۰۰۰۰۰"), (Decimal("1E+2"), "tr", "100"), (24, "fa_AF", "۲۴"),
    ("+98 915 123 4567", "fa", "+۹۸ ۹۱۵ ۱۲۳ ۴۵۶۷"), (None, "fa", ""), (True, "fa", ""),
])
def test_a_stored_number_as_a_form_offers_it(value, locale, expected):
    assert editable_number(value, locale) == expected


@given(st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False), st.sampled_from(LOCALES))
def test_what_a_form_offers_reads_back_as_the_same_number(value, locale):
    assert Decimal(plain_number(editable_number(value, locale))) == value


class _Forms(HTMLParser):
    """The fields of each form of a page, as a browser would send them unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.forms[-1].setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1].setdefault(self._textarea, []).append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea][-1] += data


def offered(client, path: str, field: str) -> dict:
    """The form of the page at ``path`` that holds ``field``, with the values it offers."""
    parser = _Forms()
    parser.feed(client.get(path).get_data(as_text=True))
    return next(form for form in parser.forms if field in form)


def send_back(client, path: str, form: dict):
    return client.post(path, data=MultiDict([(k, v) for k, values in form.items() for v in values]))


def reader(user, language: str):
    user.preferred_language = language
    db.session.commit()
    return user


@pytest.mark.parametrize("language", ["fa", "ar", "ru"])
def test_a_programmes_rules_are_offered_in_the_readers_digits_and_taken_back_unchanged(client, world, language):
    programme = world.ir.programme
    before = {c.key: getattr(programme, c.key) for c in Programme.__table__.columns if c.key != "updated_at"}
    login(client, reader(world.ir.manager, language))
    path = f"/programmes/{programme.id}/edit"
    form = offered(client, path, "injured_pct")
    assert form["injured_pct"] == [editable_number(programme.injured_pct, language)]
    assert form["report_deadline_days"] == [editable_number(programme.report_deadline_days, language)]
    if language in ("fa", "ar"):
        assert not any(ch.isascii() and ch.isdigit() for ch in form["injured_pct"][0] + form["appeal_days"][0])
    answer = send_back(client, path, form)
    assert answer.status_code == 302, answer.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    programme = db.session.get(Programme, programme.id)
    assert {k: getattr(programme, k) for k in before} == before


@pytest.mark.parametrize("language", ["fa", "ps", "ru"])
def test_an_owners_coordinates_and_numbers_are_offered_in_the_readers_digits(client, world, make, language):
    owner = make.owner(world.ir.clerk, world.ir.office, home_lat=37.52501, home_lon=59.12434,
                       national_id="1234567890")
    login(client, reader(world.ir.clerk, language))
    path = f"/owners/{owner.id}/edit"
    form = offered(client, path, "home_lat")
    native = language != "ru"
    assert form["home_lat"] == ["۳۷٫۵۲۵۰۱" if native else "37.52501"]
    assert form["national_id"] == ["۱۲۳۴۵۶۷۸۹۰" if native else "1234567890"]
    assert form["phone"] == ["+۹۸ ۹۱۵ ۱۲۳ ۴۵۶۷" if native else "+98 915 123 4567"]
    assert send_back(client, path, form).status_code == 302
    db.session.expire_all()
    owner = db.session.get(Owner, owner.id)
    assert (owner.home_lat, owner.home_lon, owner.national_id, owner.phone) == (
        37.52501, 59.12434, "1234567890", "+98 915 123 4567")


def test_a_claims_place_is_offered_in_the_readers_digits_and_taken_back(client, world, make):
    claim = make.claim(world.ir)
    login(client, reader(world.ir.clerk, "fa"))
    path = f"/claims/{claim.id}/edit"
    form = offered(client, path, "incident_lat")
    assert form["incident_lat"] == ["۳۷٫۴۵"] and form["incident_lon"] == ["۵۹٫۱۲"]
    assert send_back(client, path, form).status_code == 302
    db.session.expire_all()
    assert (claim.incident_lat, claim.incident_lon) == (37.45, 59.12)


def test_a_measures_cost_is_offered_in_the_readers_digits_and_taken_back(client, world, make):
    from mitigation.operations import create_measure

    owner = make.owner(world.ir.clerk, world.ir.office)
    measure = create_measure(measure_data(owner, MeasureKind.GUARDIAN_DOG, lat=37.4, lon=59.1),
                             world.ir.clerk)
    db.session.commit()
    login(client, reader(world.ir.clerk, "fa"))
    path = f"/mitigation/{measure.id}/edit"
    form = offered(client, path, "cost")
    assert form["cost"] == ["۳۰۰۰۰۰۰۰۰"] and form["owner_contribution"] == ["۳۰۰۰۰۰۰۰"]
    assert form["lat"] == ["۳۷٫۴"] and form["dog-birth_year"] == ["۲۰۲۳"]
    assert send_back(client, path, form).status_code == 302
    db.session.expire_all()
    measure = db.session.get(Measure, measure.id)
    assert (measure.cost, measure.owner_contribution, measure.lat, measure.dog.birth_year) == (
        Decimal("300000000"), Decimal("30000000"), 37.4, 2023)


def test_the_effectiveness_reports_months_are_offered_in_the_readers_digits(client, world):
    login(client, reader(world.ir.manager, "fa"))
    form = offered(client, "/mitigation/effectiveness", "window_months")
    assert form["window_months"] == ["۲۴"]
    typed = offered(client, "/mitigation/effectiveness?window_months=12", "window_months")
    assert typed["window_months"] == ["12"]  # what was typed stays as typed
