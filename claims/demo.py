"""Demo steps of the claims package: two programmes, about 50 owners with herds and 200 claims (``load``); then the
Herat office's programme, 16 owners and 40 claims (``load_herat``).

Claims are filed through the real operations, each at a plausible moment in the past; later packages'
demo steps carry a share of them through verification, approval and payment. The Herat office is a step of its
own, with its own random sequence, so the Iranian and Armenian data stay as they were, and a test that composes
the steps one by one (core, claims, payouts) still sees only those two programmes.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from claims.enums import AgeClass, LossOutcome, ProgrammeKind, Species, TimeOfDay
from claims.operations import create_programme, register_owner, submit_claim, withdraw_claim
from conflict_service.timeutil import clock_at, utcnow

IR_NAMES = ["غلامرضا حسینی", "محمد رضایی", "علی‌اکبر نوروزی", "حسن قربانی", "فاطمه عباسی", "یوسف کریمی",
            "رحیم اسدی", "جواد طاهری", "زهرا محمدی", "عباس جعفری", "مهدی صالحی", "قربان آتابای",
            "نورمحمد قلیچ", "اراز بردی", "بهمن کردی", "ابراهیم زارعی", "سکینه نظری", "حمید امیری",
            "کریم یزدانی", "مرتضی شریفی", "رمضان گلی", "اسماعیل توکلی", "خدیجه مرادی", "ولی‌الله حیدری",
            "داوود رستمی", "سعید فرهادی", "مراد خسروی", "عیسی کمالی", "نادر سلیمانی", "حسین باقری"]
IR_VILLAGES = ["نوخندان", "چاپشلو", "لطف‌آباد", "درونگر", "چلمیر", "قره‌خان"]
IR_LANGUAGES = ["fa"] * 7 + ["tk", "ckb", "az"]
AM_NAMES = ["Արամ Սարգսյան", "Գագիկ Հովհաննիսյան", "Սամվել Մկրտչյան", "Աշոտ Ավետիսյան", "Նարինե Գևորգյան",
            "Վարդան Պողոսյան", "Հրաչյա Մանուկյան", "Կարեն Վարդանյան", "Մհեր Խաչատրյան", "Անուշ Կարապետյան",
            "Սուրեն Ղազարյան", "Տիգրան Մարտիրոսյան", "Լևոն Դավթյան", "Գոհար Սահակյան", "Արթուր Բաղդասարյան",
            "Հայկ Հարությունյան", "Էդգար Մելքոնյան", "Ռուբեն Զաքարյան", "Սերգեյ Իվանով", "Մարինե Աբրահամյան"]
AM_VILLAGES = ["Շիկահող", "Ճակատեն", "Վաչագան", "Նորաշենիկ", "Սրաշեն"]
AM_LANGUAGES = ["hy"] * 5 + ["ru"]
# The programmes' names in the range's languages, as their offices would enter them (DESIGN §14).
IR_PROGRAMME_NAMES = {
    "en": "Razavi Khorasan leopard compensation", "fa_AF": "جبران خسارهٔ پلنگ خراسان رضوی",
    "ps": "د رضوي خراسان د پړانګ د زیان جبران", "ar": "تعويض أضرار النمر في خراسان رضوي",
    "ckb": "قەرەبووی زیانی پڵنگ لە خوراسانی ڕەزەوی", "ur": "رضوی خراسان میں تیندوے کے نقصان کا معاوضہ",
    "tk": "Horasan-Rezewi gaplaň zyýanynyň öwezini dolmak", "az": "Xorasan-Rəzəvi bəbir ziyanının ödənişi",
    "tr": "Razavi Horasan leopar zararı tazminatı", "hy": "Ռազավի Խորասանի ընձառյուծի վնասի փոխհատուցում",
    "ru": "Компенсация ущерба от леопарда в Хорасане-Резави", "tg": "Ҷуброни зиёни паланг дар Хуросони Разавӣ",
}
AM_PROGRAMME_NAMES = {
    "en": "Syunik community livestock insurance", "ru": "Общинное страхование скота Сюника",
    "fa": "بیمهٔ اجتماعی دام سیونیک", "fa_AF": "بیمهٔ اجتماعی مواشی سیونیک", "ps": "د سیونیک ټولنیز د څارویو بیمه",
    "ar": "التأمين المجتمعي على الماشية في سيونيك", "ckb": "بیمەی کۆمەڵایەتیی ئاژەڵی سیونیک",
    "ur": "سیونک کمیونٹی مویشی بیمہ", "ka": "სიუნიქის თემის პირუტყვის დაზღვევა", "az": "Syunik icma heyvan sığortası",
    "tr": "Syunik topluluk hayvan sigortası", "tg": "Суғуртаи ҷамоатии чорвои Сюник",
}
# What owners tell the clerk, by where the animals were: in the corral at night, out at night, or grazing by day
# (a claim's narrative agrees with its own answers: "dead inside the corral" only where it says it was in one).
NARRATIVES = {
    ("IR", "corral"): ["سپیده‌دم کنار دیوار آغل پیدا شد؛ جای دندان روی گلو، لاشه به سمت صخره‌ها کشیده شده بود.",
                       "شب سگ‌ها پارس کردند؛ صبح دام‌ها داخل آغل مرده بودند."],
    ("IR", "night"): ["دام‌ها شب بیرون آغل ماندند؛ یک لاشه زیر بوته‌ها بالای تپه پنهان شده بود.",
                      "گله شب کنار آبشخور ماند؛ صبح یک رأس کم بود و ردپای پلنگ در گل کنار آب دیده شد."],
    ("IR", "day"): ["عصر در چراگاه، وقتی چوپان سر چشمه بود، حمله شد.",
                    "چوپان گربه‌سان بزرگی را دید که از گله در دامنه دور شد؛ جای دندان روی گردن.",
                    "پس از چرا در دره گم شد؛ بقایا دو روز بعد پیدا شد."],
    ("AM", "corral"): ["Առավոտյան գտնվեց փարախի պատի մոտ․ կոկորդին ատամների հետքեր, դիակը քարշ էր տրված դեպի "
                       "ժայռերը։",
                       "Գիշերը շները հաչում էին․ առավոտյան կենդանիները սատկած էին փարախի ներսում։"],
    ("AM", "night"): ["Կենդանիները գիշերը մնացել էին փարախից դուրս․ մի դիակ թաքցված էր թփերի տակ՝ լանջի վերևում։",
                      "Գիշերը հոտը մնաց ջրատեղիի մոտ․ առավոտյան մեկ գլուխ պակասում էր, ցեխի մեջ ընձառյուծի հետքեր "
                      "կային։"],
    ("AM", "day"): ["Հարձակումը եղավ ցերեկային արոտում, երբ հովիվը աղբյուրի մոտ էր։",
                    "Հովիվը տեսավ, թե ինչպես մեծ կատվազգին հեռացավ հոտից լանջին․ պարանոցին ատամների հետքեր։",
                    "Կորավ կիրճում արածելուց հետո․ մնացորդները գտնվեցին երկու օր անց։"],
    ("AF", "corral"): ["صبح وقت کنار دیوار آغل پیدا شد؛ جای دندان در گلویش بود و لاشه را طرف سنگ‌ها کش کرده بود.",
                       "شب سگ‌ها غپ زدند؛ صبح چند رأس مواشی داخل آغل مرده بودند.",
                       "پلنگ از بام آغل داخل شد؛ مالدار صبح وقت جای پنجه را روی گِل بام دید."],
    ("AF", "night"): ["شب مواشی بیرون آغل ماندند؛ یک لاشه زیر بته‌ها بالای تپه پنهان شده بود.",
                      "شب رمه کنار چشمه ماند؛ صبح یک رأس کم بود و رد پای پلنگ در گِل کنار آب دیده شد."],
    ("AF", "day"): ["چاشت در چراگاه حمله شد، وقتی چوپان سر چشمه آب می‌آورد.",
                    "چوپان دید که یک پلنگ از رمه در دامنهٔ کوه دور شد؛ جای دندان در گردن بود.",
                    "بعد از چَرا در دره گم شد؛ بقایایش دو روز بعد پیدا شد."],
}
WITHDRAWAL_REASONS = {"IR": "دامدار دام‌های گمشده را پیدا کرد.", "AM": "Սեփականատերը գտավ կորած կենդանիներին։",
                      "AF": "مالدار مواشی گم‌شده‌اش را پیدا کرد."}
HERAT = "AF-HRT-HRC"
# Herat's owners as the office writes them in Dari, each with the language they are spoken to in (Pashto for a few).
AF_OWNERS = [("غلام سخی رحیمی", "fa_AF"), ("محمد نادر احمدزی", "ps"), ("عبدالقادر نوری", "fa_AF"),
             ("گل‌احمد کریمی", "fa_AF"), ("بی‌بی گل صدیقی", "fa_AF"), ("سید جلال حسینی", "fa_AF"),
             ("خان‌محمد اچکزی", "ps"), ("نور احمد غوری", "fa_AF"), ("عبدالله جامی", "fa_AF"),
             ("شیرین‌گل نورزی", "ps"), ("محمد ظاهر سلطانی", "fa_AF"), ("فضل‌احمد قادری", "fa_AF"),
             ("حاجی عبدالرشید بارکزی", "ps"), ("ملالی یوسفی", "fa_AF"), ("عبدالغفور انصاری", "fa_AF"),
             ("رحمت‌الله چشتی", "fa_AF")]
AF_VILLAGES = ["اوبه", "چشت شریف", "کرخ", "پشتون زرغون", "غوریان"]
AF_HOMES = ((34.3, 34.5), (62.2, 63.4))  # the band of Herat province's eastern hills where its owners live
AF_PROGRAMME_NAMES = {
    "en": "Herat leopard compensation", "fa": "جبران خسارت پلنگ هرات", "ps": "د هرات د پړانګ د زیان جبران",
    "ar": "تعويض أضرار النمر في هرات", "ckb": "قەرەبووی زیانی پڵنگ لە هەرات",
    "ur": "ہرات میں تیندوے کے نقصان کا معاوضہ", "tk": "Hyratda gaplaň zyýanynyň öwezini dolmak",
    "uz": "Hirotda qoplon zararini qoplash", "az": "Heratda bəbir ziyanının ödənişi",
    "tr": "Herat leopar zararı tazminatı", "hy": "Հերաթի ընձառյուծի վնասի փոխհատուցում",
    "ru": "Компенсация ущерба от леопарда в Герате", "tg": "Ҷуброни зиёни паланг дар Ҳирот",
}
AF_CLAIMS = 40
HERAT_COUNTED = date(2025, 3, 21)  # the spring count, at Nawroz
HERAT_REGISTERED = datetime(2025, 3, 22, 4, 30, tzinfo=UTC)  # 09:00 in Herat
HOMES = {"IR-RKH-DRG": (37.44, 59.11), "AM-SU-KPN": (39.21, 46.40)}
SPECIES_WEIGHTS = [(Species.SHEEP, 55), (Species.GOAT, 30), (Species.CATTLE, 8), (Species.DONKEY, 3),
                   (Species.HORSE, 2), (Species.DOG, 2)]
TOTAL_CLAIMS = 200
OLDEST_INCIDENT_DAYS = 540
OWNERS_REGISTERED_DAYS_AGO = OLDEST_INCIDENT_DAYS + 30
WITHDRAWN_SHARE = 0.05


def load(context: dict) -> None:
    rng = random.Random(context["seed"])
    users, codes = context["users"], context["jurisdictions"]
    programmes = _programmes(users, codes)
    owners = _owners(rng, users, codes)
    now = utcnow()
    plan = []
    for i in range(TOTAL_CLAIMS):
        office_code = "IR-RKH-DRG" if i % 10 < 6 else "AM-SU-KPN"
        incident_at = now - timedelta(days=rng.uniform(2, OLDEST_INCIDENT_DAYS), hours=rng.uniform(0, 24))
        filed_at = min(incident_at + timedelta(hours=rng.choice([3, 8, 20, 30, 50, 70, 100, 150])),
                       now - timedelta(minutes=5))
        plan.append((filed_at, incident_at, office_code, rng.choice(owners[office_code])))
    plan.sort(key=lambda item: item[0])  # file in time order, so claim numbers run with the calendar
    claims = [_file(rng, owner, programmes[code], _clerk(users, code), incident_at, filed_at)
              for filed_at, incident_at, code, owner in plan]
    for claim in rng.sample(claims, int(TOTAL_CLAIMS * WITHDRAWN_SHARE)):
        with clock_at(min(claim.filed_at + timedelta(hours=rng.uniform(1, 30)), now)):
            withdraw_claim(claim, _clerk(users, claim.office.code), WITHDRAWAL_REASONS[claim.office.country_code])
    context.update(programmes=programmes, owners=owners, claims=claims)


def load_herat(context: dict) -> None:
    """The Herat office's programme (afghanis, Dari), owners and claims, filed in time order like the others."""
    rng = random.Random(context["seed"] + 11)
    users, codes, now = context["users"], context["jurisdictions"], utcnow()
    programme = create_programme({"name": "جبران خسارهٔ پلنگ هرات", "kind": ProgrammeKind.COMPENSATION,
                                  "jurisdiction_id": codes["AF"], "currency": "AFN", "official_language": "fa_AF",
                                  "names": AF_PROGRAMME_NAMES}, users["manager_af"])
    owners = []
    for i, (name, language) in enumerate(AF_OWNERS):  # registered the morning after the spring count, one by one
        with clock_at(HERAT_REGISTERED + timedelta(minutes=20 * i)):
            owners.append(_herat_owner(rng, name, language, users["clerk_af"], codes[HERAT]))
    plan = []
    oldest = min(480, (now - HERAT_REGISTERED).days - 14)  # losses since the owners were registered
    for i in range(AF_CLAIMS):
        # one in three in the last six weeks, so the newest batches and queues have Herat's claims in them too
        incident_at = now - timedelta(days=rng.uniform(2, oldest if i % 3 else 42), hours=rng.uniform(0, 24))
        filed_at = min(incident_at + timedelta(hours=rng.choice([3, 8, 20, 30, 50, 70])), now - timedelta(minutes=5))
        plan.append((filed_at, incident_at, rng.choice(owners)))
    plan.sort(key=lambda item: item[0])  # in time order: AF-HRC-<year>-000001 is each year's first
    claims = [_file(rng, owner, programme, users["clerk_af"], incident_at, filed_at)
              for filed_at, incident_at, owner in plan]
    for claim in rng.sample(claims, 2):
        with clock_at(min(claim.filed_at + timedelta(hours=rng.uniform(1, 30)), now)):
            withdraw_claim(claim, users["clerk_af"], WITHDRAWAL_REASONS["AF"])
    context["programmes"][HERAT] = programme
    context["owners"][HERAT] = owners
    context["claims"] = [*context["claims"], *claims]


def _herat_owner(rng: random.Random, name: str, language: str, clerk, office_id: int):
    counted = HERAT_COUNTED
    herd = [{"species": Species.SHEEP, "head_count": rng.randint(30, 220), "counted_on": counted},
            {"species": Species.GOAT, "head_count": rng.randint(10, 90), "counted_on": counted}]
    if rng.random() < 0.3:
        herd.append({"species": Species.CATTLE, "head_count": rng.randint(1, 6), "counted_on": counted})
    if rng.random() < 0.3:
        herd.append({"species": Species.DONKEY, "head_count": rng.randint(1, 3), "counted_on": counted})
    (lat_low, lat_high), (lon_low, lon_high) = AF_HOMES
    return register_owner({
        "name": name, "village": rng.choice(AF_VILLAGES), "office_id": office_id,
        # an electronic tazkira's number, and an Afghan mobile number
        "national_id": f"{rng.choice([1399, 1400, 1401, 1402])}-{rng.randint(1000, 9999)}-{rng.randint(10000, 99999)}",
        "phone": f"+93 {rng.choice([70, 72, 77, 78, 79])} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "home_lat": round(rng.uniform(lat_low, lat_high), 5), "home_lon": round(rng.uniform(lon_low, lon_high), 5),
        "preferred_language": language, "herd": herd,
    }, clerk)


def _programmes(users, codes) -> dict:
    ir = create_programme({"name": "جبران خسارت پلنگ خراسان رضوی", "kind": ProgrammeKind.COMPENSATION,
                           "jurisdiction_id": codes["IR"], "currency": "IRR", "official_language": "fa",
                           "names": IR_PROGRAMME_NAMES}, users["manager_ir"])
    am = create_programme({"name": "Սյունիքի համայնքային անասնաապահովագրություն", "kind": ProgrammeKind.INSURANCE,
                           "jurisdiction_id": codes["AM"], "currency": "AMD", "official_language": "hy",
                           "names": AM_PROGRAMME_NAMES}, users["manager_am"])
    return {"IR-RKH-DRG": ir, "AM-SU-KPN": am}


def _owners(rng: random.Random, users, codes) -> dict:
    """The offices' owners, registered (their herds counted) a few weeks before the oldest claim."""
    registered = (utcnow() - timedelta(days=OWNERS_REGISTERED_DAYS_AGO)).replace(hour=6, minute=0, second=0,
                                                                                 microsecond=0)
    out: dict[str, list] = {"IR-RKH-DRG": [], "AM-SU-KPN": []}
    plan = [("IR-RKH-DRG", IR_NAMES, IR_VILLAGES, IR_LANGUAGES, "clerk_ir", "+98 915"),
            ("AM-SU-KPN", AM_NAMES, AM_VILLAGES, AM_LANGUAGES, "clerk_am", "+374 93")]
    for office_code, names, villages, languages, clerk, phone_prefix in plan:
        lat0, lon0 = HOMES[office_code]
        for i, name in enumerate(names):
            counted = registered.date()
            herd = [{"species": Species.SHEEP, "head_count": rng.randint(40, 300), "counted_on": counted},
                    {"species": Species.GOAT, "head_count": rng.randint(5, 120), "counted_on": counted}]
            if rng.random() < 0.4:
                herd.append({"species": Species.CATTLE, "head_count": rng.randint(1, 12), "counted_on": counted})
            with clock_at(registered + timedelta(minutes=15 * i)):
                owner = register_owner({
                    "name": name, "village": rng.choice(villages), "office_id": codes[office_code],
                    "national_id": f"{rng.randint(10**9, 10**10 - 1)}",
                    "phone": f"{phone_prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                    "home_lat": round(lat0 + rng.uniform(-.15, .15), 5),
                    "home_lon": round(lon0 + rng.uniform(-.15, .15), 5), "preferred_language": rng.choice(languages),
                    "herd": herd,
                }, users[clerk])
            out[office_code].append(owner)
    return out


def _clerk(users, office_code: str):
    return users["clerk_ir"] if office_code.startswith("IR") else users["clerk_am"]


def _file(rng: random.Random, owner, programme, clerk, incident_at: datetime, filed_at: datetime):
    species = rng.choices([s for s, _w in SPECIES_WEIGHTS], weights=[w for _s, w in SPECIES_WEIGHTS])[0]
    night = rng.random() < 0.7
    lines = [{"species": species, "age_class": rng.choice(list(AgeClass)), "outcome": LossOutcome.KILLED,
              "count": rng.choice([1, 1, 1, 2, 2, 3, 4, 6])}]
    if rng.random() < 0.2:
        lines.append({"species": species, "age_class": lines[0]["age_class"], "outcome": LossOutcome.INJURED,
                      "count": rng.randint(1, 3)})
    data = {
        "owner_id": owner.id, "programme_id": programme.id, "incident_at": incident_at,
        "incident_lat": round(owner.home_lat + rng.uniform(-.05, .05), 5),
        "incident_lon": round(owner.home_lon + rng.uniform(-.05, .05), 5),
        "incident_village": owner.village, "time_of_day": TimeOfDay.NIGHT if night else TimeOfDay.DAY,
        "is_in_corral": night and rng.random() < 0.5, "is_herder_present": not night and rng.random() < 0.6,
        "is_guard_dog_present": rng.random() < 0.3, "lines": lines,
    }
    setting = "corral" if data["is_in_corral"] else "night" if night else "day"
    data["narrative"] = rng.choice(NARRATIVES[owner.office.country_code, setting])
    with clock_at(filed_at):
        claim, _replayed = submit_claim(data, clerk)
    return claim

