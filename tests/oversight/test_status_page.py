"""The public status page: number + PIN, the owner's language, no personal data, no guessing."""

from datetime import timedelta

import pytest
import time_machine
from flask_babel import force_locale, gettext, ngettext

from claims.enums import AgeClass, LossOutcome, Species
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from oversight.models import StatusLookupGuard
from tests.factories import at
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


def test_the_status_page_names_the_zone_of_its_times(client, world, make):
    """An owner reading when their claim moved learns whose clock the times are on: the office's."""
    claim = _claim(world, make)
    token = csrf_token(client, f"/status/{claim.number}")
    page = client.post(f"/status/{claim.number}?lang=en", data={"csrf_token": token, "pin": claim.pin}).get_data(
        as_text=True)
    assert "Times are local to the office (Tehran, GMT+03:30)." in page


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
        message = ngettext("Too many wrong PINs. Try again after %(minutes)s minute.",
                           "Too many wrong PINs. Try again after %(minutes)s minutes.", 30, minutes="۳۰")
    assert message in locked.get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert _ask(client, claim, claim.pin).status_code == 200


def test_unknown_number(client, world):
    token = csrf_token(client, "/status")
    r = client.post("/status", data={"csrf_token": token, "number": "IR-XXX-2026-000001", "pin": "123456"})
    assert r.status_code == 404
    assert "No claim has this number." in r.get_data(as_text=True)


def test_the_pin_in_persian_digits_opens_the_status_page(client, world, make):
    claim = _claim(world, make)
    claim.pin = "532957"
    db.session.commit()
    r = _ask(client, claim, "۵۳۲۹۵۷")
    assert r.status_code == 200 and claim.number in r.get_data(as_text=True)
    assert _ask(client, claim, "٥٣٢ ٩٥٧").status_code == 200  # Arabic-Indic digits, a space as printed


# {y}: the filing year (claims are numbered with it) in Latin, Persian and Arabic-Indic digits.
@pytest.mark.parametrize("typed", ["ir-off-{y}-1", "IR-OFF-{y}-000001", " ir off {y_fa} ۱ ", "IR–OFF–{y_ar}–01"])
def test_the_claim_number_is_found_as_people_type_it(client, world, make, typed):
    claim = _claim(world, make)
    year = str(claim.filed_date.year)
    assert claim.number == f"IR-OFF-{year}-000001"
    typed = typed.format(y=year, y_fa=year.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
                         y_ar=year.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    token = csrf_token(client, "/status")
    r = client.post("/status", data={"csrf_token": token, "number": typed, "pin": claim.pin})
    assert r.status_code == 200 and claim.number in r.get_data(as_text=True)


def test_a_pin_of_the_wrong_form_is_a_typing_slip_not_a_guess(client, world, make):
    claim = _claim(world, make)
    for slip in ("12345", "1234567", "12345a", "۱۲۳"):
        r = _ask(client, claim, slip)
        with force_locale("fa"):
            message = gettext("The PIN is the {n} digits printed on the receipt.").format(n="۶")
        assert r.status_code == 422 and message in r.get_data(as_text=True)
    guard = db.session.get(StatusLookupGuard, claim.id)
    assert guard is None or guard.failures == 0  # none of them counts towards the lockout
    assert _ask(client, claim, claim.pin).status_code == 200


@pytest.mark.parametrize(("code", "month"), [("fa_AF", "قوس"), ("ps", "لیندۍ"), ("fa", "آذر")])
def test_the_language_chosen_on_the_status_page_is_honoured(client, world, make, code, month):
    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False):
        claim = _claim(world, make)  # filed on 14 Azar (Qaws, Lindai) 1405; the owner speaks Iranian Persian
        token = csrf_token(client, f"/status/{claim.number}")
        r = client.post("/language", data={"lang": code, "next": f"/status/{claim.number}", "csrf_token": token})
        assert r.headers["Location"] == f"/status/{claim.number}"
        token = csrf_token(client, f"/status/{claim.number}")
        page = client.post(f"/status/{claim.number}", data={"csrf_token": token, "pin": claim.pin}).get_data(
            as_text=True)
    assert f'lang="{code.replace("_", "-")}"' in page and month in page


def test_both_status_forms_share_one_allowance_per_address(client, world, make):
    claim = _claim(world, make)
    token = csrf_token(client, "/status")
    for _ in range(30):  # the claim's own form, without a PIN: nothing is guessed, the address still counts
        assert client.post(f"/status/{claim.number}", data={"csrf_token": token}).status_code == 200
    r = client.post("/status", data={"csrf_token": token, "number": claim.number})
    assert r.status_code == 429


def test_the_status_page_names_no_member_of_staff(client, world, make):
    from tests.verification.conftest import visit_payload
    from verification.operations import assign_verifier, record_verification
    from verification.schemas import VerificationCreateSchema

    world.ir.verifier.full_name, world.ir.clerk.full_name = "Farhad Gholami", "Soraya Ahmadi"
    claim = _claim(world, make)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    record_verification(claim, VerificationCreateSchema().load(visit_payload()), world.ir.verifier)
    db.session.commit()
    r = client.post(f"/status/{claim.number}?lang=en",
                    data={"csrf_token": csrf_token(client, f"/status/{claim.number}"), "pin": claim.pin})
    page = r.get_data(as_text=True)
    staff = (world.ir.verifier, world.ir.clerk)
    for name in [u.full_name for u in staff] + [u.username for u in staff]:
        assert name not in page
    assert r.status_code == 200 and "Site visit recorded: the loss was confirmed" in page


def test_the_animals_are_listed_with_the_readers_separators(client, world, make):
    """Two loss lines on a Persian status page are set apart by «؛», not a Latin semicolon."""
    owner = make.owner(world.ir.clerk, world.ir.office, preferred_language="fa_AF")
    claim = make.claim(world.ir, owner, lines=[
        {"species": Species.SHEEP, "age_class": AgeClass.ADULT, "outcome": LossOutcome.KILLED, "count": 3},
        {"species": Species.GOAT, "age_class": AgeClass.ADULT, "outcome": LossOutcome.KILLED, "count": 1}])
    db.session.commit()
    page = _ask(client, claim, claim.pin).get_data(as_text=True)
    assert "؛ ۱ × " in page and "; " not in page.split("<dd>", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("code", ["tg", "ckb", "ur"])
def test_a_language_from_the_address_is_kept_when_the_pin_is_sent(client, world, make, code):
    """A Tajik visitor opened /status/IR-…?lang=tg, read the form in Tajik, typed the PIN and got the answer in the
    owner's Persian: the form's address had dropped ?lang=. The number-only form keeps it too."""
    import re

    claim = _claim(world, make)
    form = client.get(f"/status/{claim.number}?lang={code}").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', form).group(1).replace("&amp;", "&")
    page = client.post(action, data={"csrf_token": csrf_token(client, f"/status/{claim.number}"), "pin": claim.pin})
    assert page.status_code == 200 and f'<html lang="{code}"' in page.get_data(as_text=True)
    lookup = client.get(f"/status?lang={code}").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', lookup).group(1).replace("&amp;", "&")
    answer = client.post(action, data={"csrf_token": csrf_token(client, "/status"), "number": claim.number})
    assert f'<html lang="{code}"' in answer.get_data(as_text=True)
