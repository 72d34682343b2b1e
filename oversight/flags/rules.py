"""The anomaly rules of DESIGN §6: a registry of named detectors, each one SQL query over a set of claims.

A detector takes ``targets`` (a SELECT of claim ids) and returns ``{claim_id: details}`` for the claims it flags;
``details`` is plain JSON kept with the flag and described in the reader's language when shown. The same
detector serves one claim (its page) and every open claim (the review queue, ``flask flags scan``): the cost is
one query per rule whatever the number of claims. Distances are computed in Python on the rows a query returns,
because SQLite has no trigonometry; aggregates (counts, rates) stay in SQL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import ngettext
from sqlalchemy.orm import aliased

from claims.enums import Species
from claims.models import Claim, LossLine, Owner, Programme
from claims.queries import ID_SEPARATORS, head_count_in_force, id_digits
from claims.states import ClaimState
from claims.years import year_bounds
from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.i18n import (
    format_date,
    format_number,
    isolate,
    join_list,
    native_digits,
    plain_number,
    semicolon,
)
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.jurisdictions.queries import office_ids_select, tree
from conflict_service.timeutil import day_start, local_date
from insurance.models import Policy
from oversight.sql import dates_apart
from verification.enums import CarcassDisposal, EvidenceKind, VerificationOutcome
from verification.geo import distance_km
from verification.models import PHOTO_EARLY_HOURS, PHOTO_FAR_KM, EvidenceFile, Verification

# Thresholds (DESIGN §6 where it names them; the others chosen here and documented in the README).
DUPLICATE_WINDOW_DAYS = 2       # same owner and species, incidents at most this many days apart
ENROLMENT_WINDOW_DAYS = 14      # incident at most this many days after the owner enrolled in the scheme
FAR_FROM_HOME_KM = 25.0         # incident farther than this from the owner's registered home
# A photo taken more than PHOTO_EARLY_HOURS (24 h) before the incident, or more than PHOTO_FAR_KM (5 km) from it by
# its EXIF GPS: the thresholds of the verification page's photo warnings, so both say the same thing.
SHARED_ID_MAX_OWNERS = 10       # a national ID on more owners than this is a placeholder typed for unknown IDs (000…)
OUTLIER_MIN_VERIFICATIONS = 10  # a verifier's and their peers' site visits in the programme before rates compare
OUTLIER_Z = 2.5                 # |z| of the two-proportion test (verifier vs. the pooled rate of their peers)

NOT_COUNTED = (ClaimState.WITHDRAWN,)  # withdrawn claims are neither duplicates nor counted towards the yearly limit


@dataclass(frozen=True)
class Rule:
    code: str
    title: object  # lazy string
    detect: Callable[[sa.Select], dict[int, dict]]
    describe: Callable[[dict], str]


RULES: dict[str, Rule] = {}


def rule(code: str, title, describe: Callable[[dict], str]):
    def register(detect):
        RULES[code] = Rule(code, title, detect, describe)
        return detect
    return register


def describe(code: str, details: dict) -> str:
    found = RULES.get(code)
    return found.describe(_localised(details)) if found else code


def _localised(value, key: str = ""):
    """Numbers in a flag's details written in the reader's digits (۲ in Persian), years without grouping."""
    if isinstance(value, bool):
        return value
    if key == "year":
        return native_digits(str(value))
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, dict):
        return {k: _localised(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_localised(v) for v in value]
    return value


def titles() -> list[tuple[str, str]]:
    return [(r.code, str(r.title)) for r in RULES.values()]


def _species(code: str) -> str:
    return str(Species(code).title) if code in Species._value2member_map_ else code


def _numbers(details: dict) -> str:
    """The other claims a flag names, as far as the reader may see them: a manager of one region is told how many
    claims of another region share the photo, not their numbers (the flag is raised country-wide)."""
    numbers = details.get("claims", [])
    shown = _visible_numbers(numbers)
    words = [isolate(n) for n in numbers if n in shown]
    if hidden := len(numbers) - len(words):
        words.append(ngettext("%(count)s claim outside your jurisdictions",
                              "%(count)s claims outside your jurisdictions", hidden, count=format_number(hidden)))
    return join_list(words)


def _visible_numbers(numbers: list[str]) -> set[str]:
    user = g.get("user") if has_request_context() else None
    if user is None or not numbers:  # the command line acts for the whole installation
        return set(numbers)
    stmt = sa.select(Claim.number).where(Claim.number.in_(numbers), Claim.office_id.in_(office_ids_select(user)))
    return set(db.session.scalars(stmt))


# --- the rules ----------------------------------------------------------------------------------------------

@rule("possible_duplicate", L_("Possible duplicate"),
      lambda d: ngettext("Same owner and species, incident within %(days)s day: %(claims)s.",
                         "Same owner and species, incident within %(days)s days: %(claims)s.", DUPLICATE_WINDOW_DAYS,
                         days=format_number(DUPLICATE_WINDOW_DAYS), claims=_numbers(d)))
def possible_duplicate(targets: sa.Select) -> dict[int, dict]:
    other, mine, theirs = aliased(Claim), aliased(LossLine), aliased(LossLine)
    same_species = (sa.select(1).select_from(mine).join(theirs, theirs.species == mine.species)
                    .where(mine.claim_id == Claim.id, theirs.claim_id == other.id).exists())
    stmt = (sa.select(Claim.id, other.number).join(other, sa.and_(
        other.owner_id == Claim.owner_id, other.id != Claim.id, other.status.not_in(NOT_COUNTED),
        sa.func.abs(dates_apart(other.incident_date, Claim.incident_date)) <= DUPLICATE_WINDOW_DAYS))
        .where(Claim.id.in_(targets), same_species).order_by(Claim.id, other.number))
    return _grouped(db.session.execute(stmt), "claims")


@rule("loss_exceeds_herd", L_("Loss larger than the registered herd"),
      lambda d: semicolon().join(_("{species}: {lost} claimed, {herd} registered").format(
          lost=line["lost"], herd=line["herd"], species=_species(line["species"])) for line in d["lines"]))
def loss_exceeds_herd(targets: sa.Select) -> dict[int, dict]:
    lost = (sa.select(LossLine.claim_id, LossLine.species, sa.func.sum(LossLine.count).label("lost"))
            .where(LossLine.claim_id.in_(targets)).group_by(LossLine.claim_id, LossLine.species).subquery())
    # the count in force on the incident date: a count raised after the incident does not clear the flag
    herd = sa.func.coalesce(head_count_in_force(Claim.owner_id, lost.c.species, Claim.incident_date), 0)
    inner = (sa.select(lost.c.claim_id, lost.c.species, lost.c.lost, herd.label("herd"))
             .join(Claim, Claim.id == lost.c.claim_id).subquery())
    stmt = sa.select(inner).where(inner.c.lost > inner.c.herd).order_by(inner.c.claim_id, inner.c.species)
    out: dict[int, dict] = defaultdict(lambda: {"lines": []})
    for claim_id, species, count, head in db.session.execute(stmt):
        out[claim_id]["lines"].append({"species": str(species.value if hasattr(species, "value") else species),
                                       "lost": int(count), "herd": int(head)})
    return dict(out)


@rule("soon_after_enrolment", L_("Claim soon after insurance enrolment"),
      lambda d: ngettext("Incident %(days)s day after policy %(policy)s was taken out (within %(window)s days).",
                         "Incident %(days)s days after policy %(policy)s was taken out (within %(window)s days).",
                         int(plain_number(d["days"])),  # the details are in the reader's digits
                         days=d["days"], policy=d["policy"], window=format_number(ENROLMENT_WINDOW_DAYS)))
def soon_after_enrolment(targets: sa.Select) -> dict[int, dict]:
    gap = dates_apart(Policy.enrolled_on, Claim.incident_date)
    stmt = (sa.select(Claim.id, Policy.number, gap).join(Policy, sa.and_(
        Policy.owner_id == Claim.owner_id, Policy.programme_id == Claim.programme_id))
        .where(Claim.id.in_(targets), gap >= 0, gap <= ENROLMENT_WINDOW_DAYS).order_by(Claim.id, gap))
    out: dict[int, dict] = {}
    for claim_id, number, days in db.session.execute(stmt):
        out.setdefault(claim_id, {"policy": number, "days": int(days)})
    return out


@rule("too_many_claims", L_("More claims in a year than the programme allows"),
      lambda d: ngettext("%(count)s claim by this owner with an incident in %(year)s; the programme allows %(limit)s.",
                         "%(count)s claims by this owner with incidents in %(year)s; the programme allows %(limit)s.",
                         int(plain_number(d["count"])),  # the details are in the reader's digits
                         count=d["count"], year=d["year"], limit=d["limit"]))
def too_many_claims(targets: sa.Select) -> dict[int, dict]:
    """Counted in each programme's own year (DESIGN §3): 1404 from Nowruz 2025 for an Iranian programme, not 2025."""
    limited = sa.select(Programme).where(Programme.max_claims_per_year.is_not(None))
    programmes = {p.id: p for p in db.session.scalars(limited.where(Programme.id.in_(
        sa.select(Claim.programme_id).where(Claim.id.in_(targets)))))}
    if not programmes:
        return {}
    owners = sa.select(Claim.owner_id).where(Claim.id.in_(targets))
    rows = db.session.execute(sa.select(Claim.id, Claim.owner_id, Claim.programme_id, Claim.incident_date,
                                        Claim.status.not_in(NOT_COUNTED)).where(
        Claim.owner_id.in_(owners), Claim.programme_id.in_(list(programmes)))).all()
    counts: dict[tuple, int] = defaultdict(int)
    year_of = {}
    for cid, owner_id, programme_id, day, counted in rows:
        year_of[cid] = (owner_id, programme_id, year_bounds(programmes[programme_id], day).label)
        counts[year_of[cid]] += counted
    wanted = set(db.session.scalars(sa.select(Claim.id).where(Claim.id.in_(targets))))
    return {cid: {"count": counts[key], "year": key[2], "limit": programmes[key[1]].max_claims_per_year}
            for cid, key in year_of.items() if cid in wanted and counts[key] > programmes[key[1]].max_claims_per_year}


@rule("far_from_home", L_("Incident far from the owner's home"),
      lambda d: _("The incident was {km} km from the owner's home (more than {limit} km).").format(
          limit=format_number(int(FAR_FROM_HOME_KM)), **d))
def far_from_home(targets: sa.Select) -> dict[int, dict]:
    stmt = (sa.select(Claim.id, Claim.incident_lat, Claim.incident_lon, Owner.home_lat, Owner.home_lon)
            .join(Owner, Owner.id == Claim.owner_id)
            .where(Claim.id.in_(targets), Claim.incident_lat.is_not(None), Owner.home_lat.is_not(None)))
    out = {}
    for claim_id, lat, lon, home_lat, home_lon in db.session.execute(stmt):
        km = distance_km(lat, lon, home_lat, home_lon)
        if km is not None and km > FAR_FROM_HOME_KM:
            out[claim_id] = {"km": round(km, 1)}
    return out


@rule("carcass_left", L_("Carcass left in place"),
      lambda d: _("The site visit on {date} left the carcass in place and no disposal has been recorded since: it "
                  "may be poisoned in revenge and kill leopards.").format(date=format_date(date.fromisoformat(
                      d["visited_on"]))))
def carcass_left(targets: sa.Select) -> dict[int, dict]:
    """Until a disposal is recorded (``verification.operations.record_carcass_disposal``), which clears it."""
    stmt = (sa.select(Verification.claim_id, sa.func.min(Verification.visited_at), Claim.office_id)
            .join(Claim, Claim.id == Verification.claim_id)
            .where(Verification.claim_id.in_(targets), Verification.carcass_disposal == CarcassDisposal.LEFT_IN_PLACE,
                   Verification.carcass_disposed_on.is_(None))
            .group_by(Verification.claim_id, Claim.office_id))
    offices = tree().by_id
    return {claim_id: {"visited_on": local_date(visited, offices[office_id].timezone).isoformat()}
            for claim_id, visited, office_id in db.session.execute(stmt)}


@rule("shared_photo", L_("The same photo on another claim"),
      lambda d: _("A file identical to one on this claim (same SHA-256) is also on {claims}.").format(
          claims=_numbers(d)))
def shared_photo(targets: sa.Select) -> dict[int, dict]:
    """Only claims of the same country count: a flag must not name, or reveal, a claim of another country."""
    mine, theirs, mine_claim = aliased(EvidenceFile), aliased(EvidenceFile), aliased(Claim)
    stmt = (sa.select(mine.claim_id, mine_claim.office_id, Claim.office_id, Claim.number).distinct()
            .join(theirs, sa.and_(theirs.sha256 == mine.sha256, theirs.claim_id != mine.claim_id))
            .join(Claim, Claim.id == theirs.claim_id).join(mine_claim, mine_claim.id == mine.claim_id)
            .where(mine.claim_id.in_(targets)).order_by(mine.claim_id, Claim.number))
    country = _country_finder()
    return _grouped(((claim_id, number) for claim_id, my_office, their_office, number in db.session.execute(stmt)
                     if country(my_office) == country(their_office)), "claims")


@rule("shared_national_id", L_("National ID shared with another owner"),
      lambda d: _("The owner's national ID is also registered for {owners}.").format(owners=_owners(d)))
def shared_national_id(targets: sa.Select) -> dict[int, dict]:
    """The same household registered twice (two offices, two spellings) gets two household caps and escapes the
    duplicate-claim flag, which compares owners; registering refuses it only at the clerk's own offices. Compared
    by the national ID's digits (whatever separates them), among owners of the same country."""
    digits = sa.func.translate(Owner.national_id, ID_SEPARATORS, "")
    shared = list(db.session.scalars(sa.select(digits).where(Owner.national_id.is_not(None), digits != "")
                                     .group_by(digits).having(sa.func.count().between(2, SHARED_ID_MAX_OWNERS))))
    if not shared:  # as a rule: one query, and the pairs below only among the few IDs shared at all
        return {}
    mine, theirs = aliased(Owner), aliased(Owner)
    my_digits, their_digits = (sa.func.translate(o.national_id, ID_SEPARATORS, "") for o in (mine, theirs))
    stmt = (sa.select(Claim.id, mine.office_id, theirs.office_id, theirs.id).join(mine, mine.id == Claim.owner_id)
            .join(theirs, sa.and_(their_digits == my_digits, theirs.id != mine.id))
            .where(Claim.id.in_(targets), my_digits.in_(shared)).order_by(Claim.id, theirs.id))
    country = _country_finder()
    return _grouped(((claim_id, str(owner_id)) for claim_id, my_office, their_office, owner_id
                     in db.session.execute(stmt) if country(my_office) == country(their_office)), "owners")


@rule("same_name_elsewhere", L_("Same name and village at another office"),
      lambda d: _("An owner of the same name and village is also registered at another office: {owners}. If they "
                  "are one household, merge the two records.").format(owners=_owners(d, where="office")))
def same_name_elsewhere(targets: sa.Select) -> dict[int, dict]:
    """The household without a national ID (common where few have one) registered at two offices of a country:
    registering refuses the same name in the same village only at the clerk's own offices, and
    ``shared_national_id`` needs an ID. Compared as a search compares names («علي» is «علی»: ``Owner.twin_key``,
    indexed); owners whose national IDs are both known and differ are two households, and a name and village on more
    than ``SHARED_ID_MAX_OWNERS`` owners (a common name in a big village) are not compared."""
    mine, theirs = aliased(Owner), aliased(Owner)
    stmt = (sa.select(Claim.id, mine.office_id, mine.national_id, mine.twin_key, theirs.id, theirs.office_id,
                      theirs.national_id)
            .join(mine, mine.id == Claim.owner_id)
            .join(theirs, sa.and_(theirs.twin_key == mine.twin_key, theirs.office_id != mine.office_id))
            .where(Claim.id.in_(targets)).order_by(Claim.id, theirs.id))
    rows = db.session.execute(stmt).all()
    if not rows:  # a claim's page: one look-up in the index, nothing more
        return {}
    crowded = set(db.session.scalars(sa.select(Owner.twin_key).where(Owner.twin_key.in_({row[3] for row in rows}))
                                     .group_by(Owner.twin_key).having(sa.func.count() > SHARED_ID_MAX_OWNERS)))
    country = _country_finder()
    return _grouped(((claim_id, str(other)) for claim_id, office_id, my_id, key, other, their_office, their_id in rows
                     if key not in crowded and country(their_office) == country(office_id)
                     and not _two_ids(my_id, their_id)), "owners")


def _two_ids(mine: str | None, theirs: str | None) -> bool:
    """Both national IDs known and different (their digits): two households of one name."""
    digits = id_digits(mine), id_digits(theirs)
    return all(digits) and digits[0] != digits[1]


def _owners(details: dict, where: str = "village") -> str:
    """The other owners a flag names (kept as ids), as far as the reader may see them (see :func:`_numbers`), each
    with their village, or with their office where the village is the same."""
    ids = [int(plain_number(i)) for i in details.get("owners", [])]
    stmt = sa.select(Owner.id, Owner.name, Owner.village, Owner.office_id).where(Owner.id.in_(ids))
    user = g.get("user") if has_request_context() else None
    if user is not None:
        stmt = stmt.where(Owner.office_id.in_(office_ids_select(user)))
    offices = tree().by_id
    shown = {owner_id: f"{name} ({village if where == 'village' else offices[office_id].local_name})"
             for owner_id, name, village, office_id in db.session.execute(stmt)}
    words = [isolate(shown[i]) for i in ids if i in shown]
    if hidden := len(ids) - len(words):
        words.append(ngettext("%(count)s owner outside your jurisdictions",
                              "%(count)s owners outside your jurisdictions", hidden, count=format_number(hidden)))
    return join_list(words)


def _country_finder() -> Callable[[int], int]:
    t, found = tree(), {}

    def country(office_id: int) -> int:
        if office_id not in found:
            found[office_id] = (t.ancestors(office_id) or [office_id])[-1]
        return found[office_id]
    return country


def _photo_text(d: dict) -> str:
    parts = []
    for p in d["photos"]:
        if p.get("hours_before") is not None:
            parts.append(ngettext("%(name)s: taken %(hours)s hour before the incident",
                                  "%(name)s: taken %(hours)s hours before the incident",
                                  int(plain_number(p["hours_before"])),  # the details are in the reader's digits
                                  name=p["name"], hours=p["hours_before"]))
        if p.get("km") is not None:
            parts.append(_("{name}: taken {km} km from the incident").format(name=p["name"], km=p["km"]))
    return semicolon().join(parts)


@rule("photo_mismatch", L_("Photo taken long before the incident or far from it"), _photo_text)
def photo_mismatch(targets: sa.Select) -> dict[int, dict]:
    stmt = (sa.select(EvidenceFile.claim_id, EvidenceFile.display_name, EvidenceFile.sha256,
                      EvidenceFile.exif_taken_at, EvidenceFile.exif_lat, EvidenceFile.exif_lon, Claim.incident_at,
                      Claim.incident_lat, Claim.incident_lon, Claim.incident_date, Jurisdiction.timezone)
            .join(Claim, Claim.id == EvidenceFile.claim_id).join(Jurisdiction, Jurisdiction.id == Claim.office_id)
            .where(EvidenceFile.claim_id.in_(targets), EvidenceFile.kind == EvidenceKind.PHOTO,
                   sa.or_(EvidenceFile.exif_taken_at.is_not(None), EvidenceFile.exif_lat.is_not(None)))
            .order_by(EvidenceFile.claim_id, EvidenceFile.id))
    out: dict[int, dict] = {}
    for cid, name, sha, taken, lat, lon, incident_at, ilat, ilon, day, tz in db.session.execute(stmt):
        incident = incident_at or day_start(day, tz)  # a time not known: from the start of the day
        hours = (incident - taken).total_seconds() / 3600 if taken else None
        km = distance_km(lat, lon, ilat, ilon)
        early, far = hours is not None and hours > PHOTO_EARLY_HOURS, km is not None and km > PHOTO_FAR_KM
        if early or far:
            out.setdefault(cid, {"photos": []})["photos"].append({
                "name": name or f"{sha[:12]}…", "hours_before": round(hours) if early else None,
                "km": round(km, 1) if far else None})
    return out


@rule("verifier_outlier", L_("Verifier's confirmation rate is unusual"),
      lambda d: _("Site visits by {verifier} in this programme: {visits}, confirmed: {rate}%; "
                  "their peers: {peers_rate}% (z = {z}).").format(**d))
def verifier_outlier(targets: sa.Select) -> dict[int, dict]:
    outliers = _outlying_verifiers(sa.select(Claim.programme_id).where(Claim.id.in_(targets)))
    if not outliers:
        return {}
    stmt = (sa.select(Claim.id, Claim.programme_id, Verification.verifier_id, User.full_name, User.username)
            .join(Verification, Verification.claim_id == Claim.id).join(User, User.id == Verification.verifier_id)
            .where(Claim.id.in_(targets)).order_by(Claim.id, Verification.round.desc()))
    out = {}
    for claim_id, programme_id, verifier_id, full_name, username in db.session.execute(stmt):
        found = outliers.get((programme_id, verifier_id))
        if found and claim_id not in out:
            out[claim_id] = {"verifier": full_name or username, **found}
    return out


def _outlying_verifiers(programmes: sa.Select) -> dict[tuple[int, int], dict]:
    """Per programme, the verifiers whose confirmation rate stands out from the pooled rate of the ordinary others.

    Counts come from one GROUP BY; the test is a two-proportion z-test with the pooled rate, applied only when
    the verifier and their peers each have at least OUTLIER_MIN_VERIFICATIONS visits. The peers exclude any
    verifier who is an outlier: the most extreme verifier against the others still in the pool is set aside,
    one at a time, while one reaches |z| ≥ OUTLIER_Z. One extreme peer therefore cannot drag the pool so far
    that ordinary verifiers look unusual (with three verifiers, the two ordinary ones are compared with each
    other, and the extreme one with the two of them).
    """
    confirmed = sa.func.sum(sa.case((Verification.outcome == VerificationOutcome.CONFIRMED, 1), else_=0))
    stmt = (sa.select(Claim.programme_id, Verification.verifier_id, sa.func.count().label("n"), confirmed)
            .join(Claim, Claim.id == Verification.claim_id).where(Claim.programme_id.in_(programmes))
            .group_by(Claim.programme_id, Verification.verifier_id))
    counts: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for p, v, n, c in db.session.execute(stmt):
        counts[p][v] = (int(n), int(c))
    out = {}
    for p, verifiers in counts.items():
        for v, found in _set_aside(verifiers).items():
            out[(p, v)] = found
    return out


def _set_aside(verifiers: dict[int, tuple[int, int]]) -> dict[int, dict]:
    """The outliers of one programme (verifier → visits, confirmed), each with its figures against the pool of
    the verifiers who are not outliers."""
    ordinary, outliers = dict(verifiers), {}
    while len(ordinary) > 1:
        scores = {v: _against(v, n, c, ordinary) for v, (n, c) in ordinary.items()}
        scored = [(abs(z), v) for v, (z, _found) in scores.items() if z is not None]
        if not scored:
            break
        worst = max(scored)[0]
        if worst < OUTLIER_Z:
            break
        for z, v in scored:
            if z == worst:  # two verifiers alone differ from each other by the same z: both are shown
                outliers[v] = scores[v][1]
                del ordinary[v]
    return outliers


def _against(verifier: int, n: int, c: int, pool: dict[int, tuple[int, int]]) -> tuple[float | None, dict]:
    """The z of ``verifier`` against the pooled rate of the others in ``pool``, and the figures the flag shows."""
    peers_n = sum(pn for v, (pn, _pc) in pool.items() if v != verifier)
    peers_c = sum(pc for v, (_pn, pc) in pool.items() if v != verifier)
    z = _z_score(n, c, peers_n, peers_c)
    if z is None:
        return None, {}
    return z, {"visits": n, "rate": round(100 * c / n), "peers_rate": round(100 * peers_c / peers_n),
               "z": round(z, 1)}


def _z_score(n: int, c: int, peers_n: int, peers_c: int) -> float | None:
    if n < OUTLIER_MIN_VERIFICATIONS or peers_n < OUTLIER_MIN_VERIFICATIONS:
        return None
    pooled = (c + peers_c) / (n + peers_n)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / peers_n))
    return None if spread == 0 else (c / n - peers_c / peers_n) / spread


def _grouped(rows, key: str) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for claim_id, value in rows:
        out.setdefault(claim_id, {key: []})[key].append(value)
    return out
