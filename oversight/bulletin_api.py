"""The annual bulletin: its query (shared by the API, the page and the CLI), the API route and the response."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.i18n import LOCALES, native_digits
from conflict_service.schemas import BaseSchema
from oversight import bulletin

blp = blueprint("Bulletin", __name__, "/reports", "The annual bulletin of a country or programme, as a PDF.")
SOLAR_YEARS, GREGORIAN_YEARS = (1379, 1479), (2000, 2100)  # the same century in both calendars


class BulletinQuerySchema(BaseSchema):
    programme_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1, error=L_(
        "Must be between {min} and {max}.")), metadata={"description": "The programme (or give a country)."})
    country = fields.String(load_default=None, validate=validate.Length(max=40, error=L_(
        "At most {max} characters.")), metadata={"description": "A country's jurisdiction code (or a programme)."})
    year = fields.Integer(required=True, metadata={"description": (
        "The programme year, in the programme's own calendar (a country's: the one its programmes share, else Solar "
        "Hijri from Nowruz in Iran and Afghanistan, Gregorian elsewhere): 1404, 2025 or 2025 for a year from July "
        "2025. A number of the other calendar names the year that begins in it (2025 is 1404 in a Solar Hijri "
        "programme). Solar Hijri 1379-1479 or Gregorian 2000-2100.")})
    lang = fields.String(load_default="en", validate=validate.OneOf(
        LOCALES, error=L_("Choose one of the supported languages: {choices}.")))
    bilingual = fields.Boolean(load_default=False, metadata={
        "description": "Headings also in the programme's official language (programme bulletins)."})

    @validates("year")
    def _a_year_of_either_calendar(self, value, **_kwargs):
        if not any(low <= value <= high for low, high in (SOLAR_YEARS, GREGORIAN_YEARS)):
            raise ValidationError(_("Give a year from {solar_from} to {solar_to} (Solar Hijri) or from {from_} to "
                                    "{to} (Gregorian).").format(
                solar_from=native_digits(str(SOLAR_YEARS[0])), solar_to=native_digits(str(SOLAR_YEARS[1])),
                from_=native_digits(str(GREGORIAN_YEARS[0])), to=native_digits(str(GREGORIAN_YEARS[1]))))

    @validates_schema(skip_on_field_errors=True)
    def _one_scope(self, data, **_kwargs):
        if bool(data.get("programme_id")) == bool((data.get("country") or "").strip()):
            raise ValidationError(L_("Choose a programme or a country (one of them)."), "programme_id")


def choice_of(args: dict) -> bulletin.Choice:
    return bulletin.Choice(year=args["year"], programme_id=args.get("programme_id"),
                           country=(args.get("country") or "").strip() or None, lang=args.get("lang") or "en",
                           bilingual=bool(args.get("bilingual")))


def pdf_response(user, args: dict) -> Response:
    pdf, name = bulletin.render(user, choice_of(args))
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"',
                                                              "Cache-Control": "no-store"})


@blp.route("/bulletin.pdf")
class BulletinPDF(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The bulletin (A4 PDF)",
                                                 "content": {"application/pdf": {}}}})
    @blp.arguments(BulletinQuerySchema, location="query")
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """The annual bulletin (DESIGN §12) of a programme or a country for a year, in any language: claims and
        verified losses, amounts paid, time to verification and payment, appeals, mitigation, the insurance funds'
        health and a map of hotspots, with the audit trail's head at printing."""
        return pdf_response(signed_in_user(), args)
