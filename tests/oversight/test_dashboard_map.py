"""The dashboard map: fitted to the viewer's jurisdictions (an Armenian auditor of Syunik sees Syunik fill the frame),
hotspots coloured by verified losses, no tab stops inside the picture, the incidents listed with links beside it."""

from __future__ import annotations

import re

import pytest

from claims.enums import AgeClass, Confidence, LossOutcome, Predator, Species
from claims.operations import submit_claim
from conflict_service.db import db
from oversight import charts
from tests.factories import at
from tests.helpers import login
from verification.enums import VerificationOutcome
from verification.models import Verification, VerifiedLossLine

# Incidents across Syunik province (Armenia's south), from Sisian in the north to Meghri on the Iranian border.
SYUNIK = [(39.52, 46.02), (39.50, 46.35), (39.41, 46.24), (39.30, 46.40), (39.21, 46.40), (39.09, 46.45),
          (38.91, 46.25), (38.96, 46.03), (39.35, 46.10), (39.20, 46.15), (39.45, 45.90), (39.00, 46.35)]


@pytest.fixture
def syunik(world, make):
    am = world.am
    region = make.jurisdiction("SU", "Syunik", parent=am.country)
    office = make.jurisdiction("GOR", "Goris office", parent=region)
    clerk = make.user("clerk", office, username="clerk_goris")
    auditor = make.user("auditor", region, username="auditor_syunik")
    claims = []
    for i, (lat, lon) in enumerate(SYUNIK):
        owner = make.owner(clerk, office)
        claim, _ = submit_claim(make.claim_data(owner, am.programme, incident_lat=lat, incident_lon=lon), clerk)
        heads = 9 if i == 0 else 1  # the first incident is the worst: its cell is the darkest
        db.session.add(Verification(
            claim_id=claim.id, verifier_id=am.verifier.id, visited_at=at(2026, 3, 2), predator=Predator.LEOPARD,
            confidence=Confidence.CONFIRMED, outcome=VerificationOutcome.CONFIRMED,
            lines=[VerifiedLossLine(position=0, species=Species.SHEEP, age_class=AgeClass.ADULT,
                                    outcome=LossOutcome.KILLED, count=heads)]))
        claims.append(claim)
    make.claim(world.am)  # in Armenia's other region: outside the Syunik auditor's scope
    db.session.commit()
    return {"auditor": auditor, "claims": claims}


def _map(html: str) -> str:
    return html.split('<svg class="incident-map"')[1].split("</svg>")[0]


def test_syunik_fills_the_frame_with_its_incidents_spread_out(client, syunik):
    login(client, syunik["auditor"])
    html = client.get("/dashboard").get_data(as_text=True)
    svg = _map(html)
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', html).groups())
    dots = [(float(x), float(y)) for x, y in re.findall(r'<circle class="incident" cx="([\d.]+)" cy="([\d.]+)"', svg)]
    assert len(dots) == len(SYUNIK)  # the other region's incident is not drawn
    xs, ys = [x for x, _ in dots], [y for _, y in dots]
    assert all(0 <= x <= width for x in xs) and all(0 <= y <= height for y in ys)
    assert (max(xs) - min(xs)) / width > 0.55 and (max(ys) - min(ys)) / height > 0.55  # spread over the frame
    assert min(len({round(x / 20) for x in xs}), len({round(y / 20) for y in ys})) >= 6  # not one blob
    assert "Armenia" in svg  # the country under the incidents is drawn and named


def test_hotspots_are_coloured_by_verified_losses(client, syunik):
    login(client, syunik["auditor"])
    svg = _map(client.get("/dashboard").get_data(as_text=True))
    cells = re.findall(r'<rect class="hotspot"[^>]*fill="(#[0-9a-f]{6})"', svg)
    assert len(cells) >= 8
    assert cells.count(charts.HOTSPOT_CLASSES[-1]) == 1  # the one cell with 9 animals is the darkest


def test_map_takes_no_focus_and_the_incidents_are_listed_with_links(client, syunik):
    login(client, syunik["auditor"])
    html = client.get("/dashboard").get_data(as_text=True)
    svg = _map(html)
    assert "<a " not in svg and "tabindex" not in svg and 'focusable="false"' in html.split("incident-map")[1][:300]
    listed = html.split('id="incident-list"')[1].split("</ul>")[0]
    for claim in syunik["claims"]:
        assert f'/claims/{claim.id}"' in listed
    losses = html.split('aria-labelledby="losses-h"')[1][:200]
    assert 'class="chart-scroll" tabindex="0"' in html.split('id="losses-h"')[1][:400] or "tabindex" in losses


def test_fit_keeps_a_lone_incident_in_context():
    frame = charts.fit([(46.0, 39.5)])
    assert frame.east - frame.west >= charts.MIN_SPAN and frame.contains(46.0, 39.5)
    assert charts.fit([]) == charts.RANGE_FRAME


@pytest.mark.parametrize("lang", ["ru", "tg"])
def test_a_persian_village_in_the_latest_incidents_is_set_apart_in_its_own_direction(client, world, make, lang):
    """«IR-DRG-… · 6 дек. 2026 г. · چهل‌میر · Подана»: a right-to-left name among Cyrillic words, not isolated, takes
    its neighbours' separators and numbers into its own run and reorders them."""
    world.ir.manager.preferred_language = lang
    make.claim(world.ir, incident_village="چهل‌میر")
    db.session.commit()
    login(client, world.ir.manager)
    listed = client.get("/dashboard").get_data(as_text=True).split('id="incident-list"')[1].split("</ul>")[0]
    assert " · <bdi>چهل‌میر</bdi> · " in listed
