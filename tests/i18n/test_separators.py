"""The separator between the parts of a line: a middle dot, but not beside digits whose zero is a dot."""

import pytest

from conflict_service.db import db
from conflict_service.i18n import LOCALES, native_digits, separator
from tests.helpers import login


@pytest.mark.parametrize("locale", LOCALES)
def test_the_separator_is_never_a_dot_beside_dotted_zeros(locale):
    """Persian («۰») and Arabic-Indic («٠») zero are dots the size of «·»: where the reader's digits are those, the
    parts of a line are apart by the Arabic comma; elsewhere (Urdu's Latin digits too) by a middle dot."""
    dotted_zero = native_digits("0", locale) in ("۰", "٠")
    assert separator(locale) == ("، " if dotted_zero else " · ")
    assert dotted_zero == (locale in ("fa", "fa_AF", "ps", "ar", "ckb"))


@pytest.mark.parametrize(("locale", "between"), [("fa", "، "), ("ps", "، "), ("ru", " · "), ("en", " · ")])
def test_a_worklist_line_keeps_its_due_time_and_its_count_apart(client, world, make, locale, between):
    """«مهلت ۳ تیر ۱۴۰۳ ۳:۴۸ · ۱۰ رأس دام اعلام‌شده» read as the time ۳:۴۸۰۱۰ on a Persian phone."""
    from verification.operations import assign_verifier

    claim = make.claim(world.ir)
    assign_verifier(claim, {"verifier_id": world.ir.verifier.id}, world.ir.clerk)
    world.ir.verifier.preferred_language = locale
    db.session.commit()
    login(client, world.ir.verifier)
    page = client.get("/worklist").get_data(as_text=True)
    line = page.split('class="work-who"')[1].split("</a>")[0]
    assert line.count(between) >= 3 and (between == " · " or "·" not in line), line
