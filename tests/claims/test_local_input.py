"""A clerk in Mashhad or Herat works in their own digits and calendar (DESIGN §14): forms and the API read
Persian digits, ٫ and Solar Hijri dates, an unknown time stays unknown, and what cannot be right is refused."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
import sqlalchemy as sa
import time_machine

from claims.models import Claim, Owner
from conflict_service.db import db
from conflict_service.i18n import native_digits
from tests.claims.conftest import claim_body
from tests.factories import at
from tests.helpers import csrf_token, login

NOW = at(2026, 11, 21, 9, 0)  # 12:30 in Tehran, 30 Aban 1405


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def persian_clerk(client, world):
    world.ir.clerk.preferred_language = "fa"
    db.session.commit()
    login(client, world.ir.clerk)
    return world.ir.clerk


def _persian_claim_form(owner, programme, token, **changes):
    data = {"csrf_token": token, "owner_id": owner.id, "programme_id": programme.id,
            "incident_date": "۱۴۰۵/۰۸/۲۹", "incident_time": "۲۳:۳۰", "time_of_day": "night",
            "incident_village": "چهل‌میر", "incident_lat": "۳۷٫۴۴", "incident_lon": "۵۹٫۱۱",
            "is_in_corral": ["false"], "is_herder_present": ["false", "true"], "is_guard_dog_present": ["false"],
            "narrative": "دو رأس بز کنار چشمه تلف شدند.", "idempotency_key": "fa-form-1",
            "reported_date": "۳۰ آبان ۱۴۰۵", "reported_time": "۰۸:۱۵",
            "lines-0-species": "goat", "lines-0-age_class": "adult", "lines-0-outcome": "killed", "lines-0-count": "۲",
            "lines-1-species": "sheep", "lines-1-age_class": "young", "lines-1-outcome": "injured",
            "lines-1-count": "١٢"}
    data.update(changes)
    return data


def test_a_claim_filed_in_persian_digits_and_solar_hijri_reads_back_the_same_through_the_api(
        client, world, make, persian_clerk, api):
    owner = make.owner(world.ir.clerk, world.ir.office, name="فاطمه عباسی")
    db.session.commit()
    path = f"/claims/new?owner_id={owner.id}"
    form = client.get(path).get_data(as_text=True)
    assert 'lang="fa"' in form and 'name="incident_date" type="text" value="۱۴۰۵/۰۸/۳۰"' in form  # today, Solar Hijri
    assert "شنبه ۲۱ نوامبر ۲۰۲۶" in form  # the Gregorian date echoed beside it (no JavaScript needed)
    assert 'type="number"' not in form and 'type="date"' not in form and 'type="time"' not in form
    r = client.post(path, data=_persian_claim_form(owner, world.ir.programme, csrf_token(client, path)))
    assert r.status_code == 302, html.unescape(r.get_data(as_text=True))[-3000:]
    claim_id = db.session.scalar(sa.select(Claim.id))
    back = api("clerk").get(f"/api/v1/claims/{claim_id}").get_json()
    assert back["incident_date"] == "2026-11-20" and back["incident_at"] == "2026-11-20T20:00:00+00:00"
    assert back["reported_at"] == "2026-11-21T04:45:00+00:00"  # 08:15 in Tehran
    assert (back["incident_lat"], back["incident_lon"]) == (37.44, 59.11)
    assert [(line["species"], line["count"]) for line in back["lines"]] == [("goat", 2), ("sheep", 12)]
    assert back["incident_village"] == "چهل‌میر"  # the zero-width non-joiner of Persian spelling is kept


def test_a_wrong_solar_hijri_date_is_explained_and_the_typed_text_kept(client, world, make, persian_clerk):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    path = f"/claims/new?owner_id={owner.id}"
    r = client.post(path, data=_persian_claim_form(owner, world.ir.programme, csrf_token(client, path), **{
        "incident_date": "۱۴۰۴/۱۲/۳۰", "reported_date": "۳۰ فوس ۱۴۰۵", "lines-0-count": "۱٫۵"}))
    page = html.unescape(r.get_data(as_text=True))
    assert r.status_code == 422 and db.session.scalar(sa.select(sa.func.count(Claim.id))) == 0
    assert 'value="۱۴۰۴/۱۲/۳۰"' in page and 'value="۳۰ فوس ۱۴۰۵"' in page and 'value="۱٫۵"' in page
    assert "چنین روزی وجود ندارد" in page  # 1404 has no 30 Esfand
    assert "«فوس» نام ماه نیست" in page
    assert "عدد صحیح" in page  # 1.5 animals: a whole number is asked for


def test_a_claim_whose_time_is_not_known_stays_unknown(client, world, make, persian_clerk, api):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    path = f"/claims/new?owner_id={owner.id}"
    r = client.post(path, data=_persian_claim_form(owner, world.ir.programme, csrf_token(client, path),
                                                   incident_date="۲۹ عقرب ۱۴۰۵", incident_time=""))
    assert r.status_code == 302
    claim = db.session.scalar(sa.select(Claim))
    back = api("clerk").get(f"/api/v1/claims/{claim.id}").get_json()
    assert back["incident_at"] is None and back["incident_date"] == "2026-11-20"
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "۲۹ آبان ۱۴۰۵، ساعت نامعلوم" in page and "۰:۰۰" not in page
    edit = client.get(f"/claims/{claim.id}/edit").get_data(as_text=True)
    assert re.search(r'name="incident_time" type="text"[^>]*value=""', edit)


def test_the_api_takes_a_day_without_a_time_and_native_digits(api, world, make):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    body = claim_body(owner.id, world.ir.programme.id, incident_at=None, incident_date="۲۰۲۶-۱۱-۲۰",
                      incident_lat="۳۷٫۴۵", lines=[{"species": "sheep", "age_class": "adult", "outcome": "killed",
                                                     "count": "۳"}])
    r = api("clerk").post("/api/v1/claims", json=body)
    assert r.status_code == 201, r.get_json()
    got = r.get_json()
    assert got["incident_at"] is None and got["incident_date"] == "2026-11-20" and got["incident_lat"] == 37.45
    assert got["lines"][0]["count"] == 3
    later = api("clerk").patch(f"/api/v1/claims/{got['id']}", json={"incident_at": "2026-11-20T23:30:00+03:30"})
    assert datetime.fromisoformat(later.get_json()["incident_at"]) == at(2026, 11, 20, 20, 0)
    neither = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id, incident_at=None))
    assert neither.status_code == 422 and "incident_at" in neither.get_json()["errors"]
    tomorrow = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id,
                                                                   incident_at=None, incident_date="2026-11-23"))
    assert tomorrow.status_code == 422 and "incident_date" in tomorrow.get_json()["errors"]


@pytest.mark.parametrize("count", [1.5, "1.5", "۱٫۵", "2.0000001"])
def test_a_count_is_a_whole_number(api, world, make, count):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    body = claim_body(owner.id, world.ir.programme.id,
                      lines=[{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": count}])
    r = api("clerk").post("/api/v1/claims", json=body)
    assert r.status_code == 422
    assert r.get_json()["errors"]["lines"]["0"]["count"] == ["Not a valid whole number."]


@pytest.mark.parametrize(("field", "value"), [
    ("incident_at", "0001-01-01T00:00:00+00:00"), ("incident_at", "9999-12-31T23:00:00+00:00"),
    ("incident_at", "1899-12-31T12:00:00+00:00"), ("reported_at", "9999-01-01T00:00:00+00:00"),
])
def test_dates_outside_a_sane_range_are_refused_with_a_clear_message(api, world, make, field, value):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    r = api("clerk").post("/api/v1/claims", json=claim_body(owner.id, world.ir.programme.id, **{field: value}))
    assert r.status_code == 422
    assert r.get_json()["errors"][field] == ["Give a date between Jan 1, 1900 and Dec 31, 2031."]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "Ali\u202eilA", "U+202E"), ("name", "Ali\u2067x", "U+2067"), ("name", "\ufeffAli", "U+FEFF"),
    ("name", "Ali\u200bReza", "U+200B"), ("name", "Ali\u200dReza", "U+200D"), ("name", "Ali\x07", "U+0007"),
    ("village", "Dar\u202agaz", "U+202A"), ("village", "Dargaz\n", "U+000A"),
    ("national_id", "0012\u202e345678", "U+202E"), ("national_id", "0012\u200b345678", "U+200B"),
    ("name", "   ", "This field is required."),
    ("name", "\u3000", "This field is required."),
])
def test_invisible_and_control_characters_are_refused_in_names_villages_and_ids(api, world, field, value, message):
    body = {"name": "Ali Rezaei", "village": "Dargaz", "office_id": world.ir.office.id, field: value}
    r = api("clerk").post("/api/v1/owners", json=body)
    assert r.status_code == 422
    assert message in " ".join(r.get_json()["errors"][field])


def test_persian_names_with_the_zero_width_non_joiner_and_native_digits_are_kept(api, world):
    r = api("clerk").post("/api/v1/owners", json={
        "name": "زین‌العابدین رحیمی", "village": "ده‌بالا", "office_id": world.ir.office.id,
        "national_id": "۰۰۱۲۳۴۵۶۷۸", "phone": "۰۹۱۵ ۱۲۳ ۴۵۶۷", "home_lat": "۳۷٫۴۴۱۲", "home_lon": "٥٩٫١١٢٧",
        "herd": [{"species": "sheep", "head_count": "۱۲۰", "counted_on": "۲۰۲۶-۰۴-۰۱"}]})
    assert r.status_code == 201, r.get_json()
    owner = db.session.get(Owner, r.get_json()["id"])
    assert owner.name == "زین‌العابدین رحیمی" and owner.village == "ده‌بالا"
    assert (owner.national_id, owner.phone) == ("0012345678", "0915 123 4567")
    assert (owner.home_lat, owner.home_lon, owner.herd[0].head_count) == (37.4412, 59.1127, 120)


def test_an_owner_speaks_the_language_of_the_offices_programme_unless_told(api, world):
    iranian = api("clerk").post("/api/v1/owners", json={"name": "A", "village": "B", "office_id": world.ir.office.id})
    armenian = api("am_clerk").post("/api/v1/owners", json={"name": "Ա", "village": "Բ",
                                                            "office_id": world.am.office.id})
    chosen = api("clerk").post("/api/v1/owners", json={"name": "C", "village": "D", "office_id": world.ir.office.id,
                                                       "preferred_language": "fa_AF"})
    assert [r.get_json()["preferred_language"] for r in (iranian, armenian, chosen)] == ["fa", "hy", "fa_AF"]


def test_the_owner_form_proposes_the_offices_language(client, world, persian_clerk):
    page = client.get("/owners/new").get_data(as_text=True)
    assert '<option value="fa" lang="fa" selected>' in page


def test_a_herd_count_cannot_be_in_the_future(api, world):
    r = api("clerk").post("/api/v1/owners", json={"name": "A", "village": "B", "office_id": world.ir.office.id,
                                                  "herd": [{"species": "sheep", "head_count": 3,
                                                            "counted_on": "2026-12-01"}]})
    assert r.status_code == 422 and r.get_json()["errors"]["herd"]["0"]["counted_on"] == ["This date is in the future."]


def _found_by(api):
    """The ids of the owners the clerk's search (``q``, ``village``) finds through the API."""
    def owners(**query) -> set[int]:
        r = api("clerk").get("/api/v1/owners", query_string=query)
        assert r.status_code == 200, r.get_json()
        return {item["id"] for item in r.get_json()["items"]}
    return owners


def test_names_are_found_in_either_case_in_every_script(api, world, make):
    """SQLite's own lower() folds ASCII only: «арам» missed «Арам» there (not on PostgreSQL)."""
    russian = make.owner(world.ir.clerk, world.ir.office, name="Арам Петросян", village="Шикаох")
    armenian = make.owner(world.ir.clerk, world.ir.office, name="Արամ Սարգսյան", village="Շիկահող")
    make.owner(world.ir.clerk, world.ir.office, name="Aram Smith", village="Chehelmir")
    claim = make.claim(world.ir, owner=armenian)
    db.session.commit()

    owners = _found_by(api)

    assert owners(q="арам") == owners(q="АРАМ") == {russian.id}
    assert owners(q="արամ ս") == {armenian.id}
    assert owners(village="шикаох") == {russian.id} and owners(village="ՇԻԿԱՀՈՂ") == {armenian.id}
    r = api("clerk").get("/api/v1/claims", query_string={"q": "ՍԱՐԳՍՅԱՆ"})
    assert [item["number"] for item in r.get_json()["items"]] == [claim.number]


def test_a_name_is_found_whichever_arabic_script_letters_the_keyboard_gave(api, client, world, make, persian_clerk):
    """«علي» typed on an Arabic keyboard is «علی» typed on a Persian one; «گل‌احمد» is «گل احمد» and «گلاحمد»."""
    arabic = make.owner(world.ir.clerk, world.ir.office, name="علي كريمي", village="دهكده")
    joined = make.owner(world.ir.clerk, world.ir.office, name="گل‌احمد أحمدي", village="ده‌بالا")
    make.owner(world.ir.clerk, world.ir.office, name="رضا نوری", village="چهلمیر")
    claim = make.claim(world.ir, owner=arabic)
    db.session.commit()

    owners = _found_by(api)

    assert owners(q="علی کریمی") == owners(q="كريمي") == {arabic.id}
    assert owners(q="گل احمد") == owners(q="گلاحمد") == owners(q="گل‌احمد احمدی") == {joined.id}
    assert owners(village="دهکده") == {arabic.id} and owners(village="ده بالا") == {joined.id}
    assert db.session.get(Owner, arabic.id).name == "علي كريمي"  # stored as typed
    r = api("clerk").get("/api/v1/claims", query_string={"q": "علی"})
    assert [item["number"] for item in r.get_json()["items"]] == [claim.number]
    page = client.get("/claims", query_string={"q": "کریمی"}).get_data(as_text=True)  # the list's own statements
    assert claim.number in page
    assert claim.number not in client.get("/claims", query_string={"q": "نوری"}).get_data(as_text=True)


def test_a_household_is_not_registered_twice_unless_the_clerk_says_it_is_another(api, client, world, make,
                                                                                 persian_clerk):
    """Registered twice, a household would get two household caps and escape the duplicate-claim flag."""
    first = make.owner(world.ir.clerk, world.ir.office, name="علي كريمي", village="دهكده",
                       national_id="1400-2718-23981")
    db.session.commit()
    body = {"name": "علی کریمی", "village": "ده کده", "office_id": world.ir.office.id}
    r = api("clerk").post("/api/v1/owners", json=body)
    assert r.status_code == 422
    [message] = r.get_json()["errors"]["another_household"]  # in the clerk's language and digits
    assert f"علي كريمي (دهكده، #{native_digits(str(first.id), 'fa')})" in message and list(r.get_json()["errors"]) == [
        "another_household"]
    same_id = {"name": "Ali Karimi", "village": "Dehkadeh", "office_id": world.ir.office.id,
               "national_id": "۱۴۰۰ ۲۷۱۸ ۲۳۹۸۱"}
    assert api("clerk").post("/api/v1/owners", json=same_id).status_code == 422
    elsewhere = {"name": "علی کریمی", "village": "دهکده", "office_id": world.am.office.id}
    assert api("am_clerk").post("/api/v1/owners", json=elsewhere).status_code == 201  # not in this clerk's offices
    assert db.session.query(Owner).filter(Owner.office_id == world.ir.office.id).count() == 1

    # The form: refused, what was typed kept, the owner it may be linked; ticked, registered.
    token = csrf_token(client, "/owners/new")
    form = {"csrf_token": token, "name": "علی کریمی", "village": "دهکده", "office_id": world.ir.office.id,
            "national_id": "", "phone": "۰۹۱۵ ۱۲۳ ۴۵۶۷"}
    r = client.post("/owners/new", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'href="/owners/{first.id}"' in page and 'name="another_household"' in page
    assert 'aria-invalid="true" aria-describedby="another_household-errors"' in page
    assert 'value="۰۹۱۵ ۱۲۳ ۴۵۶۷"' in page
    r = client.post("/owners/new", data={**form, "another_household": ["false", "true"]})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    assert db.session.query(Owner).filter(Owner.office_id == world.ir.office.id).count() == 2
    assert api("clerk").post("/api/v1/owners", json={**same_id, "another_household": True}).status_code == 201


def test_a_correction_may_not_make_an_owner_another_ones_twin_unless_told(api, client, world, make, persian_clerk):
    first = make.owner(world.ir.clerk, world.ir.office, name="رضا نوری", village="چهلمیر", national_id="0012345678")
    second = make.owner(world.ir.clerk, world.ir.office, name="رضا نوروزی", village="چهلمیر", national_id="0099999999")
    db.session.commit()
    r = api("clerk").patch(f"/api/v1/owners/{second.id}", json={"national_id": "001-234-5678"})
    assert r.status_code == 422 and list(r.get_json()["errors"]) == ["another_household"]
    assert api("clerk").patch(f"/api/v1/owners/{second.id}", json={"phone": "0915 000 1111"}).status_code == 200
    # The edit form: refused, the other owner linked (not this one), the box to save anyway.
    path = f"/owners/{second.id}/edit"
    form = {"csrf_token": csrf_token(client, path), "name": "رضا نوری", "village": "چهلمیر",
            "office_id": world.ir.office.id, "national_id": "0099999999"}
    r = client.post(path, data=form)
    page = r.get_data(as_text=True)
    twins = page[page.index('<ul class="twins">'):].split("</ul>")[0]
    assert r.status_code == 422 and f'href="/owners/{first.id}"' in twins and f'"/owners/{second.id}"' not in twins
    assert "another_household" in page
    assert client.post(path, data={**form, "another_household": ["false", "true"]}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Owner, second.id).name == "رضا نوری"
    # Saving the owner again without touching name, village or ID asks nothing more.
    assert client.post(path, data={**form, "phone": "0915 000 2222"}).status_code == 302


def test_an_owner_set_back_to_the_language_of_the_offices_programme(client, world, make, persian_clerk):
    """The edit form's blank choice, «The language of the office's programme», answered 500 (the owner was written
    without a language while the programme's was looked up)."""
    owner = make.owner(world.ir.clerk, world.ir.office, preferred_language="ckb")
    db.session.commit()
    path = f"/owners/{owner.id}/edit"
    form = {"csrf_token": csrf_token(client, path), "name": owner.name, "village": owner.village,
            "office_id": world.ir.office.id, "national_id": owner.national_id, "preferred_language": ""}
    assert client.post(path, data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Owner, owner.id).preferred_language == "fa"
