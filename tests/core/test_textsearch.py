"""A search folds a name the same way in SQL (on SQLite and PostgreSQL) as in Python (conflict_service.textsearch)."""

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflict_service.db import db
from conflict_service.textsearch import IGNORED, VARIANTS, fold, folded, sql_translate

# Letters of the range's scripts in both cases (Latin, Cyrillic with Kazakh and Tajik letters, Armenian, Georgian),
# the Arabic-script letters with their variants, the ignored marks and a few characters LIKE treats specially.
ALPHABET = ("AaZzÖöŞşÇçƏəİıIi" "АаЯяЁёҚқҒғӮӯҲҳ" "ԱաՇշՖֆ" "აბღ" "ابپتجچحخدرزژسشصطعغفقکگلمنوهی"
            + "".join(VARIANTS) + IGNORED + "-_%/0123456789۰۹")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=ALPHABET, max_size=24))
def test_sql_folds_as_python_folds(ctx, text):
    assert db.session.scalar(sa.select(folded(sa.literal(text)))) == fold(text)


def test_the_folding():
    assert fold("علي كريمي") == fold("علی کریمی") == "علیکریمی"
    assert fold("گل‌احمد") == fold("گل احمد") == fold("گلاحمد") == "گلاحمد"
    assert fold("أحمد") == fold("احمد") == fold("آحمد") and fold("مُحَمَّد") == "محمد" and fold("بـــلال") == "بلال"
    assert fold("Արամ Սարգսյան") == "արամսարգսյան" and fold("АРАМ") == "арам"
    assert fold("İsmail Işık") == fold("ismail ışık") == fold("ISMAIL IŞIK") == "ismailişik"


def test_translate_as_postgresql_does():
    assert sql_translate("12345", "143", "ax") == "a2x5"  # PostgreSQL's own example
    assert sql_translate("aab", "aa", "xy") == "xxb"  # the first mapping of a repeated character wins
    assert sql_translate(None, "a", "b") is None
