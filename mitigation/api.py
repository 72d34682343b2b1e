"""JSON API for mitigation measures, inspections, guardian dogs and the effectiveness report."""

from __future__ import annotations

from flask.views import MethodView

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import FIELD_RECORDERS, RECORD_READERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from mitigation import effectiveness, export, operations, queries
from mitigation.report_schemas import ReportCsvQuerySchema, ReportQuerySchema, ReportSchema
from mitigation.schemas import (
    DogOutSchema,
    DogPageSchema,
    DogQuerySchema,
    InspectionCreateSchema,
    InspectionSchema,
    MeasureCreateSchema,
    MeasurePageSchema,
    MeasureQuerySchema,
    MeasureSchema,
    VaccinationCreateSchema,
    VaccinationSchema,
)

measures = blueprint("Mitigations", __name__, "/mitigations",
                     "Mitigation measures at households (corrals, fences, dogs, foxlights, collars, training) "
                     "and their inspections.")
dogs = blueprint("Dogs", __name__, "/dogs", "Livestock guardian dogs (ids are their measures' ids) and vaccinations.")
reports = blueprint("MitigationReports", __name__, "/reports", "What works: the mitigation effectiveness report.")


@measures.route("")
class Measures(MethodView):
    @measures.doc(security=BEARER)
    @measures.arguments(MeasureQuerySchema, location="query")
    @measures.response(200, MeasurePageSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, args):
        """List measures at households of your offices, by village, with filters."""
        user = signed_in_user()
        page, per_page = args.pop("page"), args.pop("per_page")
        return queries.measures_page(user, queries.MeasureFilters(**args), page, per_page)

    @measures.doc(security=BEARER)
    @measures.arguments(MeasureCreateSchema)
    @measures.response(201, MeasureSchema)
    @roles_allowed(Role.CLERK)
    def post(self, data):
        """Record a measure installed at a household (clerks). A guardian dog needs `dog`."""
        measure = operations.create_measure(data, signed_in_user())
        db.session.commit()
        return measure


@measures.route("/<int:measure_id>")
class MeasureItem(MethodView):
    @measures.doc(security=BEARER)
    @measures.response(200, MeasureSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, measure_id):
        """One measure with its current status."""
        return queries.get_measure(measure_id, signed_in_user())

    @measures.doc(security=BEARER)
    @measures.arguments(MeasureCreateSchema(partial=True))
    @measures.response(200, MeasureSchema)
    @roles_allowed(Role.CLERK)
    def patch(self, data, measure_id):
        """Correct a measure's details (clerks); its kind and household cannot change."""
        user = signed_in_user()
        measure = operations.update_measure(queries.get_measure(measure_id, user), data, user)
        db.session.commit()
        return measure


@measures.route("/<int:measure_id>/inspections")
class MeasureInspections(MethodView):
    @measures.doc(security=BEARER)
    @measures.response(200, InspectionSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self, measure_id):
        """The measure's inspections, latest first."""
        return queries.inspections_of(queries.get_measure(measure_id, signed_in_user()))

    @measures.doc(security=BEARER)
    @measures.arguments(InspectionCreateSchema)
    @measures.response(201, InspectionSchema)
    @roles_allowed(*FIELD_RECORDERS)
    def post(self, data, measure_id):
        """Record an inspection (clerks and field verifiers); the latest one by date sets the status."""
        user = signed_in_user()
        inspection = operations.record_inspection(queries.get_measure(measure_id, user), data, user)
        db.session.commit()
        return inspection


@dogs.route("")
class Dogs(MethodView):
    @dogs.doc(security=BEARER)
    @dogs.arguments(DogQuerySchema, location="query")
    @dogs.response(200, DogPageSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, args):
        """Guardian dogs still kept at households of your offices; `overdue=true` for those due a vaccine."""
        return queries.dogs_page(signed_in_user(), **args)


@dogs.route("/<int:dog_id>")
class DogItem(MethodView):
    @dogs.doc(security=BEARER)
    @dogs.response(200, DogOutSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, dog_id):
        """One dog with its vaccinations and what is overdue today."""
        return queries.get_dog(dog_id, signed_in_user())


@dogs.route("/<int:dog_id>/vaccinations")
class DogVaccinations(MethodView):
    @dogs.doc(security=BEARER)
    @dogs.response(200, VaccinationSchema(many=True))
    @roles_allowed(*RECORD_READERS)
    def get(self, dog_id):
        """The dog's vaccinations, latest first."""
        return queries.get_dog(dog_id, signed_in_user()).vaccinations

    @dogs.doc(security=BEARER)
    @dogs.arguments(VaccinationCreateSchema)
    @dogs.response(201, VaccinationSchema)
    @roles_allowed(*FIELD_RECORDERS)
    def post(self, data, dog_id):
        """Record a vaccination (clerks and field verifiers)."""
        user = signed_in_user()
        vaccination = operations.record_vaccination(queries.get_dog(dog_id, user), data, user)
        db.session.commit()
        return vaccination


def _params(args) -> effectiveness.ReportParams:
    return effectiveness.ReportParams(window_months=args["window_months"], predators=tuple(args["predator"]),
                                      time_of_day=args["time_of_day"], start=args["start"], end=args["end"])


@reports.route("/mitigation-effectiveness")
class Effectiveness(MethodView):
    @reports.doc(security=BEARER)
    @reports.arguments(ReportQuerySchema, location="query")
    @reports.response(200, ReportSchema)
    @roles_allowed(*RECORD_READERS)
    def get(self, args):
        """Verified losses per household-year before and after each kind of measure, against non-adopters."""
        return effectiveness.effectiveness(signed_in_user(), _params(args))


@reports.route("/mitigation-effectiveness.csv")
class EffectivenessCsv(MethodView):
    @reports.doc(security=BEARER, responses={200: {"description": "The report rows as CSV",
                                                   "content": {"text/csv": {"schema": {"type": "string"}}}}})
    @reports.arguments(ReportCsvQuerySchema, location="query")
    @roles_allowed(*RECORD_READERS)
    def get(self, args):
        """The same report as CSV, one row per region and kind of measure."""
        report = effectiveness.effectiveness(signed_in_user(), _params(args))
        return export.report_response(report, bom=args["bom"])
