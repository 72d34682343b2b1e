"""Demo step of mitigation: measures at about half the demo households, inspections, guardian dogs.

Everything goes through the real operations, each at a plausible moment in the past, so the history reads
as it would have happened. Some measures are overdue for inspection, some failed or were abandoned, and
some dogs are overdue for a vaccine.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from conflict_service.timeutil import clock_at, local_date, to_utc, utcnow
from mitigation.enums import DogSex, MeasureKind, MeasureStatus, VaccineKind
from mitigation.operations import create_measure, record_inspection, record_vaccination

K = MeasureKind
# (kind, weight, cost range in whole currency units) per office; costs are typical local prices.
PLANS = {
    "IR-RKH-DRG": {"share": 0.5, "clerk": "clerk_ir", "inspectors": ["verifier_ir", "verifier2_ir", "clerk_ir"],
                   "currency": "IRR", "funders": ["صندوق حفاظت", "برنامهٔ عمران ملل متحد", "ادارهٔ کل حفاظت محیط زیست"],
                   "kinds": [(K.PREDATOR_PROOF_CORRAL, 5, (250_000_000, 450_000_000)),
                             (K.GUARDIAN_DOG, 3, (30_000_000, 60_000_000)), (K.FOXLIGHT, 2, (12_000_000, 20_000_000)),
                             (K.TRAINING, 1, (4_000_000, 6_000_000))]},
    "AM-SU-KPN": {"share": 0.45, "clerk": "clerk_am", "inspectors": ["verifier_am", "clerk_am"], "currency": "AMD",
                  "funders": ["Պահպանության հիմնադրամ", "ՄԱԶԾ", "Կովկասի բնության հիմնադրամ"],
                  "kinds": [(K.PREDATOR_PROOF_CORRAL, 3, (600_000, 1_200_000)),
                            (K.ELECTRIC_FENCE, 2, (250_000, 400_000)), (K.GUARDIAN_DOG, 3, (60_000, 100_000)),
                            (K.PROTECTIVE_COLLAR, 1, (10_000, 20_000))]},
    "AF-HRT-HRC": {"share": 0.5, "clerk": "clerk_af", "inspectors": ["verifier_af", "verifier2_af", "clerk_af"],
                   "currency": "AFN", "funders": ["ادارهٔ ملی حفاظت محیط زیست", "برنامهٔ انکشافی ملل متحد",
                                                  "انجمن حفاظت حیات وحش"],
                   "kinds": [(K.PREDATOR_PROOF_CORRAL, 5, (40_000, 90_000)), (K.GUARDIAN_DOG, 3, (6_000, 12_000)),
                             (K.FOXLIGHT, 2, (2_000, 4_000)), (K.TRAINING, 1, (1_000, 2_000))]},
}
VACCINATION_PATTERNS = ["yearly", "lapsed", "yearly", "none", "yearly", "lapsed"]  # dog after dog
DOG_NAMES = {"IR": ["سردار", "شیرین", "زنگی", "اصلان", "بختیار", "چالنگ", "قره‌قاش", "شیری"],
             "AM": ["Գամփռ", "Բոբիկ", "Ասլան", "Զանգի", "Շերի", "Սարդար"],
             "AF": ["شیرو", "بهادر", "پهلوان", "جنگی", "ببرک", "سیاهک"]}
SITES = {"IR": ["", "قشلاق", "چادر ییلاق", "کنار خانه"], "AM": ["", "ձմեռանոց", "ամառային արոտի ճամբար", "տան մոտ"],
         "AF": ["", "آغل زمستانی", "ییلاق", "پهلوی خانه"]}
FINDINGS = [(MeasureStatus.GOOD, 60), (MeasureStatus.NEEDS_REPAIR, 20), (MeasureStatus.FAILED, 12),
            (MeasureStatus.ABANDONED, 8)]


def load(context: dict) -> None:
    patterns = itertools.cycle(VACCINATION_PATTERNS)
    rng = random.Random(context["seed"] + 6)
    users, now = context["users"], utcnow()
    measures = []
    for office_code, owners in context["owners"].items():
        plan = PLANS.get(office_code)
        if plan is None:
            continue
        if office_code.startswith("AF"):  # the Herat office's own sequence: Iran's and Armenia's stay as they were
            rng = random.Random(context["seed"] + 16)
        for owner in rng.sample(owners, round(len(owners) * plan["share"])):
            for kind in _kinds(rng, plan):
                measures.append(_install(rng, owner, kind, plan, users, now, patterns))
    context["measures"] = measures


def _kinds(rng: random.Random, plan) -> list[MeasureKind]:
    kinds = [k for k, _w, _c in plan["kinds"]]
    weights = [w for _k, w, _c in plan["kinds"]]
    first = rng.choices(kinds, weights=weights)[0]
    second = rng.choices(kinds, weights=weights)[0] if rng.random() < 0.3 else first
    return [first] if second == first else [first, second]


def _money(rng: random.Random, low: int, high: int, currency: str) -> Decimal:
    step = 1_000_000 if currency == "IRR" else 1_000  # quoted in round figures
    return Decimal(rng.randrange(low // step, high // step + 1) * step)


def _install(rng, owner, kind, plan, users, now, patterns):
    tz = owner.office.timezone
    moment = now - timedelta(days=rng.uniform(40, 720))
    cost = _money(rng, *next(c for k, _w, c in plan["kinds"] if k == kind), plan["currency"])
    share = (cost * Decimal(rng.choice([0, 10, 15, 20, 25])) / 100).quantize(Decimal(1))
    data = {"owner_id": owner.id, "kind": kind, "installed_on": local_date(moment, tz),
            "site": rng.choice(SITES[owner.office.country_code]),
            "lat": owner.home_lat, "lon": owner.home_lon, "cost": cost, "currency": plan["currency"],
            "funder": rng.choice(plan["funders"]), "owner_contribution": share, "notes": ""}
    if kind == K.GUARDIAN_DOG:
        data["dog"] = {"name": rng.choice(DOG_NAMES[owner.office.country_code]), "sex": rng.choice(list(DogSex)),
                       "birth_year": local_date(moment, tz).year - rng.randint(0, 3)}
    with clock_at(moment):
        measure = create_measure(data, users[plan["clerk"]])
    _inspect(rng, measure, plan, users, moment, now)
    if measure.dog is not None:
        _vaccinate(rng, measure.dog, users[plan["clerk"]], moment, now, next(patterns))
    return measure


def _inspect(rng, measure, plan, users, installed, now) -> None:
    """Visits every 5 to 14 months; some measures are never visited, a few are found failed or abandoned."""
    moment = installed + timedelta(days=rng.uniform(120, 420))
    while moment < now - timedelta(days=3) and rng.random() < 0.8:
        status = rng.choices([s for s, _w in FINDINGS], weights=[w for _s, w in FINDINGS])[0]
        inspector = users[rng.choice(plan["inspectors"])]
        day = local_date(moment, measure.owner.office.timezone)
        with clock_at(to_utc(datetime.combine(day, time(10, 0)), measure.owner.office.timezone)):
            record_inspection(measure, {"inspected_on": day, "status": status,
                                        "notes": _note(rng, status, measure.owner.office.country_code)}, inspector)
        if status == MeasureStatus.ABANDONED:
            return
        moment += timedelta(days=rng.uniform(150, 420))


def _vaccinate(rng, dog, clerk, installed, now, pattern: str) -> None:
    """``yearly`` doses until now; ``lapsed``: one dose, never repeated; ``none``: never vaccinated."""
    moment = installed + timedelta(days=rng.uniform(0, 30))
    while pattern != "none" and moment < now:
        day = local_date(moment, dog.measure.owner.office.timezone)
        with clock_at(moment):
            record_vaccination(dog, {"kind": VaccineKind.RABIES, "given_on": day, "notes": ""}, clerk)
            if rng.random() < 0.6:
                record_vaccination(dog, {"kind": VaccineKind.DISTEMPER_PARVOVIRUS, "given_on": day, "notes": ""},
                                   clerk)
        if pattern == "lapsed":
            return
        moment += timedelta(days=rng.uniform(330, 360))


def _note(rng, status: MeasureStatus, country: str = "IR") -> str:
    return rng.choice({"AM": ARMENIAN_NOTES, "AF": DARI_NOTES}.get(country, PERSIAN_NOTES)[status])


PERSIAN_NOTES = {
    MeasureStatus.GOOD: ["دیوارها و در سالم است.", "همان‌طور که باید کار می‌کند.", ""],
    MeasureStatus.NEEDS_REPAIR: ["لولای در شکسته؛ دامدار تعمیر می‌کند.", "توری در سمت شمال پاره شده.",
                                 "باتری ضعیف است."],
    MeasureStatus.FAILED: ["سقف پس از برف فروریخت.", "سیم حصار دزدیده شد.", "چراغ دیگر چشمک نمی‌زند."],
    MeasureStatus.ABANDONED: ["خانواده به شهر رفت.", "دیگر استفاده نمی‌شود؛ گله فروخته شد."],
}
ARMENIAN_NOTES = {
    MeasureStatus.GOOD: ["Պատերն ու դարպասը անվնաս են։", "Աշխատում է ինչպես պետք է։", ""],
    MeasureStatus.NEEDS_REPAIR: ["Դարպասի ծխնին կոտրված է, սեփականատերը կնորոգի։",
                                 "Հյուսիսային կողմում ցանցը պատռված է։", "Մարտկոցը թույլ է։"],
    MeasureStatus.FAILED: ["Ձյունից հետո տանիքը փլվեց։", "Ցանկապատի լարը գողացել են։", "Լույսն այլևս չի թարթում։"],
    MeasureStatus.ABANDONED: ["Ընտանիքը տեղափոխվեց քաղաք։", "Այլևս չի օգտագործվում, հոտը վաճառվել է։"],
}
DARI_NOTES = {
    MeasureStatus.GOOD: ["دیوارها و دروازه سالم است.", "درست کار می‌کند.", ""],
    MeasureStatus.NEEDS_REPAIR: ["لولای دروازه شکسته؛ مالدار خودش ترمیم می‌کند.", "جالی طرف شمال پاره شده.",
                                 "بتری ضعیف شده."],
    MeasureStatus.FAILED: ["بعد از برف‌باری سقف آغل فرو ریخت.", "سیم کتاره را دزدی کردند.",
                           "چراغ دیگر روشن و خاموش نمی‌شود."],
    MeasureStatus.ABANDONED: ["فامیل به شهر کوچ کرد.", "دیگر استفاده نمی‌شود؛ رمه فروخته شد."],
}
