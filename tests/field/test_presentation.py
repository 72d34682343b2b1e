"""A field record's answers in the reader's language: numbers in their digits and decimal sign, Arabic-script
separators, nothing as the device's raw text where the service can say it."""

from flask_babel import force_locale

from field.instance import parse
from field.presentation import answers
from tests.field.device import instance_xml


def test_a_record_reads_in_persian_digits_and_separators(app):
    found = parse(instance_xml("IR-DRG-2026-000001", lines=(("sheep", "adult", "killed", 2),)))
    with app.test_request_context(), force_locale("fa"):
        shown = {str(label): value for label, value in answers(found)}
    assert "۳۷٫۴۵۱۲، ۵۹٫۱۲۰۹" in shown.values() and "۴۲" in shown.values()
    lines = next(v for v in shown.values() if isinstance(v, list))
    assert lines[0].startswith("۲ × ") and "، " in lines[0] and "2" not in lines[0]
    assert any("؛ " in v for v in shown.values() if isinstance(v, str))  # the checklist's ticks


def test_english_keeps_latin_digits_and_commas(app):
    found = parse(instance_xml("IR-DRG-2026-000001"))
    with app.test_request_context(), force_locale("en"):
        values = [v for _label, v in answers(found)]
    assert "37.4512, 59.1209" in values and "42" in values
