"""Sentences that count days take each language's plural form for the count (DESIGN §7): «1 день», «2 дня»,
«5 дней», «21 день» in Russian; «يوم واحد», «يومين», «٥ أيام», «٢١ يومًا» in Arabic; in the page, the SMS-free
error, the flag, and both languages of a bilingual receipt."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale

from casefiles.documents import Localized
from claims.states import _appeal_allowed
from conflict_service.i18n import format_date, format_number, translations_dir
from conflict_service.printing import Languages
from oversight.flags.rules import describe

COUNTS = (1, 2, 5, 21)


def appeal_refused(days: int) -> str:
    claim = SimpleNamespace(appealed_at=None, status_changed_at=datetime(2000, 1, 1, tzinfo=UTC),
                            programme=SimpleNamespace(appeal_days=days))
    return _appeal_allowed(claim, None)


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["Срок обжалования (1 день после отклонения) истёк.", "Срок обжалования (2 дня после отклонения) истёк.",
            "Срок обжалования (5 дней после отклонения) истёк.", "Срок обжалования (21 день после отклонения) истёк."]),
    ("ar", ["انتهت مهلة التظلّم البالغة يوم واحد بعد الرفض.", "انتهت مهلة التظلّم البالغة يومين بعد الرفض.",
            "انتهت مهلة التظلّم البالغة ٥ أيام بعد الرفض.", "انتهت مهلة التظلّم البالغة ٢١ يومًا بعد الرفض."]),
    ("en", ["The appeal period of 1 day after the rejection has ended.",
            "The appeal period of 2 days after the rejection has ended.",
            "The appeal period of 5 days after the rejection has ended.",
            "The appeal period of 21 days after the rejection has ended."]),
])
def test_the_appeal_period_counts_its_days_in_the_readers_plural(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert [appeal_refused(n) for n in COUNTS] == expected


def test_a_bilingual_receipt_counts_days_in_each_languages_plural(app):
    singular = "If the claim is rejected, you may appeal once, within %(days)s day of the decision."
    plural = "If the claim is rejected, you may appeal once, within %(days)s days of the decision."
    with app.test_request_context(), force_locale("ru"):
        shown = [Languages("ru", "ar").nbi(singular, plural, n, days=Localized(format_number, n)) for n in COUNTS]
    assert "в течение 1 дня после решения" in shown[0] and "خلال يوم واحد من تاريخ القرار" in shown[0]
    assert "в течение 2 дней после решения" in shown[1] and "خلال يومين من" in shown[1]
    assert "в течение 5 дней после решения" in shown[2] and "خلال ٥ أيام من" in shown[2]
    assert "в течение 21 дня после решения" in shown[3] and "خلال ٢١ يومًا من" in shown[3]


def test_a_late_payments_interest_counts_its_days(app):
    line = "{{ ngettext('incl. %(amount)s interest for %(days)s day', 'incl. %(amount)s interest for %(days)s days', " \
           "n, amount='X', days=n) }}"
    with app.test_request_context(), force_locale("ru"):
        assert [render_template_string(line, n=n) for n in COUNTS] == [
            "включая пеню X за 1 день", "включая пеню X за 2 дня", "включая пеню X за 5 дней",
            "включая пеню X за 21 день"]
    with app.test_request_context(), force_locale("ar"):
        assert [render_template_string(line, n=n) for n in (1, 2, 5, 21, 100)] == [
            "يشمل فائدة قدرها X عن يوم واحد", "يشمل فائدة قدرها X عن يومين", "يشمل فائدة قدرها X عن ٥ أيام",
            "يشمل فائدة قدرها X عن ٢١ يومًا", "يشمل فائدة قدرها X عن ١٠٠ يوم"]


def test_a_flag_counts_the_days_since_enrolment(app):
    with app.test_request_context(), force_locale("ru"):
        shown = [describe("soon_after_enrolment", {"policy": "P-1", "days": n}) for n in COUNTS]
    assert shown == [f"Происшествие через {n} {word} после оформления полиса P-1 (в пределах 14 дн.)."
                     for n, word in zip(COUNTS, ("день", "дня", "дней", "день"), strict=True)]


@pytest.mark.parametrize(("locale", "hours", "expected"), [
    ("ru", 48, "через 2 дня после происшествия"),
    ("ru", 120, "через 5 дней после происшествия"),
    ("ru", 504, "через 21 день после происшествия"),
    ("ru", -60, "за 2,5 дня до происшествия"),
    ("ar", 48, "يومان بعد الحادثة"),
    ("ar", 120, "٥ أيام بعد الحادثة"),
    ("ar", 504, "٢١ يومًا بعد الحادثة"),
    ("en", 60, "2.5 days after the incident"),
])
def test_a_photos_time_from_the_incident_counts_its_days(app, locale, hours, expected):
    macro = "{% from 'verification/_macros.html' import hours_offset %}{{ hours_offset(hours) }}"
    with app.test_request_context(), force_locale(locale):
        assert render_template_string(macro, hours=hours).strip() == expected


def test_a_printed_sentence_never_doubles_the_stop_a_russian_date_ends_with(app):
    sentence = "A field verifier visits the place of the loss and records what they find, by %(date)s."
    with app.test_request_context(), force_locale("ru"):
        shown = str(Languages("ru", "ar").bi(sentence, date=Localized(format_date, date(2026, 12, 9))))
    assert "что обнаружит, до 9 дек. 2026\u202fг.</span>" in shown and "г.." not in shown
    assert "٢٠٢٦.</span>" in shown  # the Arabic date keeps the sentence's stop


@pytest.mark.parametrize("locale", ["ar", "ru"])
def test_no_counted_sentence_gives_every_count_the_same_words(locale):
    """Arabic counts one, two, three to ten and eleven to ninety-nine each in its own way, Russian 1, 2–4 and 5–20:
    a message whose forms are all alike was filled without them."""
    with (translations_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=locale)
    alike = [m.id[0] for m in catalog if m.id and m.pluralizable and len(set(m.string)) == 1]
    assert not alike


def test_a_bilingual_count_is_written_in_each_languages_digits(app):
    with app.test_request_context(), force_locale("fa"):
        shown = str(Languages("fa", "ru").nbi("%(num)s day", "%(num)s days", 30))
    assert shown.startswith('<span class="l1">۳۰ روز</span>') and ">30 дней</span>" in shown
