"""Demo step of field verification: carry the demo claims through assignment, site visits and appeals.

Every change goes through the real operations at a plausible past moment (``clock_at``): assigned within a day
of filing, visited one to three days later. A share is left submitted or under verification — some overdue —
so every state of verification shows in the demo. Some visits attach a generated photo (labelled as a demo
photo) whose EXIF time and GPS sit near the visit, a few of them deliberately far or early.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from claims.enums import Confidence
from claims.states import ClaimState
from conflict_service.timeutil import clock_at, utcnow
from verification import attribution
from verification.evidence import DATETIME_ORIGINAL, EXIF_IFD, GPS_IFD, OFFSET_TIME_ORIGINAL
from verification.operations import assign_verifier, file_appeal, record_verification
from verification.schemas import VerificationCreateSchema

OTHER_PREDATORS = ["wolf", "wolf", "wolf", "bear", "lynx", "jackal", "dog"]
# A claim left waiting for its verifier is one filed in the last weeks: some overdue by days, as offices run, none
# by a year (the home page listed «due 1 Mizan 1403» two years on).
LEFT_WAITING = timedelta(days=40)
REJECTIONS = ["not_depredation", "insufficient_evidence", "insufficient_evidence", "false_claim", "duplicate"]
DISPOSALS = ["buried"] * 10 + ["burned"] * 3 + ["removed"] * 5 + ["left_in_place"] * 2
# What verifiers write, in their office's language.
NOTES = {"IR": ["لاشهٔ تازه؛ ردپا در گل کنار جوی.", "دامدار و یکی از همسایه‌ها هنگام بازدید حاضر بودند.",
                "لاشه تا حدی خورده شده و حدود ۴۰ متر به بالای شیب کشیده شده بود.", "زمین برای ردپا بیش از حد خشک بود.",
                ""],
         "AM": ["Թարմ որս․ հետքեր առվակի մոտ ցեխի մեջ։", "Այցին ներկա էին սեփականատերը և հարևանը։",
                "Դիակը մասամբ կերված է, քարշ է տրված մոտ 40 մ դեպի վեր։", "Հողը չափազանց չոր էր հետքերի համար։", ""],
         "AF": ["لاشه تازه بود؛ رد پا در گِل کنار جوی دیده شد.", "مالدار و یکی از همسایه‌هایش هنگام بازدید حاضر بودند.",
                "لاشه نیم‌خورده بود و حدود ۴۰ متر طرف بالای تپه کش شده بود.", "زمین برای رد پا بسیار خشک بود.", ""]}
# What a Herat verifier writes when the visit rejects the claim.
REJECTION_NOTES = {"AF": ["شواهد کافی برای حملهٔ پلنگ پیدا نشد.", "جای دندان پلنگ در گلو دیده نشد.",
                          "گفته‌های مالدار با گفته‌های همسایه‌ها جور نمی‌آید.", ""]}
REASSIGNMENT = {"IR": "کارشناس اول این هفته در بخش دیگری است.",
                "AM": "Առաջին ստուգողն այս շաբաթ այլ համայնքում է։",
                "AF": "کارشناس ساحوی اول این هفته در ولسوالی دیگری مصروف است."}
APPEAL = {"IR": "دامدار همسایه‌ای را آورد که آن شب پلنگی را کنار آغل دیده بود.",
          "AM": "Սեփականատերը բերեց հարևանին, որն այդ գիշեր ընձառյուծ էր տեսել փարախի մոտ։",
          "AF": "مالدار همسایه‌اش را آورد که همان شب پلنگ را نزدیک آغل دیده بود."}


def load(context: dict) -> None:
    users, now = context["users"], utcnow()
    waiting = sorted((c for c in context["claims"] if c.status == ClaimState.SUBMITTED), key=lambda c: c.filed_at)
    # Herat's claims (``claims.demo.load_herat``) follow with a random sequence of their own, so that the Iranian
    # and Armenian ones are carried exactly as before.
    for country, rng in (("IR", random.Random(context["seed"] + 3)), ("AF", random.Random(context["seed"] + 13))):
        mine = [c for c in waiting if (c.office.country_code == "AF") == (country == "AF")]
        appealable = _recent(mine, now, country)
        for claim in mine:
            _carry(rng, claim, users, now, reject=claim is appealable)


def _recent(claims, now: datetime, country: str):
    """The country's newest claim old enough to have been visited: rejected, so an appeal can be filed in the demo."""
    window = [c for c in claims if c.office.country_code == country and
              timedelta(days=6) < now - c.filed_at < timedelta(days=25)]
    return window[-1] if window else None


def _people(claim, users, rng):
    country = claim.office.country_code
    if country in ("IR", "AF"):
        suffix = country.lower()
        first = users[f"verifier_{suffix}"] if rng.random() < 0.7 else users[f"verifier2_{suffix}"]
        other = users[f"verifier2_{suffix}"] if first is users[f"verifier_{suffix}"] else users[f"verifier_{suffix}"]
        return users[f"clerk_{suffix}"], first, other
    return users["clerk_am"], users["verifier_am"], None


def _carry(rng: random.Random, claim, users, now: datetime, *, reject: bool = False) -> None:
    age = now - claim.filed_at
    roll = rng.random()
    if not reject and ((age < timedelta(days=1) and roll < 0.6) or (age < timedelta(days=3) and roll < 0.3)
                       or (roll < 0.12 and age < LEFT_WAITING)):
        return  # still submitted; the older ones among them are overdue
    clerk, verifier, other = _people(claim, users, rng)
    assigned_at = min(claim.filed_at + timedelta(hours=rng.uniform(1, 20)), now - timedelta(minutes=2))
    with clock_at(assigned_at):
        assign_verifier(claim, {"verifier_id": verifier.id}, clerk)
    if other is not None and rng.random() < 0.06 and assigned_at + timedelta(hours=6) < now:
        with clock_at(assigned_at + timedelta(hours=rng.uniform(2, 6))):
            assign_verifier(claim, {"verifier_id": other.id, "reason": REASSIGNMENT[claim.office.country_code]},
                            clerk)
        verifier, other = other, verifier
    visited_at = assigned_at + timedelta(hours=rng.uniform(20, 70))
    if not reject and (visited_at > now - timedelta(hours=1) or (rng.random() < 0.3 and age < LEFT_WAITING)):
        return  # under verification, overdue once past its due time
    rejected = _visit(rng, claim, verifier, visited_at, now, outcome="rejected" if reject else None)
    if rejected and other is not None and not reject and rng.random() < 0.45:
        _appeal(rng, claim, clerk, other, now)


def _visit(rng: random.Random, claim, verifier, visited_at: datetime, now: datetime, *, outcome=None) -> bool:
    payload, photo = _visit_payload(rng, claim, visited_at, outcome)
    uploads = [(io.BytesIO(photo), f"IMG_{rng.randint(1000, 9999)}.jpg")] if photo else []
    # A demo verifier rates no higher than the programme's evidence rules allow, as a real one must.
    best = attribution.supported(claim.programme, payload, attribution.photos_for(claim) + len(uploads))
    if Confidence(payload["confidence"]).rank > best.rank:
        payload["confidence"] = best.value
    with clock_at(min(visited_at + timedelta(hours=rng.uniform(0.5, 6)), now)):
        record_verification(claim, VerificationCreateSchema().load(payload), verifier, uploads)
    return payload["outcome"] == "rejected"


def _appeal(rng: random.Random, claim, clerk, new_verifier, now: datetime) -> None:
    appealed_at = claim.status_changed_at + timedelta(days=rng.uniform(1, 20))
    if appealed_at > now - timedelta(hours=2):
        return
    assign_now = rng.random() < 0.85
    with clock_at(appealed_at):
        file_appeal(claim, {"reason": APPEAL[claim.office.country_code],
                            "verifier_id": new_verifier.id if assign_now else None}, clerk)
    revisit = appealed_at + timedelta(hours=rng.uniform(24, 60))
    if assign_now and revisit < now - timedelta(hours=1):
        _visit(rng, claim, new_verifier, revisit, now, outcome="confirmed" if rng.random() < 0.55 else "rejected")


def _visit_payload(rng: random.Random, claim, visited_at: datetime, outcome: str | None) -> tuple[dict, bytes | None]:
    predator, outcome, reason = _attribution(rng, outcome)
    country = claim.office.country_code
    notes = REJECTION_NOTES[country] if outcome == "rejected" and country in REJECTION_NOTES else NOTES[country]
    payload = {"visited_at": visited_at.isoformat(), "predator": predator, "outcome": outcome,
               "rejection_reason": reason, "notes": rng.choice(notes)}
    payload["confidence"] = rng.choice(["confirmed", "probable", "probable", "possible"]) if outcome == "confirmed" \
        else rng.choice(["probable", "possible"])
    payload.update(_checklist(rng, predator))
    if claim.incident_lat is not None and rng.random() < 0.85:
        payload["visit_lat"] = round(claim.incident_lat + rng.uniform(-.003, .003), 5)
        payload["visit_lon"] = round(claim.incident_lon + rng.uniform(-.003, .003), 5)
    if rng.random() < 0.1:
        payload["is_in_corral"] = not claim.is_in_corral
    payload["lines"] = _verified_lines(rng, claim) if outcome == "confirmed" else []
    photo = _photo(rng, claim, visited_at) if rng.random() < 0.35 else None
    return payload, photo


def _attribution(rng: random.Random, outcome: str | None) -> tuple[str, str, str | None]:
    if outcome == "confirmed":
        return "leopard", "confirmed", None
    roll = rng.random()
    if outcome == "rejected" or roll > 0.92:
        return "unknown", "rejected", rng.choice(REJECTIONS)
    if roll > 0.82:
        other = rng.choice(OTHER_PREDATORS)
        return (other, "rejected", "other_predator") if rng.random() < 0.75 else (other, "confirmed", None)
    return "leopard", "confirmed", None


def _checklist(rng: random.Random, predator: str) -> dict:
    big_cat = predator in ("leopard", "lynx")
    out = {"has_carcass": rng.random() < 0.85, "has_neck_bites": big_cat and rng.random() < 0.85,
           "has_claw_marks": big_cat and rng.random() < 0.5, "has_drag_marks": rng.random() < (0.6 if big_cat else .2),
           "is_carcass_cached": big_cat and rng.random() < 0.4, "has_tracks": rng.random() < 0.5,
           "has_scat": rng.random() < 0.15, "has_hair": rng.random() < 0.2, "has_camera_trap_image": rng.random() < .08}
    if out["has_neck_bites"]:
        out["canine_spacing_mm"] = rng.randint(33, 48)
    if out["has_carcass"]:
        out["carcass_disposal"] = rng.choice(DISPOSALS)
    return out


def _verified_lines(rng: random.Random, claim) -> list[dict]:
    lines = [{"species": ln.species.value, "age_class": ln.age_class.value, "outcome": ln.outcome.value,
              "count": ln.count} for ln in claim.lines]
    roll = rng.random()
    if roll < 0.12 and lines[0]["count"] > 1:
        lines[0]["count"] -= 1  # one animal was found alive, or died of something else
    elif roll < 0.17:
        lines[0]["count"] += 1
    return lines


def _photo(rng: random.Random, claim, visited_at: datetime) -> bytes:
    """A generated stand-in for a field photo, clearly labelled, with EXIF time and GPS like a phone's."""
    img = Image.new("RGB", (800, 600))
    draw = ImageDraw.Draw(img)
    for y in range(600):
        sky = y < 330
        draw.line([(0, y), (800, y)], fill=(150 + y // 6, 185 + y // 8, 215) if sky else (120 - y // 12, 98, 60))
    x, y = rng.randint(200, 520), rng.randint(400, 470)
    draw.ellipse([x, y, x + 180, y + 70], fill=(226, 218, 200), outline=(90, 70, 50), width=3)
    draw.text((24, 24), f"Demo photo · {claim.number}", fill=(20, 20, 20), font=ImageFont.load_default(size=30))
    exif = Image.Exif()
    taken = visited_at + timedelta(minutes=rng.uniform(5, 50))
    if rng.random() < 0.06:
        taken = claim.incident_at - timedelta(days=rng.uniform(20, 200))  # an old photo: flagged on the claim page
    local = taken.astimezone(ZoneInfo(claim.office.timezone))
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = local.strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(EXIF_IFD)[OFFSET_TIME_ORIGINAL] = local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    if claim.incident_lat is not None:
        far = 0.2 if rng.random() < 0.06 else 0.0  # about 20 km away: flagged
        _gps(exif, claim.incident_lat + far + rng.uniform(-.002, .002), claim.incident_lon + rng.uniform(-.002, .002))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70, exif=exif)
    return out.getvalue()


def _gps(exif: Image.Exif, lat: float, lon: float) -> None:
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 2)
