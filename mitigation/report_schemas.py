"""Schemas of the effectiveness report: its query (API and page filters) and its rows."""

from __future__ import annotations

from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, validate, validates_schema

from claims.enums import Predator, TimeOfDay
from conflict_service.schemas import BaseSchema, bom_field, enum_field
from mitigation.enums import MeasureKind
from mitigation.stats import CONTINUITY, MIN_EVENTS, MIN_HOUSEHOLD_YEARS


class ReportQuerySchema(BaseSchema):
    window_months = fields.Integer(load_default=24, validate=validate.Range(
        min=6, max=60, error=L_("Must be between {min} and {max}.")), metadata={
        "description": "Months before and after each installation that are compared."})
    predator = fields.List(enum_field(Predator), load_default=lambda: [Predator.LEOPARD], validate=validate.Length(
        min=1, error=L_("Choose at least one predator.")), metadata={"description": "Repeatable; default leopard."})
    time_of_day = enum_field(TimeOfDay, load_default=None, metadata={
        "description": "Only losses at this time of day (as corrected by the verifier)."})
    start = fields.Date(load_default=None, metadata={"description": "Default: the first incident on record."})
    end = fields.Date(load_default=None, metadata={"description": "Default: today."})

    @validates_schema(skip_on_field_errors=True)
    def _range(self, data, **_kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(L_("The end of the range is before its start."), "end")


class Rounded(fields.Float):
    """A statistic shown to a sensible precision (not money: money is never float)."""

    def __init__(self, places: int = 4, **kwargs):
        super().__init__(allow_none=True, **kwargs)
        self.places = places

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else round(float(value), self.places)


class CellSchema(BaseSchema):
    events = fields.Integer()
    household_years = Rounded(2)
    rate = Rounded(4, metadata={"description": "Losses per household-year."})


class EstimateSchema(BaseSchema):
    ratio = Rounded(metadata={"description": "Ratio of rate ratios: adopters after/before ÷ non-adopters."})
    low = Rounded(metadata={"description": "95% interval, lower end."})
    high = Rounded(metadata={"description": "95% interval, upper end."})
    adopters_ratio = Rounded()
    others_ratio = Rounded(data_key="non_adopters_ratio")
    is_small_sample = fields.Boolean(data_key="small_sample")
    is_corrected = fields.Boolean(data_key="continuity_corrected")
    verdict = fields.String(metadata={"description": "fewer, more, unclear or small_sample."})
    change_pct = Rounded(1)


class EffectRowSchema(BaseSchema):
    region_code = fields.String(attribute="region.code")
    region = fields.String(attribute="region.name")
    kind = enum_field(MeasureKind)
    adopters = fields.Integer()
    non_adopters = fields.Integer(attribute="others")
    reference_date = fields.Date(attribute="reference_on", metadata={
        "description": "Median installation date of the adopters; the non-adopters' periods turn on it."})
    adopters_before = fields.Nested(CellSchema)
    adopters_after = fields.Nested(CellSchema)
    non_adopters_before = fields.Nested(CellSchema, attribute="others_before")
    non_adopters_after = fields.Nested(CellSchema, attribute="others_after")
    estimate = fields.Nested(EstimateSchema)


class ThresholdsSchema(BaseSchema):
    min_events = fields.Integer()
    min_household_years = fields.Float()
    continuity_correction = fields.Float()


class ReportSchema(BaseSchema):
    start = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)
    window_months = fields.Integer(attribute="params.window_months")
    predators = fields.List(enum_field(Predator), attribute="params.predators")
    time_of_day = enum_field(TimeOfDay, attribute="params.time_of_day", allow_none=True)
    thresholds = fields.Method("_thresholds", metadata={"type": "object"})
    rows = fields.List(fields.Nested(EffectRowSchema))

    def _thresholds(self, _report):
        return ThresholdsSchema().dump({"min_events": MIN_EVENTS, "min_household_years": MIN_HOUSEHOLD_YEARS,
                                        "continuity_correction": CONTINUITY})


class ReportCsvQuerySchema(ReportQuerySchema):
    bom = bom_field()
