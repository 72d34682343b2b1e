"""``conflict_service.schemas.dump_flat_rows``: rows dumped exactly as the schema dumps them, without its per-value
lookups (a report of hundreds of rows spent half its CPU in them)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import fields

from conflict_service.schemas import BaseSchema, dump_flat_rows, money_field
from oversight.report_schemas import PayoutRowSchema


class Row(BaseSchema):
    name = fields.String()
    count = fields.Integer()
    amount = money_field()
    share = fields.Decimal(as_string=True, allow_none=True)
    day = fields.Date()
    flag = fields.Boolean()


texts = st.one_of(st.none(), st.text(max_size=12))
decimals = st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False),
                     st.decimals(allow_nan=False, allow_infinity=False, places=2),
                     st.sampled_from([Decimal("1E+3"), Decimal("0.10"), Decimal("-0"), Decimal("700.00")]))
row = st.fixed_dictionaries({}, optional={
    "name": texts, "count": st.one_of(st.none(), st.integers(-10**12, 10**12)), "amount": decimals,
    "share": decimals, "day": st.one_of(st.none(), st.dates()), "flag": st.one_of(st.none(), st.booleans())})


@settings(max_examples=300, deadline=None)
@given(st.lists(row, max_size=5))
def test_the_same_as_the_schema(rows):
    assert dump_flat_rows(Row, rows) == Row(many=True).dump(rows)
    assert [list(r) for r in dump_flat_rows(Row, rows)] == [list(r) for r in Row(many=True).dump(rows)]  # key order


def test_the_payouts_report_rows():
    rows = [{"region": "IR-01", "region_name": "Razavi Khorasan", "month": "2026-03", "currency": "IRR",
             "claims": 3, "amount": Decimal("3100")},
            {"programme": 7, "programme_name": None, "predator": None, "species": "sheep", "currency": "AMD",
             "periods": 2, "amount": Decimal("700.00")}]
    assert dump_flat_rows(PayoutRowSchema, rows) == PayoutRowSchema(many=True).dump(rows)


@pytest.mark.parametrize("field", [fields.Nested(Row), fields.List(fields.String()),
                                   fields.String(data_key="other"), fields.String(attribute="other"),
                                   fields.String(dump_default="x"), fields.Method("m")])
def test_refuses_what_it_would_dump_differently(field):
    class Odd(BaseSchema):
        value = field

        def m(self, obj):
            return obj

    with pytest.raises(TypeError):
        dump_flat_rows(Odd, [{"value": "a"}])
