"""API: exports of claims (CSV, XLSX, GeoJSON), streamed."""

from __future__ import annotations

from flask import Response, stream_with_context
from flask.views import MethodView

from claims.queries import ClaimFilters
from claims.schemas import ClaimQuerySchema
from conflict_service.api import BEARER, blueprint
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.schemas import bom_field
from conflict_service.spreadsheets import CSV_MEDIA
from oversight import exports

blp = blueprint("Exports", __name__, "/exports", "Claims as CSV, XLSX or GeoJSON (personal data masked by role).")
MEDIA = {"csv": CSV_MEDIA, "geojson": "application/geo+json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class ExportQuerySchema(ClaimQuerySchema):
    bom = bom_field()  # CSV only

    class Meta(ClaimQuerySchema.Meta):
        exclude = ("page", "per_page")


def export_response(user, fmt: str, args: dict) -> Response:
    """Audit, commit, then stream; shared by the API, the web page and (without HTTP) the CLI."""
    args = dict(args)
    bom = args.pop("bom", False)
    filters = ClaimFilters(**args)
    exports.audit_export(user, fmt, filters)
    db.session.commit()
    headers = {"Content-Disposition": f'attachment; filename="claims.{fmt}"', "Cache-Control": "no-store"}
    if fmt == "xlsx":
        handle = exports.xlsx_file(exports.rows(user, filters))
        return Response(_file_chunks(handle), content_type=MEDIA[fmt], headers=headers)
    items = exports.rows(user, filters)
    chunks = exports.csv_chunks(items, bom) if fmt == "csv" else exports.geojson_chunks(items)
    return Response(stream_with_context(chunks), content_type=MEDIA[fmt], headers=headers)


def _file_chunks(handle, size: int = 64 * 1024):
    with handle:
        while chunk := handle.read(size):
            yield chunk


@blp.route("/claims.<any(csv, xlsx, geojson):fmt>")
class ClaimsExport(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The file, streamed",
                                                 "content": {m.split(";")[0]: {} for m in MEDIA.values()}}})
    @blp.arguments(ExportQuerySchema, location="query")
    @roles_allowed(*OVERSEERS)
    def get(self, args, fmt):
        """Export the claims you can see (managers and auditors), with the list's filters."""
        return export_response(signed_in_user(), fmt, args)
