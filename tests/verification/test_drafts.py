"""The visit form never loses work: a form posted after the session expired is kept, with its photos, until its
verifier signs in again; only they can open it."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from claims.states import ClaimState
from conflict_service.db import db
from conflict_service.timeutil import utcnow
from tests.factories import PASSWORD
from tests.helpers import csrf_token, login
from tests.verification.conftest import jpeg_bytes, multipart
from tests.verification.test_web import visit_form
from verification.models import EvidenceFile, VisitDraft


def test_an_expired_session_keeps_the_form_and_photos_until_the_verifier_signs_in(client, world, assigned):
    login(client, world.ir.verifier)
    token = csrf_token(client, f"/claims/{assigned.id}/visit")
    form = dict(visit_form(notes="Written at the carcass."), csrf_token=token)
    form["photos"] = [(jpeg_bytes(), "throat.jpg"), (jpeg_bytes(color=(10, 20, 30)), "tracks.jpg")]
    with time_machine.travel(utcnow() + timedelta(minutes=45)):
        late = client.post(f"/claims/{assigned.id}/visit", **multipart(form))
        assert late.status_code == 302 and "/login" in late.headers["Location"]
        db.session.expire_all()
        assert assigned.status == ClaimState.UNDER_VERIFICATION
        draft = db.session.scalar(sa.select(VisitDraft))
        assert [p["name"] for p in draft.photos] == ["throat.jpg", "tracks.jpg"]

        other = client.application.test_client()
        login(other, world.ir.verifier2)
        draft_url = f"/claims/{assigned.id}/visit?draft={draft.token}"
        assert other.get(draft_url).status_code in (403, 404)  # someone else's kept form stays closed

        login_page = client.get(late.headers["Location"]).get_data(as_text=True)
        assert "what you entered and the photos you chose are kept" in login_page
        back_to = re.findall(r'name="next" value="([^"]+)"', login_page)[-1].replace("&amp;", "&")  # the sign-in form's
        signed_in = client.post("/login", data={"username": world.ir.verifier.username, "password": PASSWORD,
                                                "next": back_to, "csrf_token": csrf_token(client)})
        assert signed_in.status_code == 302 and "draft=" in signed_in.headers["Location"]
        page = client.get(signed_in.headers["Location"])
        html = page.get_data(as_text=True)
        assert "Written at the carcass." in html and "throat.jpg" in html and "tracks.jpg" in html
        fields = dict(visit_form(notes="Written at the carcass."), csrf_token=csrf_token(
            client, signed_in.headers["Location"]))
        fields["draft"] = re.search(r'name="draft" value="([^"]+)"', html).group(1)
        fields["keep_photo"] = re.findall(r'name="keep_photo" value="([0-9a-f]{64})"', html)
        saved = client.post(f"/claims/{assigned.id}/visit", **multipart(fields))
        assert saved.status_code == 302
    db.session.expire_all()
    assert assigned.status == ClaimState.VERIFIED
    names = db.session.scalars(sa.select(EvidenceFile.display_name).where(EvidenceFile.claim_id == assigned.id)
                               .order_by(EvidenceFile.id)).all()
    assert names == ["throat.jpg", "tracks.jpg"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitDraft)) == 0
