"""A field record whose evidence falls short of the programme's rules (issue 17.5) is kept for review, not lost, and
the device is told exactly what is missing; photos sent with the record count."""

from __future__ import annotations

import sqlalchemy as sa

from claims.states import ClaimState
from conflict_service.db import db
from field.models import FieldSubmission
from tests.field.device import instance_xml
from tests.verification.conftest import jpeg_bytes
from verification.models import EvidenceFile, Verification


def test_a_field_record_short_of_evidence_is_kept_for_review_and_the_device_told_why(
        client, world, assigned, collect):
    answer = collect.post(instance_xml(assigned.number, confidence="confirmed",
                                       checklist="has_carcass has_neck_bites has_tracks"), [])
    assert answer.status_code == 201
    text = answer.get_data(as_text=True)
    assert "A manager will review it: The site visit was refused" in text
    assert "needs at least 1 photo attached to the claim or sent with the visit; there are 0." in text
    kept = db.session.scalars(sa.select(FieldSubmission)).one()
    assert kept.status.value == "needs_review" and kept.reason.value == "refused"
    assert "at least 1 photo" in kept.reason_detail["errors"]["confidence"][-2]
    db.session.expire_all()
    assert assigned.status == ClaimState.UNDER_VERIFICATION
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Verification)) == 0


def test_a_field_record_counts_the_photos_it_came_with(client, world, assigned, collect):
    answer = collect.post(instance_xml(assigned.number, confidence="confirmed", photos=["a.jpg"],
                                       checklist="has_carcass has_neck_bites has_tracks"), [("a.jpg", jpeg_bytes())])
    assert answer.status_code == 201
    assert "Site visit recorded" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceFile)) == 1
