"""The JSON API: flask-smorest wiring, bearer-token security and the reference page read from the OpenAPI document."""

from __future__ import annotations

import json

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, render_template
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from conflict_service.api_reference import operations
from conflict_service.schemas import ErrorSchema


class ServiceApi(Api):
    """flask-smorest's Api, documenting our error shape; conflict_service.errors answers every error."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


api = ServiceApi()
BEARER = [{"bearerAuth": []}]

docs = FlaskBlueprint("api_docs", __name__, url_prefix="/api/v1")


@docs.get("/docs")
def docs_page():
    if "api_reference" not in current_app.extensions:  # the document does not change while the service runs
        current_app.extensions["api_reference"] = operations(api.spec.to_dict())
    return render_template("api_docs.html", tags=current_app.extensions["api_reference"])


class BodyParser(FlaskParser):
    """A body Python's JSON reader cannot take — nested deeper than its recursion limit, or an integer of more than
    4,300 digits — is invalid JSON (400), like any other malformed body, not a crash."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as error:
            raise json.JSONDecodeError(type(error).__name__, "", 0) from None

    # "multipart": the fields and files of one multipart/form-data body read by one schema (a CSV file and its note),
    # so the OpenAPI document describes them as one request body.
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class ServiceBlueprint(ApiBlueprint):
    ARGUMENTS_PARSER = BodyParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**ApiBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


def blueprint(name: str, import_name: str, url_prefix: str, description: str) -> ApiBlueprint:
    """An API blueprint under /api/v1 whose operations document the bearer security and error shapes."""
    return ServiceBlueprint(name, import_name, url_prefix=f"/api/v1{url_prefix}", description=description)


def schema_name(schema) -> str:
    """Name schemas in the OpenAPI document; a partial (PATCH) variant gets its own name."""
    resolved = resolve_schema_cls(schema)
    cls = resolved[0] if isinstance(resolved, list) else resolved
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    if isinstance(schema, Schema) and schema.partial:
        name += "Patch"
    return name


def decimal_strings(_converter, field, ret, **_kwargs) -> dict:
    """Money and percentages travel as decimal strings ("90000000", "27500.61"), never as floats: say so."""
    if not isinstance(field, fields.Decimal) or not field.as_string:
        return {}
    for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        ret.pop(bound, None)
    return {"type": "string", "format": "decimal", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}


def init_api(app: Flask, blueprints: list[ApiBlueprint]) -> None:
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    api.init_app(app, spec_kwargs={
        "marshmallow_plugin": plugin,
        "info": {"description": "Human–leopard conflict compensation: owners, claims, verification, "
                                "assessment, payments, insurance, mitigation and oversight."},
    })
    plugin.converter.add_attribute_function(decimal_strings)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "description": "POST /api/v1/auth/token to obtain one."})
    for bp in blueprints:
        api.register_blueprint(bp)
    app.register_blueprint(docs)
