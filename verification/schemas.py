"""Load and dump schemas for assignments, site visits, evidence files and appeals (API and web forms)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as L_
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate, validates_schema

from claims.enums import Confidence, Predator, TimeOfDay
from claims.schemas import LossLineSchema
from conflict_service.schemas import BaseSchema, PageArgsSchema, enum_field, latitude, longitude, optional_text
from verification.enums import AssignmentEnd, CarcassDisposal, EvidenceKind, RejectionReason, VerificationOutcome

CHECKLIST = ("has_carcass", "has_neck_bites", "has_claw_marks", "has_drag_marks", "is_carcass_cached", "has_tracks",
             "has_scat", "has_hair", "has_camera_trap_image")
CORRECTIONS = ("time_of_day", "is_in_corral", "is_herder_present", "is_guard_dog_present")
NOTES = validate.Length(max=5000, error=L_("Use at most {max} characters."))
GROUNDS = L_("Give the owner's grounds for the appeal.")


class AssignSchema(BaseSchema):
    verifier_id = fields.Integer(required=True, error_messages={"required": L_("Choose a verifier.")},
                                 metadata={"description": "A verifier whose area covers the claim."})
    reason = optional_text(1000, metadata={"description": "Why the claim is (re)assigned; kept in the history."})


class AppealSchema(BaseSchema):
    reason = fields.String(required=True, error_messages={"required": GROUNDS}, validate=[
        validate.Length(min=1, error=GROUNDS), NOTES],
        metadata={"description": "The owner's grounds for the appeal."})
    verifier_id = fields.Integer(load_default=None, metadata={
        "description": "Assign the new verifier in the same step; it must not be the one who verified before."})


class VerificationCreateSchema(BaseSchema):
    visited_at = fields.AwareDateTime(required=True, error_messages={"required": L_("Give the date of the visit.")})
    visit_lat = latitude(allow_none=True, load_default=None)
    visit_lon = longitude(allow_none=True, load_default=None)
    has_carcass = fields.Boolean(load_default=False)
    has_neck_bites = fields.Boolean(load_default=False, metadata={"description": "Bite marks on the neck or throat."})
    canine_spacing_mm = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(
        min=5, max=150, error=L_("Give the spacing between the canine marks in mm, between {min} and {max}.")))
    has_claw_marks = fields.Boolean(load_default=False)
    has_drag_marks = fields.Boolean(load_default=False)
    is_carcass_cached = fields.Boolean(load_default=False, metadata={"description": "Carcass cached or covered."})
    has_tracks = fields.Boolean(load_default=False)
    has_scat = fields.Boolean(load_default=False)
    has_hair = fields.Boolean(load_default=False)
    has_camera_trap_image = fields.Boolean(load_default=False)
    predator = enum_field(Predator, required=True, error_messages={"required": L_("Choose the predator.")})
    confidence = enum_field(Confidence, required=True, error_messages={
        "required": L_("Say how sure the attribution is.")})
    time_of_day = enum_field(TimeOfDay, allow_none=True, load_default=None,
                             metadata={"description": "As found at the site; leave out to keep the claim's."})
    is_in_corral = fields.Boolean(allow_none=True, load_default=None)
    is_herder_present = fields.Boolean(allow_none=True, load_default=None)
    is_guard_dog_present = fields.Boolean(allow_none=True, load_default=None)
    carcass_disposal = enum_field(CarcassDisposal, allow_none=True, load_default=None)
    outcome = enum_field(VerificationOutcome, required=True, error_messages={
        "required": L_("Say whether the claim is confirmed or rejected.")})
    rejection_reason = enum_field(RejectionReason, allow_none=True, load_default=None)
    notes = fields.String(load_default="", validate=NOTES)
    lines = fields.List(fields.Nested(LossLineSchema), load_default=list, validate=validate.Length(
        max=20, error=L_("Give at most {max} loss lines.")), metadata={"description": "The losses as verified."})

    @validates_schema
    def _checks(self, data, **_kwargs):
        errors: dict[str, list] = {}
        if (data.get("visit_lat") is None) != (data.get("visit_lon") is None):
            errors["visit_lon" if data.get("visit_lon") is None else "visit_lat"] = [
                L_("Give both latitude and longitude, or neither.")]
        _outcome_rules(data, errors)
        if data.get("has_carcass") and data.get("carcass_disposal") is None:
            errors["carcass_disposal"] = [L_("Say what was done with the carcass: one left in place may be poisoned "
                                             "and kill leopards.")]
        keys = [(ln["species"], ln["age_class"], ln["outcome"]) for ln in data.get("lines") or []]
        if len(keys) != len(set(keys)):
            errors["lines"] = [L_("Two lines have the same species, age class and outcome; combine them.")]
        if errors:
            raise ValidationError(errors)


def _outcome_rules(data: dict, errors: dict) -> None:
    outcome = data.get("outcome")
    if outcome == VerificationOutcome.CONFIRMED:
        if not data.get("lines"):
            errors["lines"] = [L_("A confirmed claim needs at least one verified loss line.")]
        if data.get("rejection_reason") is not None:
            errors["rejection_reason"] = [L_("Leave the rejection reason empty when the claim is confirmed.")]
    elif outcome == VerificationOutcome.REJECTED and data.get("rejection_reason") is None:
        errors["rejection_reason"] = [L_("Give the reason for rejecting the claim.")]


class CarcassDisposalSchema(BaseSchema):
    """The later disposal of a carcass that a site visit left in place (it clears the flag)."""

    disposed_on = fields.Date(required=True, error_messages={"required": L_("Give the date of the disposal.")},
                              metadata={"description": "The office's local date the carcass was disposed of."})
    how = enum_field(CarcassDisposal, required=True, error_messages={
        "required": L_("Say what was done with the carcass.")}, validate=validate.NoneOf(
        [CarcassDisposal.LEFT_IN_PLACE], error=L_("Say how the carcass was disposed of: buried, burned or removed.")))
    done_by = fields.String(required=True, validate=[
        validate.Length(min=1, max=160, error=L_("Say who disposed of it, in at most {max} characters."))],
        error_messages={"required": L_("Say who disposed of it.")},
        metadata={"description": "Who disposed of it (the owner, a ranger...)."})

    @validates_schema
    def _one_line(self, data, **_kwargs):
        if data.get("done_by") is not None and not data["done_by"].strip():
            raise ValidationError(L_("Say who disposed of it."), "done_by")


class UserBriefSchema(BaseSchema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String(attribute="display_name")


class VerifiedLineSchema(LossLineSchema):
    id = fields.Integer()


class VerificationSchema(BaseSchema):
    id = fields.Integer()
    claim_id = fields.Integer()
    round = fields.Integer(metadata={"description": "1: first verification; 2: after the owner's appeal."})
    verifier = fields.Nested(UserBriefSchema)
    recorded_at = fields.AwareDateTime()
    visited_at = fields.AwareDateTime()
    visit_lat = fields.Float(allow_none=True)
    visit_lon = fields.Float(allow_none=True)
    has_carcass = fields.Boolean()
    has_neck_bites = fields.Boolean()
    canine_spacing_mm = fields.Integer(allow_none=True)
    has_claw_marks = fields.Boolean()
    has_drag_marks = fields.Boolean()
    is_carcass_cached = fields.Boolean()
    has_tracks = fields.Boolean()
    has_scat = fields.Boolean()
    has_hair = fields.Boolean()
    has_camera_trap_image = fields.Boolean()
    predator = enum_field(Predator)
    confidence = enum_field(Confidence)
    time_of_day = enum_field(TimeOfDay, allow_none=True)
    is_in_corral = fields.Boolean(allow_none=True)
    is_herder_present = fields.Boolean(allow_none=True)
    is_guard_dog_present = fields.Boolean(allow_none=True)
    carcass_disposal = enum_field(CarcassDisposal, allow_none=True)
    is_carcass_left = fields.Boolean(metadata={
        "description": "Flag: the carcass was left in place and its disposal is not recorded (poisoning risk)."})
    carcass_disposed_on = fields.Date(allow_none=True, metadata={
        "description": "A carcass left in place: the date it was disposed of later."})
    carcass_disposed_how = enum_field(CarcassDisposal, allow_none=True)
    carcass_disposed_by = fields.String(allow_none=True, metadata={"description": "Who disposed of it."})
    carcass_disposal_recorded_by = fields.Nested(lambda: UserBriefSchema(), allow_none=True)
    carcass_disposal_recorded_at = fields.AwareDateTime(allow_none=True)
    outcome = enum_field(VerificationOutcome)
    rejection_reason = enum_field(RejectionReason, allow_none=True)
    notes = fields.String()
    head_verified = fields.Integer()
    lines = fields.List(fields.Nested(VerifiedLineSchema))


class AssignmentSchema(BaseSchema):
    id = fields.Integer()
    round = fields.Integer()
    verifier = fields.Nested(UserBriefSchema)
    assigned_by = fields.Nested(UserBriefSchema)
    assigned_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = enum_field(AssignmentEnd, allow_none=True)


class EvidenceUploadSchema(BaseSchema):
    file = Upload(required=True, metadata={"description": "A JPEG or PNG photo or a PDF document."})


class EvidenceSchema(BaseSchema):
    id = fields.Integer()
    claim_id = fields.Integer()
    sha256 = fields.String()
    kind = enum_field(EvidenceKind)
    content_type = fields.String()
    size_bytes = fields.Integer()
    display_name = fields.String(metadata={"description": "The name it was uploaded with (display only)."})
    uploaded_at = fields.AwareDateTime()
    uploaded_by = fields.Nested(UserBriefSchema)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    exif_taken_at = fields.AwareDateTime(allow_none=True)
    exif_lat = fields.Float(allow_none=True)
    exif_lon = fields.Float(allow_none=True)
    distance_km = fields.Float(allow_none=True, metadata={
        "description": "Distance from the claimed incident place to where the photo was taken (EXIF GPS)."})
    hours_from_incident = fields.Float(allow_none=True, metadata={
        "description": "Photo time minus claimed incident time, in hours; negative when taken before it."})
    is_far_from_incident = fields.Boolean()
    is_taken_before_incident = fields.Boolean()
    has_thumbnail = fields.Boolean()
    file_url = fields.Method("_file_url")
    thumbnail_url = fields.Method("_thumbnail_url", allow_none=True)

    def _file_url(self, evidence) -> str:
        return url_for("Verification.EvidenceContent", claim_id=evidence.claim_id, evidence_id=evidence.id)

    def _thumbnail_url(self, evidence) -> str | None:
        if not evidence.has_thumbnail:
            return None
        return url_for("Verification.EvidenceThumbnail", claim_id=evidence.claim_id, evidence_id=evidence.id)


class EvidenceUploadedSchema(EvidenceSchema):
    duplicate = fields.Boolean(attribute="is_duplicate_upload", metadata={
        "description": "True when this file was already attached to the claim."})


class WorklistQuerySchema(PageArgsSchema):
    overdue = fields.Boolean(load_default=None)
