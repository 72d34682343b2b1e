"""API for administrators: a language's review sheet, importing corrections, the recent changes."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from conflict_service.schemas import BaseSchema
from conflict_service.translation_review import operations
from conflict_service.translation_review.views import XLSX, xlsx_response

blp = blueprint("Translations", __name__, "/translations", "Translation review: export a language, import corrections.")
XLSX_BODY = {"type": "string", "format": "binary"}


class SheetSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "The review sheet (XLSX) with the Correction column filled"})
    reviewer = fields.String(required=True, metadata={"description": "Who reviewed the translations"})
    locale = fields.String(load_default=None, metadata={"description": "The sheet's language (default: its name)"})


class ChangeSchema(BaseSchema):
    row = fields.Integer()
    key = fields.String()
    msgid = fields.String()
    context = fields.String(allow_none=True)
    old = fields.String()
    new = fields.String()


class ImportReportSchema(BaseSchema):
    locale = fields.String()
    changes = fields.List(fields.Nested(ChangeSchema))
    warnings = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    unchanged = fields.Integer()


class RecordedChangeSchema(BaseSchema):
    occurred_at = fields.AwareDateTime()
    applied_by = fields.String(attribute="actor_name")
    locale = fields.String(attribute="data.locale")
    msgid = fields.String(attribute="data.msgid")
    context = fields.String(attribute="data.context", allow_none=True)
    old = fields.String(attribute="data.old")
    new = fields.String(attribute="data.new")
    reviewer = fields.String(attribute="data.reviewer")


class ChangesArgsSchema(BaseSchema):
    locale = fields.String(load_default=None)


class SheetArgsSchema(BaseSchema):
    locale = fields.String(required=True, metadata={"description": "The language, e.g. fa or fa_AF"})


@blp.route("/sheet")
class Sheet(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SheetArgsSchema, location="query")
    @blp.response(200, XLSX_BODY, content_type=XLSX,
                  description="Every message of the language with its context, pages and glossary terms.")
    @roles_allowed(Role.ADMIN)
    def get(self, args):
        """A language's review sheet (XLSX)."""
        return xlsx_response(args["locale"])


@blp.route("/imports")
class Imports(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SheetSchema, location="multipart")
    @blp.response(201, ImportReportSchema)
    @roles_allowed(Role.ADMIN)
    def post(self, args):
        """Check a corrected sheet and apply it: 422 listing every wrong row, and nothing changed, if any is wrong."""
        report = operations.import_corrections(args["file"].read(), args["reviewer"], signed_in_user(),
                                               args["locale"])
        db.session.commit()
        return report


@blp.route("/changes")
class Changes(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ChangesArgsSchema, location="query")
    @blp.response(200, RecordedChangeSchema(many=True))
    @roles_allowed(Role.ADMIN)
    def get(self, args):
        """The latest corrected translations, newest first, with who reviewed and who applied them."""
        return operations.recent_changes(locale=args["locale"])
