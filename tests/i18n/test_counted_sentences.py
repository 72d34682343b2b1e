"""Counted sentences take each language's plural form for their count (DESIGN §7), and a sentence that counts two
things counts each in its own form: «5 подтверждённых регистраций леопарда за 21 камеро-день» in Russian,
«رصدان مؤكدان للنمر خلال ٥ أيام كاميرا» in Arabic. A currency in an audit history reads as the reader names it."""

from __future__ import annotations

import gettext
import io
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template_string
from flask_babel import force_locale

from conflict_service.audit.presentation import describe as describe_event
from conflict_service.audit.presentation import describe_html, show_value
from conflict_service.auth import operations as auth_ops
from conflict_service.db import db
from conflict_service.errors import ValidationError
from conflict_service.i18n import PLURAL_FORMS
from conflict_service.timeutil import utcnow
from oversight import public
from oversight.flags.rules import describe
from oversight.models import StatusLookupGuard
from payouts.operations import reconciliation
from performance import camtrap, camtrap_archive
from performance.presentation import describe_line
from tests.helpers import csrf_token, login
from verification import attribution

ROOT = Path(__file__).resolve().parents[2]


def detections(count: int, camera_days: int, locale: str) -> str:
    line = {"code": "detections", "params": {"detections": count, "camera_days": camera_days, "units": "1.5"}}
    with force_locale(locale):
        return str(describe_line(line, "IRR"))


@pytest.mark.parametrize(("locale", "counts", "expected"), [
    ("ru", (1, 2), "1 подтверждённая регистрация леопарда за 2 камеро-дня — 1,5 на месяц работы камеры"),
    ("ru", (2, 5), "2 подтверждённые регистрации леопарда за 5 камеро-дней — 1,5 на месяц работы камеры"),
    ("ru", (5, 21), "5 подтверждённых регистраций леопарда за 21 камеро-день — 1,5 на месяц работы камеры"),
    ("ru", (21, 182), "21 подтверждённая регистрация леопарда за 182 камеро-дня — 1,5 на месяц работы камеры"),
    # camera-days are recorded to the hundredth (cameras set up during a day): a whole count takes its plural form, a
    # fraction the form a language gives fractions
    ("ru", (21, "182.00"), "21 подтверждённая регистрация леопарда за 182 камеро-дня — 1,5 на месяц работы камеры"),
    ("ru", (5, "90.50"), "5 подтверждённых регистраций леопарда за 90,5 камеро-дня — 1,5 на месяц работы камеры"),
    ("en", (5, "90.50"), "5 verified leopard detections over 90.5 camera-days: 1.5 per deployment-month"),
    ("ar", (1, 1), "رصد واحد مؤكد للنمر خلال يوم كاميرا واحد: ١٫٥ لكل شهر تشغيل"),
    ("ar", (2, 5), "رصدان مؤكدان للنمر خلال ٥ أيام كاميرا: ١٫٥ لكل شهر تشغيل"),
    ("ar", (12, 182), "١٢ رصدًا مؤكدًا للنمر خلال ١٨٢ يومَ كاميرا: ١٫٥ لكل شهر تشغيل"),
    ("ar", (100, 300), "١٠٠ رصد مؤكد للنمر خلال ٣٠٠ يوم كاميرا: ١٫٥ لكل شهر تشغيل"),
    ("en", (1, 30), "1 verified leopard detection over 30 camera-days: 1.5 per deployment-month"),
    ("en", (12, 1), "12 verified leopard detections over 1 camera-day: 1.5 per deployment-month"),
])
def test_a_periods_detections_and_camera_days_each_take_their_plural(app, locale, counts, expected):
    with app.test_request_context():
        assert detections(*counts, locale) == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["1 заявка этого владельца с происшествием в 2026 году; программа допускает 0.",
            "2 заявки этого владельца с происшествиями в 2026 году; программа допускает 0.",
            "5 заявок этого владельца с происшествиями в 2026 году; программа допускает 0.",
            "21 заявка этого владельца с происшествием в 2026 году; программа допускает 0."]),
    ("ar", ["لمالك الماشية هذا مطالبة واحدة عن حادث وقع في عام ٢٠٢٦؛ ويسمح البرنامج بـ ٠.",
            "لمالك الماشية هذا مطالبتان عن حوادث وقعت في عام ٢٠٢٦؛ ويسمح البرنامج بـ ٠.",
            "لمالك الماشية هذا ٥ مطالبات عن حوادث وقعت في عام ٢٠٢٦؛ ويسمح البرنامج بـ ٠.",
            "لمالك الماشية هذا ٢١ مطالبةً عن حوادث وقعت في عام ٢٠٢٦؛ ويسمح البرنامج بـ ٠."]),
])
def test_the_yearly_claims_flag_counts_the_claims_in_the_readers_plural(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        shown = [describe("too_many_claims", {"count": n, "year": 2026, "limit": 0}) for n in (1, 2, 5, 21)]
    assert shown == expected


def test_a_verified_audit_chain_counts_its_events_in_russian(client, world, make):
    make.claim(world.ir)
    world.ir.auditor.preferred_language = "ru"
    db.session.commit()
    login(client, world.ir.auditor)
    r = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit")})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    n = int(page.split("Цепочка аудита не нарушена: проверено ", 1)[1].split(" ", 1)[0])
    form = gettext.c2py(PLURAL_FORMS["ru"].split("plural=", 1)[1].rstrip(";"))(n)
    assert f"проверено {n} {('событие', 'события', 'событий')[form]}." in page


@pytest.mark.parametrize(("locale", "expected"),
                         [("fa", "ریال ایران"), ("ru", "иранский риал"), ("en", "Iranian Rial")])
def test_an_audit_historys_currency_reads_as_the_reader_names_it(app, locale, expected):
    """A programme's currency changed from IRR to AMD was shown as the codes; a reader reads the currency's name."""
    with app.test_request_context(), force_locale(locale):
        assert show_value("IRR", field="currency") == expected
        assert show_value("IRR", field="reference") == "IRR"  # another field's code is left as recorded


def locked_lookup(claim, minutes: int, locale: str, monkeypatch) -> str:
    monkeypatch.setattr(public, "LOCK_MINUTES", minutes)
    db.session.merge(StatusLookupGuard(claim_id=claim.id, failures=5, locked_until=utcnow() + timedelta(minutes=1)))
    with force_locale(locale), pytest.raises(public.LookupLocked) as locked:
        public.check_pin(claim, claim.pin)
    return str(locked.value.errors["pin"][0])


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["Слишком много неверных PIN-кодов. Повторите через 1 минуту.",
            "Слишком много неверных PIN-кодов. Повторите через 2 минуты.",
            "Слишком много неверных PIN-кодов. Повторите через 5 минут.",
            "Слишком много неверных PIN-кодов. Повторите через 21 минуту."]),
    ("ar", ["أُدخل رقم سري خاطئ مرات كثيرة. يُرجى المحاولة مجددًا بعد دقيقة واحدة.",
            "أُدخل رقم سري خاطئ مرات كثيرة. يُرجى المحاولة مجددًا بعد دقيقتين.",
            "أُدخل رقم سري خاطئ مرات كثيرة. يُرجى المحاولة مجددًا بعد ٥ دقائق.",
            "أُدخل رقم سري خاطئ مرات كثيرة. يُرجى المحاولة مجددًا بعد ٢١ دقيقةً."]),
    ("en", ["Too many wrong PINs. Try again after 1 minute.", "Too many wrong PINs. Try again after 2 minutes.",
            "Too many wrong PINs. Try again after 5 minutes.", "Too many wrong PINs. Try again after 21 minutes."]),
])
def test_a_locked_status_lookup_counts_its_minutes_in_the_readers_plural(app, world, make, monkeypatch, locale,
                                                                          expected):
    """The public status page's lock (herders read it) says how many minutes in the reader's plural."""
    claim = make.claim(world.ir)
    db.session.commit()
    with app.test_request_context():
        assert [locked_lookup(claim, n, locale, monkeypatch) for n in (1, 2, 5, 21)] == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["Неверное имя пользователя или пароль, либо учётная запись заблокирована на 1 минуту после 1 неудачной "
            "попытки входа.",
            "Неверное имя пользователя или пароль, либо учётная запись заблокирована на 2 минуты после 2 неудачных "
            "попыток входа.",
            "Неверное имя пользователя или пароль, либо учётная запись заблокирована на 5 минут после 5 неудачных "
            "попыток входа.",
            "Неверное имя пользователя или пароль, либо учётная запись заблокирована на 21 минуту после 21 неудачной "
            "попытки входа."]),
    ("ar", ["اسم المستخدم أو كلمة المرور خاطئة، أو أن الحساب مقفل لمدة دقيقة واحدة بعد محاولة دخول فاشلة واحدة.",
            "اسم المستخدم أو كلمة المرور خاطئة، أو أن الحساب مقفل لمدة دقيقتين بعد محاولتي دخول فاشلتين.",
            "اسم المستخدم أو كلمة المرور خاطئة، أو أن الحساب مقفل لمدة ٥ دقائق بعد ٥ محاولات دخول فاشلة.",
            "اسم المستخدم أو كلمة المرور خاطئة، أو أن الحساب مقفل لمدة ٢١ دقيقةً بعد ٢١ محاولةَ دخول فاشلة."]),
])
def test_a_refused_sign_in_counts_its_minutes_and_failures_each_in_its_plural(app, monkeypatch, locale, expected):
    shown = []
    for n in (1, 2, 5, 21):
        monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_MINUTES", n)
        monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", n)
        with app.test_request_context(), force_locale(locale):
            shown.append(auth_ops._refusal())
    assert shown == expected


def test_a_refused_sign_in_counts_minutes_and_failures_apart(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_MINUTES", 21)
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 5)
    with app.test_request_context(), force_locale("ru"):
        assert auth_ops._refusal() == ("Неверное имя пользователя или пароль, либо учётная запись заблокирована на "
                                       "21 минуту после 5 неудачных попыток входа.")


def too_many_rows(n: int, locale: str, monkeypatch) -> tuple[str, str]:
    monkeypatch.setattr(camtrap, "MAX_ROWS", n)
    monkeypatch.setattr(reconciliation, "MAX_ROWS", n)
    with force_locale(locale):
        problems = camtrap._Problems()
        camtrap._typed_rows([["x"]] * (n + 1), [None], {}, "media.csv", problems)
        statement = "reference,amount,date\n" + "R-1,1,2026-01-01\n" * (n + 1)
        with pytest.raises(ValidationError) as refused:
            reconciliation.parse_statement(statement.encode())
    return problems[-1].message, str(refused.value.errors["statement"][0])


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", [("В файле больше 1 строки.", "Разделите выписку: не более 1 строки."),
            ("В файле больше 2 строк.", "Разделите выписку: не более 2 строк."),
            ("В файле больше 5 строк.", "Разделите выписку: не более 5 строк."),
            ("В файле больше 21 строки.", "Разделите выписку: не более 21 строки.")]),
    ("ar", [("يحتوي الملف على أكثر من صف واحد.", "يُرجى تقسيم كشف الحساب: صف واحد على الأكثر."),
            ("يحتوي الملف على أكثر من صفين.", "يُرجى تقسيم كشف الحساب: صفان على الأكثر."),
            ("يحتوي الملف على أكثر من ٥ صفوف.", "يُرجى تقسيم كشف الحساب: ٥ صفوف على الأكثر."),
            ("يحتوي الملف على أكثر من ٢١ صفًا.", "يُرجى تقسيم كشف الحساب: ٢١ صفًا على الأكثر.")]),
])
def test_a_files_row_limit_is_counted_in_the_readers_plural(app, monkeypatch, locale, expected):
    """The camera-trap package's and the bank statement's row limits, in the reader's plural form and digits."""
    with app.test_request_context():
        assert [too_many_rows(n, locale, monkeypatch) for n in (1, 2, 5, 21)] == expected


def template_sentence(template: str, msgid: str, n: int, locale: str, **context) -> str:
    """The template's own ``{{ ngettext(…) }}`` that says ``msgid``, rendered for a count of ``n``."""
    source = (ROOT / template).read_text(encoding="utf-8")
    start = source.rindex("{{", 0, source.index(msgid))
    with force_locale(locale):
        return render_template_string(source[start:source.index("}}", start) + 2], n=n, **context)


SENTENCES = [  # (template, msgid, context for the count n)
    ("conflict_service/templates/audit/index.html", "Intact at the last verification",
     lambda n: {"check": SimpleNamespace(events_checked=n, checked_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
                                         checked_by="auditor_ir"), "tz": "UTC"}),
    ("oversight/templates/oversight/dashboard.html", "awaiting funds: %(num)s claim",
     lambda n: {"fund": SimpleNamespace(available=Decimal(0), reserved=Decimal(0), currency="IRR", awaiting_count=n,
                                        awaiting_total=Decimal(0))}),
    ("insurance/templates/insurance/scheme.html", "Derived from %(num)s posting",
     lambda n: {"fund": SimpleNamespace(postings=n, premiums=Decimal(0), contributions=Decimal(0),
                                        payouts=Decimal(0)), "cur": "AMD"}),
]


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", [["проверил 1 событие.", "проверил 2 события.", "проверил 5 событий.", "проверил 21 событие."],
            ["ждут средств: 1 заявка,", "ждут средств: 2 заявки,", "ждут средств: 5 заявок,",
             "ждут средств: 21 заявка,"],
            ["Рассчитано по 1 проводке:", "Рассчитано по 2 проводкам:", "Рассчитано по 5 проводкам:",
             "Рассчитано по 21 проводке:"]]),
    ("ar", [["فُحص حدث واحد في", "فُحص حدثان في", "فُحصت ٥ أحداث في", "فُحص ٢١ حدثًا في"],
            ["بانتظار التمويل: مطالبة واحدة،", "بانتظار التمويل: مطالبتان،", "بانتظار التمويل: ٥ مطالبات،",
             "بانتظار التمويل: ٢١ مطالبةً،"],
            ["محسوب من قيد واحد:", "محسوب من قيدين:", "محسوب من ٥ قيود:", "محسوب من ٢١ قيدًا:"]]),
])
def test_counted_sentences_in_pages_take_the_readers_plural(app, locale, expected):
    """The audit page's verified events, the dashboard's claims awaiting funds and a scheme's postings."""
    with app.test_request_context():
        for (template, msgid, context), wanted in zip(SENTENCES, expected, strict=True):
            shown = [template_sentence(template, msgid, n, locale, **context(n)) for n in (1, 2, 5, 21)]
            assert all(part in line for part, line in zip(wanted, shown, strict=True)), shown


def audit_line(action: str, data: dict, locale: str, label: str = "#7") -> str:
    event = SimpleNamespace(action=action, data=data, entity_label=label, entity_id=7)
    with force_locale(locale):
        return describe_event(event).replace("\u2068", "").replace("\u2069", "")  # the label's isolates aside


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", [f"Сформирован пакет выплат #7: {n}, 1\u00a0000\u00a0риал"
            for n in ("1 выплата", "2 выплаты", "5 выплат", "21 выплата")]),
    ("ar", [f"تم إعداد دفعة الصرف #٧: {n}، \u200f١٬٠٠٠\u00a0ر.إ."
            for n in ("عملية صرف واحدة", "عمليتا صرف", "٥ عمليات صرف", "٢١ عمليةَ صرف")]),
    ("en", [f"Payment batch #7 built: {n}, IRR\u00a01,000" for n in ("1 payment", "2 payments", "5 payments",
                                                                     "21 payments")]),
])
def test_a_payment_batchs_audit_line_counts_its_payments_in_the_readers_plural(app, locale, expected):
    """A registered description agrees with the count the event recorded, which the sentence shows in the reader's
    digits."""
    with app.test_request_context():
        shown = [audit_line("payment_batch.created", {"payments": n, "currency": "IRR", "total": "1000"}, locale)
                 for n in (1, 2, 5, 21)]
    assert shown == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["Заявки выгружены (CSV): 1 строка", "Заявки выгружены (CSV): 2 строки", "Заявки выгружены (CSV): 5 строк",
            "Заявки выгружены (CSV): 21 строка",
            "Открытые данные выгружены: уровень «Партнёрский» для Iran DoE, 1 событие",
            "Открытые данные выгружены: уровень «Партнёрский» для Iran DoE, 2 события",
            "Открытые данные выгружены: уровень «Партнёрский» для Iran DoE, 5 событий",
            "Открытые данные выгружены: уровень «Партнёрский» для Iran DoE, 21 событие"]),
    ("ar", ["صُدِّرت مطالبات التعويض (CSV): صف واحد", "صُدِّرت مطالبات التعويض (CSV): صفان",
            "صُدِّرت مطالبات التعويض (CSV): ٥ صفوف", "صُدِّرت مطالبات التعويض (CSV): ٢١ صفًا",
            "صُدِّرت البيانات المفتوحة: المستوى شريك إلى Iran DoE، حدث واحد",
            "صُدِّرت البيانات المفتوحة: المستوى شريك إلى Iran DoE، حدثان",
            "صُدِّرت البيانات المفتوحة: المستوى شريك إلى Iran DoE، ٥ أحداث",
            "صُدِّرت البيانات المفتوحة: المستوى شريك إلى Iran DoE، ٢١ حدثًا"]),
])
def test_exports_audit_lines_count_their_rows_in_the_readers_plural(app, locale, expected):
    with app.test_request_context():
        claims = [audit_line("export.claims", {"format": "csv", "rows": n}, locale, label="csv") for n in (1, 2, 5, 21)]
        events = [audit_line("export.opendata", {"tier": "partner", "recipient": "Iran DoE", "rows": n}, locale,
                             label="Iran DoE") for n in (1, 2, 5, 21)]
    assert claims + events == expected


def test_a_counted_audit_line_keeps_its_label_apart_on_pages_and_reads_a_missing_count_as_a_dash(app):
    event = SimpleNamespace(action="payment_batch.created", data={"payments": 2, "currency": "IRR", "total": "1000"},
                            entity_label="#7", entity_id=7)
    with app.test_request_context(), force_locale("ru"):
        assert str(describe_html(event)) == "Сформирован пакет выплат \u2068#7\u2069: 2 выплаты, 1\u00a0000\u00a0риал"
        event.data = {"programme": 3}  # the synthetic data record no count
        assert describe_event(event) == "Сформирован пакет выплат \u2068#7\u2069: — выплат, —"


def photo_taken(hours: int, locale: str) -> str:
    with force_locale(locale):
        return describe("photo_mismatch", {"photos": [{"name": "IMG_1.jpg", "hours_before": hours, "km": None}]})


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["IMG_1.jpg: снято за 1 час до происшествия", "IMG_1.jpg: снято за 2 часа до происшествия",
            "IMG_1.jpg: снято за 5 часов до происшествия", "IMG_1.jpg: снято за 21 час до происшествия",
            "IMG_1.jpg: снято за 1\u00a0234 часа до происшествия"]),
    ("ar", ["IMG_1.jpg: التُقطت قبل الحادثة بساعة واحدة", "IMG_1.jpg: التُقطت قبل الحادثة بساعتين",
            "IMG_1.jpg: التُقطت قبل الحادثة بـ ٥ ساعات", "IMG_1.jpg: التُقطت قبل الحادثة بـ ٢١ ساعةً",
            "IMG_1.jpg: التُقطت قبل الحادثة بـ ١٬٢٣٤ ساعةً"]),
])
def test_the_photo_flag_counts_its_hours_in_the_readers_plural(app, locale, expected):
    """A photo taken long before the incident: its hours in the reader's plural, a large count grouped as shown."""
    with app.test_request_context():
        assert [photo_taken(n, locale) for n in (1, 2, 5, 21, 1234)] == expected


def fund(months) -> SimpleNamespace:
    return SimpleNamespace(held=Decimal(0), currency="AMD", reserve_months=Decimal(months), monthly_payouts=Decimal(0),
                           seasons=[], reserve_level=SimpleNamespace(value="ok", title="—"))


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", [["за 1 месяц до и после", "за 2 месяца до и после", "за 5 месяцев до и после", "за 21 месяц до и после"],
            ["это 1 месяц средних", "это 2 месяца средних", "это 5 месяцев средних", "это 21 месяц средних"]]),
    ("ar", [["شهرًا واحدًا قبل كل تركيب", "شهرين قبل كل تركيب", "٥ أشهر قبل كل تركيب", "٢١ شهرًا قبل كل تركيب"],
            ["ما يكفي لشهر واحد من", "ما يكفي لشهرين من", "ما يكفي لـ ٥ أشهر من", "ما يكفي لـ ٢١ شهرًا من"]]),
])
def test_the_effectiveness_window_and_a_funds_reserve_count_their_months_in_the_readers_plural(app, locale,
                                                                                              expected):
    window = ("mitigation/templates/mitigation/effectiveness.html", "month either side of each installation",
              lambda n: {"report": SimpleNamespace(start=datetime(2025, 1, 1).date(), end=datetime(2026, 1, 1).date(),
                                                   params=SimpleNamespace(window_months=n))})
    reserve = ("oversight/templates/oversight/_fund_health.html", "month of average payouts",
               lambda n: {"h": fund(n)})
    with app.test_request_context():
        for (template, msgid, context), wanted in zip((window, reserve), expected, strict=True):
            shown = [template_sentence(template, msgid, n, locale, **context(n)) for n in (1, 2, 5, 21)]
            assert all(part in line for part, line in zip(wanted, shown, strict=True)), shown


@pytest.mark.parametrize(("locale", "months", "expected"), [
    ("ru", "4.5", "это 4,5 месяца средних выплат"), ("ru", "5.0", "это 5 месяцев средних выплат"),
    ("ar", "4.5", "ما يكفي لـ ٤٫٥ شهر من متوسط المدفوعات"), ("ar", "3.0", "ما يكفي لـ ٣ أشهر من متوسط المدفوعات"),
    ("en", "1.0", "1 month of average payouts"), ("en", "1.5", "1.5 months of average payouts"),
])
def test_a_reserve_with_a_fraction_of_a_month_takes_the_form_a_language_gives_fractions(app, locale, months, expected):
    with app.test_request_context(), force_locale(locale):
        page = render_template_string('{% include "oversight/_fund_health.html" %}', h=fund(months))
    assert expected in page


def test_a_files_size_limit_reads_in_the_readers_digits_and_unit(app):
    """The bank statement's and the rate table's size limits, as a size people read rather than a count of bytes."""
    from conflict_service import rate_tables
    with app.test_request_context(), force_locale("fa"):
        with pytest.raises(ValidationError) as statement:
            reconciliation.parse_statement(b"x" * (reconciliation.MAX_BYTES + 1))
        with pytest.raises(ValidationError) as rates:
            rate_tables.parse_csv(b"x" * (rate_tables.MAX_CSV_BYTES + 1), None, ())
    assert statement.value.errors["statement"] == ["فایل بزرگ‌تر از ۱٬۹۵۳\u00a0کیلوبایت است."]
    assert rates.value.errors["file"] == ["فایل بزرگ‌تر از ۹۷۷\u00a0کیلوبایت است."]


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["В архиве больше 1 файла.", "В архиве больше 2 файлов.", "В архиве больше 5 файлов.",
            "В архиве больше 21 файла."]),
    ("ar", ["يحتوي الأرشيف على أكثر من ملف واحد.", "يحتوي الأرشيف على أكثر من ملفين.",
            "يحتوي الأرشيف على أكثر من ٥ ملفات.", "يحتوي الأرشيف على أكثر من ٢١ ملفًا."]),
])
def test_a_camera_trap_archives_file_limit_is_counted_in_the_readers_plural(app, monkeypatch, locale, expected):
    shown = []
    for n in (1, 2, 5, 21):
        monkeypatch.setattr(camtrap_archive, "MAX_MEMBERS", n)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for i in range(n + 1):
                archive.writestr(f"f{i}.csv", "")
        with app.test_request_context(), force_locale(locale), pytest.raises(camtrap_archive.Unreadable) as refused:
            camtrap_archive._zip_reader(buffer.getvalue(), "package.zip")
        shown.append(refused.value.message)
    assert shown == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", [f"Выезд на место записан (verifier_ir): подтверждено, 1 из {n}, хищник — Леопард (Достоверно)"
            for n in ("1 животного", "2 животных", "5 животных", "21 животного")]
     + [f"Для полевой записи R-1 {n}" for n in ("получена ещё 1 фотография", "получены ещё 2 фотографии",
                                                 "получено ещё 5 фотографий", "получена ещё 21 фотография")]),
    ("ar", [f"سجّل verifier_ir الزيارة الميدانية: مؤكَّدة، ١ من {n}، المفترس نمر (مؤكَّد)"
            for n in ("حيوان واحد", "حيوانين", "٥ حيوانات", "٢١ حيوانًا")]
     + [f"استُلمت {n} للسجل الميداني R-1" for n in ("صورة إضافية واحدة", "صورتان إضافيتان", "٥ صور إضافية",
                                                    "٢١ صورةً إضافية")]),
])
def test_a_site_visits_and_a_field_records_audit_lines_count_in_the_readers_plural(app, locale, expected):
    """The animals a claim reported and the photos a field record received later, each in the reader's plural."""
    visit = {"verifier": "verifier_ir", "head_verified": 1, "predator": "leopard", "confidence": "confirmed"}
    with app.test_request_context():
        shown = [audit_line("claim.verify_confirm", visit | {"head_claimed": n}, locale) for n in (1, 2, 5, 21)]
        shown += [audit_line("field_submission.media_added", {"instance_id": "R-1", "count": n}, locale)
                  for n in (1, 2, 5, 21)]
    assert shown == expected


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", [("В строке 1 значение, в заголовке — 2.", "нужно не меньше 1 фото, прикреплённого к заявке"),
            ("В строке 2 значения, в заголовке — 3.", "нужно не меньше 2 фото, прикреплённых к заявке"),
            ("В строке 5 значений, в заголовке — 6.", "нужно не меньше 5 фото, прикреплённых к заявке"),
            ("В строке 21 значение, в заголовке — 22.", "нужно не меньше 21 фото, прикреплённого к заявке")]),
    ("ar", [("في الصف قيمة واحدة، وفي صف العناوين ٢.", "صورة واحدة على الأقل مرفقة بالمطالبة"),
            ("في الصف قيمتان، وفي صف العناوين ٣.", "صورتين على الأقل مرفقتين بالمطالبة"),
            ("في الصف ٥ قيم، وفي صف العناوين ٦.", "٥ صور على الأقل مرفقة بالمطالبة"),
            ("في الصف ٢١ قيمةً، وفي صف العناوين ٢٢.", "٢١ صورةً على الأقل مرفقة بالمطالبة")]),
])
def test_a_rows_values_and_an_attributions_photos_are_counted_in_the_readers_plural(app, locale, expected):
    shown = []
    for n in (1, 2, 5, 21):
        rule = SimpleNamespace(confidence=SimpleNamespace(title="x"), is_carcass_required=False, signs=[], min_signs=0,
                               min_photos=n)
        with app.test_request_context(), force_locale(locale):
            problems = camtrap._Problems()
            camtrap._typed_rows([["v"] * n], [None] * (n + 1), {}, "media.csv", problems)
            shown.append((problems[-1].message, attribution.missing(rule, {}, 0)[0]))
    for (row, photos), (wanted_row, wanted_photos) in zip(shown, expected, strict=True):
        assert row == wanted_row and wanted_photos in photos, (row, photos)


def fallback(periods: int, units: str, locale: str) -> str:
    line = {"code": "average", "params": {"units": units, "periods": periods}}
    with force_locale(locale):
        return str(describe_line(line, "IRR"))


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", ["Замена: среднее за последний 1 подтверждённый период, 1 единица",
            "Замена: среднее за последние 2 подтверждённых периода, 2 единицы",
            "Замена: среднее за последние 5 подтверждённых периодов, 5 единиц",
            "Замена: среднее за последний 21 подтверждённый период, 21 единица",
            "Замена: среднее за последние 3 подтверждённых периода, 1,98 единицы"]),
    ("ar", ["البديل: متوسط آخر فترة متحقَّق منها، وحدة واحدة", "البديل: متوسط آخر فترتين متحقَّق منهما، وحدتان",
            "البديل: متوسط آخر ٥ فترات متحقَّق منها، ٥ وحدات", "البديل: متوسط آخر ٢١ فترةً متحقَّقًا منها، ٢١ وحدةً",
            "البديل: متوسط آخر ٣ فترات متحقَّق منها، ١٫٩٨ وحدة"]),
    ("en", ["Fallback: the average of the last 1 verified period, 1 unit",
            "Fallback: the average of the last 2 verified periods, 2 units",
            "Fallback: the average of the last 5 verified periods, 5 units",
            "Fallback: the average of the last 21 verified periods, 21 units",
            "Fallback: the average of the last 3 verified periods, 1.98 units"]),
])
def test_a_fallbacks_periods_and_units_each_take_their_plural(app, locale, expected):
    """A period without monitoring paid the average of earlier periods: both counts in the reader's plural, units with
    a fraction in the form a language gives fractions."""
    with app.test_request_context():
        shown = [fallback(n, f"{n}.00", locale) for n in (1, 2, 5, 21)] + [fallback(3, "1.98", locale)]
    assert shown == expected
