"""Demo step of the core: two range countries with a region and an office each, and the demo users."""

from conflict_service.auth.operations import create_user
from conflict_service.jurisdictions.operations import create_jurisdiction

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed by `flask demo load`, refused in production

JURISDICTIONS = [
    # (short code, name, parent code, time zone)
    ("IR", "Iran", None, "Asia/Tehran"),
    ("RKH", "Razavi Khorasan", "IR", None),
    ("DRG", "Dargaz office", "IR-RKH", None),
    ("AM", "Armenia", None, "Asia/Yerevan"),
    ("SU", "Syunik", "AM", None),
    ("KPN", "Kapan office", "AM-SU", None),
]

USERS = [
    # (username, role, jurisdiction codes, full name, language)
    ("admin", "admin", ["IR", "AM"], "System administrator", None),
    ("clerk_ir", "clerk", ["IR-RKH-DRG"], "Maryam Rahimi", None),
    ("verifier_ir", "verifier", ["IR-RKH"], "Hossein Karimi", None),
    ("verifier2_ir", "verifier", ["IR-RKH"], "Reza Ahmadi", None),
    ("manager_ir", "manager", ["IR"], "Leila Moradi", None),
    ("manager2_ir", "manager", ["IR"], "Ali Sadeghi", None),
    ("auditor_ir", "auditor", ["IR"], "Donor audit team", None),
    ("clerk_am", "clerk", ["AM-SU-KPN"], "Anahit Petrosyan", None),
    ("verifier_am", "verifier", ["AM-SU"], "Armen Grigoryan", None),
    ("manager_am", "manager", ["AM"], "Lilit Hakobyan", None),
    ("manager2_am", "manager", ["AM"], "Tigran Avagyan", None),  # a second signature: rates, batches, rules
]


def load(context: dict) -> None:
    codes: dict[str, int] = {}
    for short, name, parent, tz in JURISDICTIONS:
        j = create_jurisdiction({"short_code": short, "name": name, "parent_id": codes.get(parent), "timezone": tz},
                                actor=None)
        codes[j.code] = j.id
    users = {}
    for username, role, jcodes, full_name, language in USERS:
        users[username] = create_user({"username": username, "role": role, "password": DEMO_PASSWORD,
                                       "jurisdiction_ids": [codes[c] for c in jcodes], "full_name": full_name,
                                       "preferred_language": language}, actor=None)
    context["jurisdictions"] = codes
    context["users"] = users
