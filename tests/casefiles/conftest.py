"""Fixtures for printed documents: claims with owners named in every script, and strict WeasyPrint logging."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from claims.queries import get_claim
from conflict_service.db import db
from tests.i18n.compiled import compile_catalogs

BASE = "https://claims.example.org"

# Owners' names in each locale's script, with the letters that need shaping or are easily lost. (A zero-width
# non-joiner shapes correctly but pdftotext cannot see it: see test_zero_width_non_joiner_shapes_the_name.)
NAMES = {
    "en": "Mary-Jane O'Brien",
    "fa": "غلامرضا پورمحمدی ژیان",
    "fa_AF": "عبدالرحیم احمدزی",
    "ps": "ګلاغا ښکلی ځدراڼ ډېرزی",
    "ar": "عبد الكريم الجبوري",
    "ckb": "ڕێبوار ئەحمەد کەریم",
    "ur": "محمد اسلم خان ڈوگر",
    "hy": "Արամ Պետրոսյան",
    "ka": "გიორგი ბერიძე",
    "az": "Əli Həsənoğlu",
    "tr": "Çağrı Öztürk Işık",
    "ru": "Фёдор Щукин",
    "kk": "Әлихан Бөкейханұлы Қоңыр",
    "tk": "Aýnabat Ňazarowa Şükürowa",
    "uz": "Oʻgʻiloy Shodmonova",
    "tg": "Ҷамшед Қодирӣ Ғафуров",
}


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    compile_catalogs()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def pdf_warnings():
    """Any WeasyPrint warning (a .notdef box for a missing glyph, a font or resource not loaded, CSS it ignores)
    fails the test; tests that provoke refusals read and clear the list."""
    handler, logger = _Collect(), logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
    assert not handler.records, [r.getMessage() for r in handler.records]


@pytest.fixture
def filed(world, make):
    """File a claim at the Iranian office for an owner; returns the claim as a page would load it."""

    def file(name="Hamid Amiri", language="fa", country=None, **claim_fields):
        country = country or world.ir
        owner = make.owner(country.clerk, country.office, name=name, preferred_language=language)
        claim = make.claim(country, owner, **claim_fields)
        db.session.commit()  # audit events are chained at commit; the documents show them
        return get_claim(claim.id, country.clerk)

    return file


@pytest.fixture
def chain_head():
    """The test's own oracle for a document's verification code: the hash of the claim's newest audit event, read
    straight from the table (not through the case file's reading)."""

    def head(claim_id: int) -> str:
        return db.session.execute(sa.text("SELECT hash FROM audit_events WHERE entity_type = 'claim' AND "
                                          "entity_id = :id ORDER BY seq DESC LIMIT 1"), {"id": claim_id}).scalar_one()

    return head
