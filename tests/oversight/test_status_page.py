"""The public status page: number + PIN, the owner's language, no personal data, no guessing."""

from datetime import timedelta

import time_machine
from flask_babel import force_locale, gettext

from conflict_service.db import db
from conflict_service.timeutil import utcnow
from tests.helpers import csrf_token


def _claim(world, make):
    owner = make.owner(world.ir.clerk, world.ir.office, name="Ebrahim Zarei", national_id="5550001112",
                       phone="+98 915 777 8888", preferred_language="fa")
    claim = make.claim(world.ir, owner)
    db.session.commit()
    return claim


def _ask(client, claim, pin):
    token = csrf_token(client, f"/status/{claim.number}")
    return client.post(f"/status/{claim.number}", data={"csrf_token": token, "pin": pin})


def test_status_with_the_right_pin(client, world, make):
    claim = _claim(world, make)
    r = _ask(client, claim, claim.pin)
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert claim.number in page and 'lang="fa"' in page and 'dir="rtl"' in page  # the owner's language
    for personal in ("Ebrahim Zarei", "5550001112", "777 8888", "clerk_ir"):
        assert personal not in page


def test_another_language_can_be_chosen(client, world, make):
    claim = _claim(world, make)
    token = csrf_token(client, f"/status/{claim.number}")
    r = client.post(f"/status/{claim.number}?lang=en", data={"csrf_token": token, "pin": claim.pin})
    assert 'lang="en"' in r.get_data(as_text=True)


def test_wrong_pins_lock_the_lookup(client, world, make):
    claim = _claim(world, make)
    wrong = "000000" if claim.pin != "000000" else "111111"
    for _ in range(4):
        r = _ask(client, claim, wrong)
        with force_locale("fa"):  # the page speaks the owner's language
            message = gettext("This PIN does not match the claim number.")
        assert r.status_code == 422 and message in r.get_data(as_text=True)
    assert _ask(client, claim, wrong).status_code == 422  # the fifth failure locks
    locked = _ask(client, claim, claim.pin)
    assert locked.status_code == 429
    with force_locale("fa"):
        message = gettext("Too many wrong PINs. Try again after {minutes} minutes.").split("{minutes}")[0]
    assert message in locked.get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert _ask(client, claim, claim.pin).status_code == 200


def test_unknown_number(client, world):
    token = csrf_token(client, "/status")
    r = client.post("/status", data={"csrf_token": token, "number": "IR-XXX-2026-000001", "pin": "123456"})
    assert r.status_code == 404
    assert "No claim has this number." in r.get_data(as_text=True)
