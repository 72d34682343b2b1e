"""Every time a page shows is on a named wall clock: never UTC's without saying so."""

import re
from datetime import UTC, datetime
from pathlib import Path

from conflict_service.auth import field_credentials
from conflict_service.db import db
from conflict_service.timeutil import clock_at
from tests.helpers import login

ROOT = Path(__file__).resolve().parents[2]
SHOWN_AT = re.compile(r"\|\s*(datetime|when)\b(\([^)]*\))?")


def test_every_time_in_a_template_is_on_a_named_clock():
    """A ``|datetime`` without a zone shows UTC's wall clock unnamed: «۱۶ قوس ۱۴۰۵ ۴:۲۱» on a Herat verifier's
    profile was 08:51 in Kabul. Each one gives the zone it is read in (``tz=``) or names UTC (``with_zone=True``)."""
    unnamed = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")) + sorted(ROOT.glob("*/*/templates/**/*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for found in SHOWN_AT.finditer(line):
                arguments = found.group(2) or ""
                if "tz=" not in arguments and "with_zone=True" not in arguments and "``" not in line:
                    unnamed.append(f"{path.relative_to(ROOT)}:{number}: {found.group(0)}")
    assert not unnamed, unnamed


def test_a_device_is_listed_with_the_time_on_its_owners_clock(client, world):
    verifier = world.ir.verifier
    with clock_at(datetime(2026, 6, 1, 8, 0, tzinfo=UTC)):
        field_credentials.create(verifier, {"label": "Samsung A14"}, verifier)
    verifier.preferred_language = "en"
    db.session.commit()
    login(client, verifier)
    page = client.get("/profile").get_data(as_text=True)
    devices = page.split('id="field-devices"')[1]
    assert "11:30" in devices and "08:00" not in devices and "8:00" not in devices  # Tehran is GMT+03:30
    assert "Times are local to the office (Tehran, GMT+03:30)." in devices
