"""Demo step of the core: three range countries with a region and an office each, and the demo users."""

from conflict_service.auth.operations import create_user
from conflict_service.jurisdictions.operations import create_jurisdiction

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed by `flask demo load`, refused in production

JURISDICTIONS = [
    # (short code, official name, parent code, time zone, names in other languages), as each country's office types them
    ("IR", "ایران", None, "Asia/Tehran",
     {"en": "Iran", "hy": "Իրան", "ru": "Иран", "ar": "إيران", "ckb": "ئێران", "ur": "ایران", "tk": "Eýran",
      "az": "İran", "tr": "İran", "tg": "Эрон"}),
    ("RKH", "خراسان رضوی", "IR", None,
     {"en": "Razavi Khorasan", "hy": "Ռազավի Խորասան", "ru": "Хорасан-Резави", "ar": "خراسان رضوي",
      "ckb": "خوراسانی ڕەزەوی", "ps": "رضوي خراسان", "tk": "Horasan-Rezewi", "az": "Xorasan-Rəzəvi",
      "tr": "Razavi Horasan", "tg": "Хуросони Разавӣ"}),
    ("DRG", "ادارهٔ درگز", "IR-RKH", None,
     {"en": "Dargaz office", "hy": "Դարգազի գրասենյակ", "ru": "Офис в Даргазе", "ar": "مكتب درگز",
      "ckb": "نووسینگەی دەرگەز", "ps": "د درګز دفتر", "ur": "درگز دفتر", "tk": "Dergez edarasy",
      "az": "Dərgəz idarəsi", "tr": "Dergez ofisi", "tg": "Идораи Даргаз"}),
    ("AM", "Հայաստան", None, "Asia/Yerevan",
     {"en": "Armenia", "fa": "ارمنستان", "ru": "Армения", "ar": "أرمينيا", "ckb": "ئەرمەنستان", "ps": "ارمنستان",
      "ur": "آرمینیا", "az": "Ermənistan", "tr": "Ermenistan", "ka": "სომხეთი", "tg": "Арманистон"}),
    ("SU", "Սյունիք", "AM", None,
     {"en": "Syunik", "fa": "سیونیک", "ru": "Сюник", "ar": "سيونيك", "ckb": "سیونیک", "ps": "سیونیک",
      "ur": "سیونک", "ka": "სიუნიქი", "tg": "Сюник"}),
    ("KPN", "Կապանի գրասենյակ", "AM-SU", None,
     {"en": "Kapan office", "fa": "دفتر کاپان", "ru": "Офис в Капане", "ar": "مكتب كابان",
      "ckb": "نووسینگەی کاپان", "ps": "د کاپان دفتر", "ur": "کاپان دفتر", "ka": "კაპანის ოფისი",
      "tg": "Идораи Капан"}),
    ("AF", "افغانستان", None, "Asia/Kabul",
     {"en": "Afghanistan", "fa": "افغانستان", "ps": "افغانستان", "hy": "Աֆղանստան", "ru": "Афганистан",
      "ar": "أفغانستان", "ckb": "ئەفغانستان", "ur": "افغانستان", "tk": "Owganystan", "uz": "Afgʻoniston",
      "az": "Əfqanıstan", "tr": "Afganistan", "ka": "ავღანეთი", "kk": "Ауғанстан", "tg": "Афғонистон"}),
    ("HRT", "هرات", "AF", None,
     {"en": "Herat", "fa": "هرات", "ps": "هرات", "hy": "Հերաթ", "ru": "Герат", "ar": "هرات", "ckb": "هەرات",
      "ur": "ہرات", "tk": "Hyrat", "uz": "Hirot", "az": "Herat", "tr": "Herat", "ka": "ჰერატი", "kk": "Герат",
      "tg": "Ҳирот"}),
    ("HRC", "ادارهٔ هرات", "AF-HRT", None,
     {"en": "Herat office", "fa": "ادارهٔ هرات", "ps": "د هرات دفتر", "hy": "Հերաթի գրասենյակ", "ru": "Офис в Герате",
      "ar": "مكتب هرات", "ckb": "نووسینگەی هەرات", "ur": "ہرات دفتر", "tk": "Hyrat edarasy", "uz": "Hirot idorasi",
      "az": "Herat idarəsi", "tr": "Herat ofisi", "ka": "ჰერატის ოფისი", "kk": "Герат кеңсесі",
      "tg": "Идораи Ҳирот"}),
]

USERS = [
    # (username, role, jurisdiction codes, full name, language)
    ("admin", "admin", ["IR", "AM", "AF"], "مدیر سامانه", None),
    ("clerk_ir", "clerk", ["IR-RKH-DRG"], "مریم رحیمی", "fa"),
    ("verifier_ir", "verifier", ["IR-RKH"], "حسین کریمی", "fa"),
    ("verifier2_ir", "verifier", ["IR-RKH"], "رضا احمدی", "fa"),
    ("manager_ir", "manager", ["IR"], "لیلا مرادی", "fa"),
    ("manager2_ir", "manager", ["IR"], "علی صادقی", "fa"),
    ("auditor_ir", "auditor", ["IR"], "گروه حسابرسی اهداکننده", None),
    ("clerk_am", "clerk", ["AM-SU-KPN"], "Անահիտ Պետրոսյան", "hy"),
    ("verifier_am", "verifier", ["AM-SU"], "Արմեն Գրիգորյան", "hy"),
    ("manager_am", "manager", ["AM"], "Լիլիթ Հակոբյան", "hy"),
    ("manager2_am", "manager", ["AM"], "Տիգրան Ավագյան", "hy"),  # a second signature: rates, batches, rules
    # The Herat office works in Dari; a second verifier takes over reassigned claims and appeals.
    ("clerk_af", "clerk", ["AF-HRT-HRC"], "فریبا حیدری", "fa_AF"),
    ("verifier_af", "verifier", ["AF-HRT"], "احمد شاه نوری", "fa_AF"),
    ("verifier2_af", "verifier", ["AF-HRT"], "سید نصیر هاشمی", "fa_AF"),
    ("manager_af", "manager", ["AF"], "عبدالواحد رسولی", "fa_AF"),
    ("manager2_af", "manager", ["AF"], "نجیبه صدیقی", "fa_AF"),  # a second signature: rates, batches, rules
]


def load(context: dict) -> None:
    codes: dict[str, int] = {}
    for short, name, parent, tz, names in JURISDICTIONS:
        j = create_jurisdiction({"short_code": short, "name": name, "parent_id": codes.get(parent), "timezone": tz,
                                 "names": names}, actor=None)
        codes[j.code] = j.id
    users = {}
    for username, role, jcodes, full_name, language in USERS:
        users[username] = create_user({"username": username, "role": role, "password": DEMO_PASSWORD,
                                       "jurisdiction_ids": [codes[c] for c in jcodes], "full_name": full_name,
                                       "preferred_language": language}, actor=None)
    context["jurisdictions"] = codes
    context["users"] = users
