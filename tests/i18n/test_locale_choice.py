"""Which language a page speaks: the user's preference, ?lang=, the switcher, Accept-Language, the programme's."""

from __future__ import annotations

import re

import pytest
from flask import g
from flask_babel import force_locale
from flask_babel import gettext as _

from conflict_service.db import db
from conflict_service.i18n import select_locale, set_context_language
from tests.helpers import bearer, login

LANG = re.compile(r'<html lang="([^"]+)" dir="(rtl|ltr)"')


def page_language(response) -> tuple[str, str]:
    match = LANG.search(response.get_data(as_text=True))
    assert match, "no <html lang dir>"
    return match.group(1), match.group(2)


def translated(msgid: str, locale: str) -> str:
    with force_locale(locale):
        text = _(msgid)
    assert text != msgid, f"{msgid!r} is not translated into {locale}"
    return text


@pytest.mark.parametrize(("header", "expected"), [
    (None, ("en", "ltr")), ("fa-IR,fa;q=0.9,en;q=0.5", ("fa", "rtl")), ("fa-AF", ("fa-AF", "rtl")),
    ("ka,en;q=0.5", ("ka", "ltr")), ("de-DE,ckb;q=0.8", ("ckb", "rtl")), ("de", ("en", "ltr")),
])
def test_browser_language_chooses_for_visitors(client, header, expected):
    headers = {"Accept-Language": header} if header else {}
    assert page_language(client.get("/login", headers=headers)) == expected


def test_query_beats_browser_and_switcher_is_remembered_for_visitors(client):
    persian = {"Accept-Language": "fa"}
    assert page_language(client.get("/login?lang=ka", headers=persian)) == ("ka", "ltr")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    r = client.post("/language", data={"lang": "hy", "next": "/login", "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert page_language(client.get("/login", headers=persian)) == ("hy", "ltr")
    assert page_language(client.get("/login?lang=ar", headers=persian)) == ("ar", "rtl")


def test_signed_in_users_preference_comes_first(client, world):
    world.ir.clerk.preferred_language = "ru"
    db.session.commit()
    login(client, world.ir.clerk)
    assert page_language(client.get("/?lang=ka", headers={"Accept-Language": "fa"})) == ("ru", "ltr")


def test_switcher_changes_a_signed_in_users_preference(client, world):
    login(client, world.ir.clerk)
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert page.count('<option value="') >= 16 and 'lang="fa-AF"' in page
    client.post("/language", data={"lang": "fa", "next": "/", "csrf_token": token})
    db.session.expire_all()
    assert world.ir.clerk.preferred_language == "fa"
    home = client.get("/")
    assert page_language(home) == ("fa", "rtl")
    assert translated("Sign out", "fa") in home.get_data(as_text=True)


def test_programme_language_is_the_last_resort(app):
    with app.test_request_context("/"):
        g.user = None
        set_context_language("ka")
        assert select_locale() == "ka"
    with app.test_request_context("/", headers={"Accept-Language": "hy"}):
        g.user = None
        set_context_language("ka")
        assert select_locale() == "hy"


@pytest.mark.parametrize("how", ["header", "query"])
def test_api_validation_messages_are_translated(client, world, how):
    headers = bearer(client, world.ir.clerk)
    url = "/api/v1/owners"
    if how == "header":
        headers["Accept-Language"] = "fa"
    else:
        url += "?lang=fa"
    r = client.post(url, json={"village": "x" * 500}, headers=headers)
    assert r.status_code == 422
    body = r.get_json()
    assert body["errors"]["name"] == [translated("This field is required.", "fa")]
    # the bound in Persian digits, as the reader writes numbers
    assert body["errors"]["village"] == [translated("Use at most {max} characters.", "fa").format(max="۱۲۰")]
    assert body["message"] == translated("Some fields need attention.", "fa")


@pytest.mark.parametrize("locale", ["fa", "ka"])
def test_pages_in_the_complete_languages_are_translated(client, locale):
    page = client.get(f"/login?lang={locale}").get_data(as_text=True)
    for msgid in ("Sign in", "Language", "Leopard conflict compensation"):
        assert translated(msgid, locale) in page


@pytest.mark.parametrize(("locale", "shown"), [("fa", "۲۰۰۰"), ("ar", "٢٠٠٠"), ("ru", "2000")])
def test_a_length_or_range_without_its_own_message_speaks_the_readers_language_and_digits(app, locale, shown):
    """marshmallow's own "Longer than maximum length 2000." was English everywhere, and every bound a bare Latin number
    even inside a translated message; a year is a bound too, so no grouping («۱۹۹۰», not «۱٬۹۹۰»)."""
    from marshmallow import ValidationError, validate

    from field.schemas import ReviewSchema
    with app.test_request_context("/"), force_locale(locale):
        with pytest.raises(ValidationError) as refused:
            ReviewSchema().load({"note": "x" * 2001})
        assert refused.value.messages["note"] == [translated("Use at most {max} characters.", locale).format(max=shown)]
        with pytest.raises(ValidationError) as year:
            validate.Range(min=1990, error="{min}")(1800)
        assert year.value.messages == [{"fa": "۱۹۹۰", "ar": "١٩٩٠"}.get(locale, "1990")]
