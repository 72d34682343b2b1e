"""The office's pages: registering an owner and filing a claim, with errors shown and input kept."""

import html
import re

import pytest
import sqlalchemy as sa
import time_machine

from claims.enums import AgeClass, LossOutcome, Species
from claims.models import Claim, Owner
from claims.states import ClaimState
from conflict_service.db import db
from tests.factories import at
from tests.helpers import csrf_token, login, whole


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(at(2026, 11, 21, 9, 0), tick=False):
        yield


@pytest.fixture
def clerk(client, world):
    login(client, world.ir.clerk)
    return world.ir.clerk


def _count(model):
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def test_register_owner_form(client, world, clerk):
    token = csrf_token(client, "/owners/new")
    bad = client.post("/owners/new", data={"csrf_token": token, "name": "Hossein Rahimi", "village": "",
                                           "office_id": world.ir.office.id, "home_lat": "37.4",
                                           "herd-0-species": "sheep", "herd-0-head_count": "-5",
                                           "herd-0-counted_on": "2026-04-01"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "This field is required." in page and "Give both latitude and longitude, or neither." in page
    assert "Must not be negative." in page
    assert 'value="Hossein Rahimi"' in page and 'value="37.4"' in page  # nothing typed is lost
    assert _count(Owner) == 0
    good = client.post("/owners/new", data={"csrf_token": token, "name": "Hossein Rahimi", "village": "Dargaz",
                                            "office_id": world.ir.office.id, "preferred_language": "fa",
                                            "herd-0-species": "sheep", "herd-0-head_count": "150",
                                            "herd-0-counted_on": "2026-04-01"})
    assert good.status_code == 302
    owner = db.session.scalar(sa.select(Owner))
    assert owner.name == "Hossein Rahimi" and owner.herd[0].head_count == 150
    detail = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "Owner Hossein Rahimi registered." in detail and "150" in detail


def _claim_form(owner, programme, token, **changes):
    data = {"csrf_token": token, "owner_id": owner.id, "programme_id": programme.id, "incident_date": "2026-11-20",
            "incident_time": "23:30", "time_of_day": "night", "incident_village": "Chehelmir",
            "is_in_corral": ["false"], "is_herder_present": ["false", "true"], "is_guard_dog_present": ["false"],
            "narrative": "Two goats killed near the spring.", "idempotency_key": "form-key-1",
            "lines-0-species": "goat", "lines-0-age_class": "adult", "lines-0-outcome": "killed", "lines-0-count": "2"}
    data.update(changes)
    return data


def test_file_a_claim_through_the_form(client, world, make, clerk):
    owner = make.owner(world.ir.clerk, world.ir.office, name="Fatemeh Abbasi")
    db.session.commit()
    path = f"/claims/new?owner_id={owner.id}"
    token = csrf_token(client, path)
    bad = client.post(path, data=_claim_form(owner, world.ir.programme, token, **{
        "lines-0-count": "0", "incident_date": "2026-12-01", "narrative": "Typed by the clerk, kept on error."}))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "The count must be between 1 and 10000." in page
    assert "The incident cannot be in the future." in page
    assert "Typed by the clerk, kept on error." in page
    assert _count(Claim) == 0
    good = client.post(path, data=_claim_form(owner, world.ir.programme, token))
    assert good.status_code == 302
    claim = db.session.scalar(sa.select(Claim))
    assert claim.is_herder_present and not claim.is_in_corral and claim.lines[0].count == 2
    assert claim.incident_at == at(2026, 11, 20, 20, 0)  # 23:30 in Tehran is 20:00 UTC
    shown = html.unescape(client.get(good.headers["Location"]).get_data(as_text=True))
    pin = rf"The owner's PIN for the status page is {claim.pin}\."
    assert re.search(rf"Claim {whole(claim.number)} filed\. {pin}", shown)
    again = client.post(path, data=_claim_form(owner, world.ir.programme, token))  # double-click / back + resend
    assert again.status_code == 302 and _count(Claim) == 1


def test_the_pin_given_on_filing_is_in_the_clerks_digits(client, world, make, clerk):
    """A Dari clerk reads the owner's PIN in the flash message in Persian digits, as on the claim page."""
    world.ir.clerk.preferred_language = "fa_AF"
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    path = f"/claims/new?owner_id={owner.id}"
    good = client.post(path, data=_claim_form(owner, world.ir.programme, csrf_token(client, path)))
    assert good.status_code == 302
    claim = db.session.scalar(sa.select(Claim))
    shown = html.unescape(client.get(good.headers["Location"]).get_data(as_text=True))
    pin = claim.pin.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert f"تعقیب {pin} است" in shown


def test_add_a_loss_line_keeps_the_form(client, world, make, clerk):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    path = f"/claims/new?owner_id={owner.id}"
    data = _claim_form(owner, world.ir.programme, csrf_token(client, path), add_line="1")
    r = client.post(path, data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and _count(Claim) == 0
    assert 'name="lines-3-species"' in page and "Two goats killed near the spring." in page


def test_withdraw_from_the_claim_page(client, world, make, clerk):
    claim = make.claim(world.ir)
    db.session.commit()
    path = f"/claims/{claim.id}"
    token = csrf_token(client, path)
    r = client.post(f"{path}/withdraw", data={"csrf_token": token, "reason": ""})
    assert "Give the reason" in client.get(r.headers["Location"]).get_data(as_text=True)
    r = client.post(f"{path}/withdraw", data={"csrf_token": token, "reason": "Found the animals"})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "withdrawn" in page.lower() and "Found the animals" in page


def test_claim_list_filters(client, world, make, clerk):
    make.claim(world.ir, make.owner(world.ir.clerk, world.ir.office, name="Karim Yazdani"))
    make.claim(world.ir, make.owner(world.ir.clerk, world.ir.office, name="Davood Rostami"))
    db.session.commit()
    page = client.get("/claims?q=yazdani").get_data(as_text=True)
    assert "Karim Yazdani" in page and "Davood Rostami" not in page
    bad = client.get("/claims?incident_from=2026-12-01&incident_to=2026-11-01")
    assert "The end of the range is before its start." in bad.get_data(as_text=True)


def test_claim_list_rows(app, client, world, make, clerk):
    """A row shows the number (linked), owner, village, incident date, animals lost over every line, status and an
    overdue flag, in the reader's language; the page costs the same statements for 2 rows as for 12."""
    sheep = {"species": Species.SHEEP, "age_class": AgeClass.ADULT, "outcome": LossOutcome.KILLED, "count": 2}
    goats = {"species": Species.GOAT, "age_class": AgeClass.YOUNG, "outcome": LossOutcome.INJURED, "count": 1234}
    waiting = make.claim(world.ir, make.owner(world.ir.clerk, world.ir.office, name="Karim Yazdani"),
                         incident_village="Chehelmir", incident_at=at(2026, 11, 20, 10), lines=[sheep, goats])
    paid = make.claim(world.ir, make.owner(world.ir.clerk, world.ir.office, name="Davood Rostami"),
                      incident_village="Dargaz", incident_at=at(2026, 11, 19, 10))
    paid.status = ClaimState.PAID
    waiting.verification_due_at = waiting.due_at = at(2026, 11, 21, 8, 0)  # an hour ago: overdue
    db.session.commit()
    page = client.get("/claims").get_data(as_text=True)
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr>\s*<td data-label="Claim"><a [^>]*>([^<]+)</a>.*?</tr>',
                                                        page, re.S)}
    assert set(rows) == {waiting.number, paid.number}
    first = rows[waiting.number]
    assert f'href="/claims/{waiting.id}"' in first and "Karim Yazdani" in first and "Chehelmir" in first
    assert "Nov 20, 2026" in first and ">1,236</td>" in first  # 2 sheep + 1,234 goats, grouped as English does
    assert "status-submitted" in first and ">Submitted<" in first and "Overdue</span>" in first
    second = rows[paid.number]
    assert "Davood Rostami" in second and ">Paid<" in second and "Overdue" not in second and ">2</td>" in second

    world.ir.clerk.preferred_language = "fa"
    db.session.commit()
    persian = client.get("/claims").get_data(as_text=True)
    assert "۱٬۲۳۶" in persian and "۲۹ آبان ۱۴۰۵" in persian  # Persian digits and the Solar Hijri date

    counts = []
    for extra in (0, 10):
        for _ in range(extra):
            make.claim(world.ir)
        db.session.commit()
        statements: list[str] = []

        def listener(*args, _seen=statements, **kwargs):
            _seen.append(args[2])

        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get("/claims").status_code == 200
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_loss_line_errors_are_tied_to_their_controls(client, world, make, clerk):
    owner = make.owner(world.ir.clerk, world.ir.office)
    db.session.commit()
    path = f"/claims/new?owner_id={owner.id}"
    form = _claim_form(owner, world.ir.programme, csrf_token(client, path), **{"lines-0-count": "0"})
    page = client.post(path, data=form).get_data(as_text=True)
    count = re.search(r'<input id="f-lines-0-count"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in count and 'aria-describedby="lines-0-count-errors"' in count
    assert 'id="lines-0-count-errors"' in page and 'dir="auto"' in re.search(r'<input id="f-incident_village"[^>]*>',
                                                                             page).group(0)
    no_lines = {k: v for k, v in form.items() if not k.startswith("lines-")}
    page = client.post(path, data=no_lines).get_data(as_text=True)
    assert re.search(r'<fieldset aria-describedby="lines-errors">\s*<legend>Losses</legend>', page)
    assert 'id="lines-errors"' in page


def test_the_owners_language_is_named_in_the_clerks_language(client, world, make, clerk):
    """A Sorani clerk chose «تورکمانی» for an owner and then read «Türkmen dili» on the owner's page (DESIGN §14: a
    language chosen for someone else is named in the reader's language, as the owner's messages panel does)."""
    owner = make.owner(world.ir.clerk, world.ir.office, preferred_language="tk")
    clerk.preferred_language = "ckb"
    db.session.commit()
    page = client.get(f"/owners/{owner.id}").get_data(as_text=True)
    assert "<dd>تورکمانی</dd>" in page and "<dd>Türkmen dili</dd>" not in page


def test_a_programmes_official_language_is_named_in_the_readers_language(client, world):
    world.ir.manager.preferred_language = "tg"
    db.session.commit()
    login(client, world.ir.manager)
    page = client.get(f"/programmes/{world.ir.programme.id}").get_data(as_text=True)
    assert world.ir.programme.official_language == "fa" and " · форсӣ" in page and " · فارسی" not in page


def test_the_claim_page_names_its_zone_and_people_by_name(client, world, make, clerk):
    """Every time on a claim's page is the office's: the page says so once; its history names people as readers know
    them (the account's full name), not by the sign-in name the audit trail records."""
    claim = make.claim(world.ir)
    world.ir.clerk.full_name = "Maryam Rahimi"
    db.session.commit()
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert whole(page).count("Times are local to the office (Tehran, GMT+03:30).") == 1
    history = page[page.index('class="timeline"'):]
    assert "Maryam Rahimi" in history and world.ir.clerk.username not in history
