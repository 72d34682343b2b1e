"""Open data (DESIGN §12): the query, the one operation the API, the pages and the CLI share, and the API route."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_babel import lazy_gettext as L_
from marshmallow import ValidationError, fields, validate, validates_schema

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.schemas import bom_field
from conflict_service.spreadsheets import BOM, CSV_MEDIA
from conflict_service.timeutil import utcnow
from oversight import dwca, opendata
from oversight.opendata import PUBLIC_RECIPIENT, Request, Tier
from oversight.report_schemas import FilterSchema

FORMATS = {"dwca.zip": "application/zip", "csv": CSV_MEDIA, "geojson": "application/geo+json"}
FORMAT_RULE = "<any('dwca.zip', csv, geojson):fmt>"

blp = blueprint("Open data", __name__, "/exports", "Verified predator events for range-wide databases, anonymised "
                "(Darwin Core Archive, CSV, GeoJSON).")


class OpenDataQuerySchema(FilterSchema):
    tier = fields.String(load_default=Tier.PUBLIC.value, validate=validate.OneOf(
        [t.value for t in Tier], error=L_("Choose public or partner.")), metadata={
        "description": "public: region and 0.5° cell; partner: 0.1° grid. Months only in both."})
    recipient = fields.String(load_default=None, validate=validate.Length(max=80, error=L_(
        "At most {max} characters.")), metadata={
        "description": "Who receives the file: identifiers are stable for one recipient and differ between two. "
                       "Needed for the partner tier."})

    bom = bom_field()  # CSV only

    @validates_schema(skip_on_field_errors=True)
    def _recipient(self, data, **_kwargs):
        if data.get("tier") == Tier.PARTNER and not (data.get("recipient") or "").strip():
            raise ValidationError(L_("Name the partner who receives this file."), "recipient")


def request_of(args: dict) -> Request:
    recipient = " ".join((args.get("recipient") or "").split()) or PUBLIC_RECIPIENT
    return Request(tier=Tier(args["tier"]), recipient=recipient, start=args.get("start"), end=args.get("end"),
                   programme_id=args.get("programme_id"))


def export(user, req: Request, fmt: str, *, bom: bool = False) -> tuple[bytes, int]:
    """Build the file, audit the export (who, tier, recipient, rows) and commit; ``user`` None is the public."""
    events, withheld = opendata.events(user, req)
    if fmt == "dwca.zip":
        body = dwca.archive(events, req, utcnow().date())
    elif fmt == "csv":
        body = ((BOM if bom else "") + dwca.csv_text(events, req.tier)).encode()
    else:
        body = dwca.geojson_text(events, req.tier).encode()
    opendata.audit(user, req, fmt, len(events), withheld)
    db.session.commit()
    return body, len(events)


def export_response(user, args: dict, fmt: str) -> Response:
    req = request_of(args)
    body, _count = export(user, req, fmt, bom=args.get("bom", False))
    name = f"leopard-conflict-{req.tier.value}.{'zip' if fmt == 'dwca.zip' else fmt}"
    return Response(body, content_type=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                          "Cache-Control": "no-store"})


@blp.route("/events." + FORMAT_RULE)
class OpenDataExport(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The Darwin Core Archive, CSV or GeoJSON",
                                                 "content": {m.split(";")[0]: {} for m in FORMATS.values()}}})
    @blp.arguments(OpenDataQuerySchema, location="query")
    @roles_allowed(*OVERSEERS)
    def get(self, args, fmt):
        """Verified predator events, anonymised (DESIGN §12): a Darwin Core Archive (`events.dwca.zip`), CSV or
        GeoJSON, in the public or the partner tier, within your jurisdictions."""
        return export_response(signed_in_user(), args, fmt)
