"""JSON API for the review queue of field records (received, needs review)."""

from __future__ import annotations

from flask.views import MethodView

from conflict_service.api import BEARER, blueprint
from conflict_service.auth.models import Role
from conflict_service.auth.roles import OVERSEERS
from conflict_service.auth.session import roles_allowed, signed_in_user
from conflict_service.db import db
from field import operations, queries
from field.schemas import FieldSubmissionPageSchema, FieldSubmissionSchema, QueueArgsSchema, ReviewSchema

blp = blueprint("Field submissions", __name__, "/field-submissions",
                "Records sent by ODK Collect / KoboCollect that could not apply by themselves.")


@blp.route("")
class Submissions(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(QueueArgsSchema, location="query")
    @blp.response(200, FieldSubmissionPageSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, args):
        """Field records of your jurisdictions, newest first; by default those waiting for review."""
        return queries.queue_page(signed_in_user(), **args)


@blp.route("/<int:submission_id>")
class SubmissionItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, FieldSubmissionSchema)
    @roles_allowed(*OVERSEERS)
    def get(self, submission_id):
        """One field record with its files and, when it needs review, the reason."""
        return operations.get_for_review(submission_id, signed_in_user())


@blp.route("/<int:submission_id>/apply")
class SubmissionApply(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReviewSchema)
    @blp.response(200, FieldSubmissionSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, submission_id):
        """Apply the record as its verifier's site visit, once what stopped it is resolved (managers).

        Answers 409 with the reason when it still cannot apply; the record stays in the queue.
        """
        actor = signed_in_user()
        submission = operations.apply(operations.get_for_review(submission_id, actor), data["note"], actor)
        db.session.commit()
        return submission


@blp.route("/<int:submission_id>/dismiss")
class SubmissionDismiss(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReviewSchema)
    @blp.response(200, FieldSubmissionSchema)
    @roles_allowed(Role.MANAGER)
    def post(self, data, submission_id):
        """Close the record without applying it, with a note saying why (managers); it stays on file."""
        actor = signed_in_user()
        submission = operations.dismiss(operations.get_for_review(submission_id, actor), data["note"], actor)
        db.session.commit()
        return submission
