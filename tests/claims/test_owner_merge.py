"""One household registered twice becomes one record (claims.operations.merge_owners): a manager merges the record
that should not exist into the one kept, from the owner's page, the API or the command line; the claims and herd
counts move, the kept record's blanks are filled, the merged one is removed and its old links lead on."""

from __future__ import annotations

import html
from datetime import date

import pytest
import sqlalchemy as sa

from claims.enums import Species
from claims.models import Claim, HerdCount, Owner
from claims.operations import merge_owners
from conflict_service.audit.chain import verify_chain
from conflict_service.audit.models import AuditEvent
from conflict_service.audit.presentation import describe
from conflict_service.db import db
from tests.helpers import bearer, csrf_token, login


@pytest.fixture
def twins(make, world):
    """One household typed twice at the Iranian office: the first record with a phone, no ID and no home; the second
    with an ID, a home and a claim of its own."""
    ir = world.ir
    kept = make.owner(ir.clerk, ir.office, name="Ali Karimi", village="Chehelmir", national_id=None, home_lat=None,
                      home_lon=None, herd=[{"species": Species.SHEEP, "head_count": 120,
                                            "counted_on": date(2026, 4, 1)}])
    merged = make.owner(ir.clerk, ir.office, name="Ali Karimi", village="Chehelmir", national_id="0012345678",
                        phone=None, home_lat=37.5, home_lon=59.2,
                        herd=[{"species": Species.GOAT, "head_count": 30, "counted_on": date(2026, 5, 2)}])
    first = make.claim(ir, kept)
    second = make.claim(ir, merged)
    db.session.commit()
    return kept, merged, first, second


def _events(action: str, owner_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action,
                                                               AuditEvent.entity_id == owner_id)))


def test_the_api_merges_one_household_into_the_record_kept(app, api, world, twins):
    kept, merged, first, second = twins
    kept_id, merged_id, phone = kept.id, merged.id, kept.phone
    r = api("manager").post(f"/api/v1/owners/{merged_id}/merge", json={"into": kept_id, "reason": "Typed twice."})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["id"] == kept_id and body["national_id"] == "0012345678" and body["phone"] == phone
    assert (body["home_lat"], body["home_lon"]) == (37.5, 59.2)
    assert {h["species"] for h in body["herd"]} == {"sheep", "goat"}  # one herd history, each count kept

    db.session.expire_all()
    assert db.session.get(Owner, merged_id) is None
    owners = set(db.session.scalars(sa.select(Claim.owner_id).where(Claim.id.in_([first.id, second.id]))))
    assert owners == {kept_id}
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(HerdCount)
                                 .where(HerdCount.owner_id == merged_id))
    assert api("manager").get(f"/api/v1/owners/{merged_id}").status_code == 404

    merged_event, = _events("owner.merged", kept_id)
    assert merged_event.reason == "Typed twice." and merged_event.data["merged"] == merged_id
    assert merged_event.data["claim_numbers"] == [second.number] and merged_event.data["claims"] == 1
    assert merged_event.changes["national_id"] == [None, "0012345678"]
    gone, = _events("owner.merged_into", merged_id)
    assert gone.data == {"into": kept_id} and gone.entity_type == "owner"
    assert verify_chain().is_intact
    with app.test_request_context():
        assert describe(merged_event) == (f"Owner record #{merged_id} merged into this one, as the same household: "
                                          "1 claim moved")
        assert describe(gone) == f"Merged into owner record #{kept_id}, as the same household"


class Caller:
    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def post(self, path, **kw):
        return self.client.post(path, headers=self.headers, **kw)


@pytest.mark.parametrize("case", ["itself", "other country", "unseen", "no reason", "clerk"])
def test_a_merge_that_cannot_be_is_refused_and_changes_nothing(api, client, make, world, twins, case):
    kept, merged, _first, second = twins
    am_owner = make.owner(world.am.clerk, world.am.office)
    db.session.commit()
    body = {"into": kept.id, "reason": "Same family."}
    caller = api("manager")
    if case == "itself":
        body["into"] = merged.id
    elif case == "other country":  # a manager of both countries sees both records: still not one household
        make.user("manager", world.ir.country, world.am.country, username="manager_both")
        db.session.commit()
        caller, body["into"] = Caller(client, bearer(client, "manager_both")), am_owner.id
    elif case == "unseen":
        body["into"] = am_owner.id
    elif case == "no reason":
        body["reason"] = "   "
    elif case == "clerk":
        caller = api("clerk")
    r = caller.post(f"/api/v1/owners/{merged.id}/merge", json=body)
    if case == "clerk":
        assert r.status_code == 403
    else:
        assert r.status_code == 422, r.get_json()
        errors = r.get_json()["errors"]
        field = "reason" if case == "no reason" else "into"
        assert list(errors) == [field], errors
        message = " ".join(errors[field])
        expected = {"itself": "this is the record being merged", "other country": "same country",
                    "unseen": "owner record of your offices",
                    "no reason": "Say why these records are one household."}[case]  # not "This field is required."
        assert expected in message, message
    db.session.expire_all()
    assert db.session.get(Owner, merged.id) is not None
    assert db.session.get(Claim, second.id).owner_id == merged.id
    assert not _events("owner.merged", kept.id)


def test_the_manager_merges_from_the_owner_page_and_the_old_link_leads_on(client, world, twins):
    kept, merged, _first, second = twins
    kept_id, merged_id = kept.id, merged.id
    login(client, world.ir.manager)
    page = client.get(f"/owners/{merged_id}").get_data(as_text=True)
    assert f'href="/owners/{merged_id}/merge"' in page
    form = client.get(f"/owners/{merged_id}/merge").get_data(as_text=True)
    assert f'name="into" value="{kept_id}"' in form  # the twin found by name and village is offered
    assert f'value="{merged_id}"' not in form

    token = csrf_token(client, f"/owners/{merged_id}/merge")
    refused = client.post(f"/owners/{merged_id}/merge", data={"csrf_token": token, "into": str(kept_id),
                                                               "reason": ""})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="reason-errors"' in text and f'name="into" value="{kept_id}" checked' in text  # what was chosen, kept

    done = client.post(f"/owners/{merged_id}/merge", data={"csrf_token": token, "into": "",
                                                            "into_other": f"#{kept_id}", "reason": "Typed twice"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/owners/{kept_id}")
    kept_page = client.get(f"/owners/{kept_id}").get_data(as_text=True)
    assert f"Owner record #{merged_id} merged into this one." in html.unescape(kept_page)
    assert second.number in kept_page

    old = client.get(f"/owners/{merged_id}")
    assert old.status_code == 302 and old.headers["Location"].endswith(f"/owners/{kept_id}")
    assert f"Owner record #{merged_id} was merged into this one" in html.unescape(
        client.get(old.headers["Location"]).get_data(as_text=True))


def test_a_clerk_neither_sees_nor_reaches_the_merge(client, world, twins):
    _kept, merged, _first, _second = twins
    login(client, world.ir.clerk)
    assert "/merge" not in client.get(f"/owners/{merged.id}").get_data(as_text=True)
    assert client.get(f"/owners/{merged.id}/merge").status_code == 403


def test_the_command_line_merges_as_a_manager(app, runner, world, twins):
    kept, merged, _first, second = twins
    kept_id, merged_id = kept.id, merged.id
    clerk = runner.invoke(args=["owners", "merge", str(merged_id), "--into", str(kept_id), "--reason", "Twice",
                                "--user", world.ir.clerk.username])
    assert clerk.exit_code != 0 and "manager" in clerk.output
    persian = "".join("۰۱۲۳۴۵۶۷۸۹"[int(d)] for d in str(kept_id))
    result = runner.invoke(args=["owners", "merge", str(merged_id), "--into", persian, "--reason", "Twice",
                                 "--user", world.ir.manager.username])
    assert result.exit_code == 0, result.output
    assert f"Merged #{merged_id} into #{kept_id}" in result.output
    db.session.expire_all()
    assert db.session.get(Claim, second.id).owner_id == kept_id
    again = runner.invoke(args=["owners", "merge", str(merged_id), "--into", str(kept_id), "--reason", "Twice",
                                "--user", world.ir.manager.username])
    assert again.exit_code != 0


def test_a_record_merged_away_gives_its_number_to_no_one(make, world, twins):
    """SQLite numbers a row after the highest id: the newest record merged away would hand its id to the next owner
    registered, and its old links and audit trail would name another household."""
    kept, merged, _first, _second = twins
    merged_id = merged.id
    assert merged_id == db.session.scalar(sa.select(sa.func.max(Owner.id)))  # the newest: the usual duplicate
    merge_owners(merged, {"into": kept.id, "reason": "Typed twice"}, world.ir.manager)
    db.session.commit()
    newcomer = make.owner(world.ir.clerk, world.ir.office, name="Zahra Rahimi")
    db.session.commit()
    assert newcomer.id > merged_id
