"""Owners' texts in all sixteen languages: one SMS segment where possible (DESIGN §11), measured with realistic
parameters; the rejection (reason, appeal date) may take two."""

from __future__ import annotations

import re

import pytest

from conflict_service.i18n import CURRENCY_UNITS, LOCALES
from notifications import sms, texts
from notifications.enums import Template


def rendered(template, locale, **overrides):
    return texts.render(template, texts.sample_params(template) | overrides, locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("template", texts.OWNER_TEMPLATES)
def test_each_text_fits_one_segment_where_possible(ctx, locale, template):
    text = rendered(template, locale)
    used, single = sms.length(text)
    assert sms.segments(text) <= (2 if template == Template.REJECTED else 1), (locale, used, single, text)
    assert "IR-DRG-2026-000078" in text and "{" not in text
    if locale != "en":
        assert text != rendered(template, "en"), "not translated"


@pytest.mark.parametrize("locale", LOCALES)
def test_amounts_with_the_longest_currency_still_fit(ctx, locale):
    for template in (Template.APPROVED, Template.PAID):
        text = rendered(template, locale, amount="999999999", currency="IRR")
        assert sms.segments(text) == 1, (locale, sms.length(text), text)


def test_english_stays_in_the_gsm_alphabet(ctx):
    for template in texts.OWNER_TEMPLATES:
        assert sms.is_gsm7(rendered(template, "en")), template
    assert sms.length("x" * 160) == (160, 160) and sms.segments("x" * 161) == 2
    assert sms.length("€") == (2, 160) and sms.length("ش" * 70) == (70, 70) and sms.segments("ش" * 71) == 2


def test_persian_text_reads_in_persian_with_the_amount_in_persian_digits(ctx):
    text = rendered(Template.APPROVED, "fa")
    assert text.startswith("درخواست IR-DRG-2026-000078 تصویب شد") and "۴۵٬۰۰۰٬۰۰۰" in text


DOUBLED_STOP = re.compile(r"\.[\u200e\u200f\u061c\s]*\.")


@pytest.mark.parametrize("locale", LOCALES)
def test_an_amount_that_ends_in_a_stop_is_never_followed_by_another(ctx, locale):
    # CLDR abbreviates some currencies with a full stop (ar: «ر.إ.» for IRR, «د.ع.» for IQD; ru: «дин.», «руб.»)
    for currency in CURRENCY_UNITS:
        for template in (Template.APPROVED, Template.PAID):
            text = rendered(template, locale, amount="45000000", currency=currency)
            assert not DOUBLED_STOP.search(text), (locale, currency, text)
            assert "TRX88412093" in text or template == Template.APPROVED


def test_the_arabic_paid_text_ends_the_amount_with_the_currencys_own_stop(ctx):
    text = rendered(Template.PAID, "ar", currency="IRR")
    assert "ر.إ. مرجع TRX88412093" in text


@pytest.mark.parametrize(("locale", "amount"), [("ps", "۵۵٬۰۰۰\u00a0؋"), ("fa_AF", "۵۵٬۰۰۰\u00a0؋"), ("ru", "\u00a0")])
def test_an_amount_stays_whole_in_a_text_that_is_ucs2_anyway(ctx, locale, amount):
    """A Pashto owner's «؋ ۵۵٬۰۰۰» broke across two lines of his phone's screen: the no-break space had been made
    plain for every language, though only a GSM-7 text (English) is worse off for it."""
    text = rendered(Template.PAID, locale, amount="55000", currency="AFN")
    assert amount in text and "\u202f" not in text and not sms.is_gsm7(text)
    english = rendered(Template.PAID, "en", amount="55000", currency="AFN")
    assert "\u00a0" not in english and sms.is_gsm7(english)
