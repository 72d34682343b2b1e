"""The manager's forms: a community, a contract (Solar Hijri dates and Persian digits), its confirmation by a second
manager, and a change of its money terms proposed and decided — bad input redisplayed with a message per field and
nothing recorded; what is recorded is audited."""

import json
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from performance.models import Community, Contract, ContractChange
from tests.helpers import csrf_token, login
from tests.performance.conftest import AREA

FA = {"Accept-Language": "fa"}


def events(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_community_is_registered_with_the_owners_ticked(client, perf, make, world):
    ir = world.ir
    programme = perf.programme()
    herders = [make.owner(ir.clerk, ir.office, name=name) for name in ("Reza Ahmadi", "Maryam Karimi")]
    foreign = make.owner(world.am.clerk, world.am.office, name="Armen Petrosyan")
    db.session.commit()
    login(client, ir.manager)
    token = csrf_token(client, "/performance/communities/new")
    form = {"csrf_token": token, "programme_id": str(programme.id), "name": "Chehel Mir herders",
            "jurisdiction_id": str(ir.office.id), "account_name": "Chehel Mir council", "account_method": "bank",
            "account_number": "IR0001"}
    shown = client.post("/performance/communities/new", data={**form, "show_owners": "1"}).get_data(as_text=True)
    assert "Reza Ahmadi" in shown and "Maryam Karimi" in shown and "Armen Petrosyan" not in shown
    assert count(Community) == 0

    bad = client.post("/performance/communities/new", data={
        **form, "name": " ", "area": "{not json", "member_ids": [str(herders[0].id), str(foreign.id)]})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert 'id="name-errors"' in page and "This field is required." in page
    assert 'id="area-errors"' in page and "not valid JSON" in page
    assert "Chehel Mir council" in page and "{not json" in page  # nothing typed is lost
    assert count(Community) == 0 and events("performance_community.created") == 0

    outside = client.post("/performance/communities/new", data={
        **form, "area": json.dumps(AREA), "member_ids": [str(herders[0].id), str(foreign.id)]})
    assert outside.status_code == 422 and "Members are owners registered at the community" in outside.get_data(
        as_text=True)
    assert count(Community) == 0

    done = client.post("/performance/communities/new", data={
        **form, "area": json.dumps(AREA), "member_ids": [str(o.id) for o in herders]})
    assert done.status_code == 302 and done.headers["Location"].endswith("/performance/communities")
    community = db.session.scalar(sa.select(Community))
    assert community.name == "Chehel Mir herders" and [m.name for m in community.members] == [
        "Reza Ahmadi", "Maryam Karimi"]
    assert events("performance_community.created") == 1
    listed = client.get("/performance/communities").get_data(as_text=True)
    assert "Chehel Mir herders" in listed and f"/performance/contracts/new?community_id={community.id}" in listed


def contract_form(community_id, **over):
    form = {"community_id": str(community_id), "starts_on": "۱۴۰۴/۰۱/۱۲", "period_months": "۳",
            "period_count": "۴", "indicator": "detections", "rate": "۱۰٬۰۰۰٬۰۰۰", "cap": "۳۰٬۰۰۰٬۰۰۰",
            "forfeiture": "cut", "forfeit_pct": "۵۰", "fallback": "average", "fallback_periods": "۲",
            "distribution": "equal"}
    form.update(over)
    return form


def test_a_contract_is_written_in_persian_and_confirmed_by_a_second_manager(app, client, perf, world):
    community = perf.community()
    db.session.commit()
    login(client, world.ir.manager)
    token = csrf_token(client, f"/performance/contracts/new?community_id={community.id}")
    bad = client.post("/performance/contracts/new", headers=FA, data={
        "csrf_token": token, **contract_form(community.id, starts_on="۱۴۰۴/۱۳/۰۱", rate="-۱", period_months="۰",
                                             indicator="")})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for name in ("starts_on", "rate", "period_months", "indicator"):
        assert f'id="{name}-errors"' in page, name
    assert "۱۴۰۴/۱۳/۰۱" in page and "۳۰٬۰۰۰٬۰۰۰" in page  # what was typed comes back as typed
    assert count(Contract) == 0 and events("performance_contract.created") == 0

    no_pct = client.post("/performance/contracts/new", data={"csrf_token": token,
                                                             **contract_form(community.id, forfeit_pct="")})
    assert no_pct.status_code == 422 and 'id="forfeit_pct-errors"' in no_pct.get_data(as_text=True)
    assert count(Contract) == 0

    done = client.post("/performance/contracts/new", headers=FA,
                       data={"csrf_token": token, **contract_form(community.id)})
    assert done.status_code == 302
    contract = db.session.scalar(sa.select(Contract))
    assert (contract.starts_on, contract.period_months, contract.rate, contract.cap, contract.forfeit_pct) == (
        date(2025, 4, 1), 3, Decimal(10_000_000), Decimal(30_000_000), Decimal(50))
    assert contract.is_pending and len(contract.periods) == 4 and events("performance_contract.created") == 1

    page = client.get(f"/performance/contracts/{contract.id}").get_data(as_text=True)
    assert "Confirm the contract" not in page and "a second manager must confirm it" in page
    refused = client.post(f"/performance/contracts/{contract.id}/confirm", data={"csrf_token": token},
                          follow_redirects=True)
    assert "a second manager must confirm it" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).is_pending

    second = app.test_client()
    login(second, world.ir.manager2)
    path = f"/performance/contracts/{contract.id}"
    assert "Confirm the contract" in second.get(path).get_data(as_text=True)
    second.post(f"{path}/confirm", data={"csrf_token": csrf_token(second, path)})
    db.session.expire_all()
    assert not db.session.get(Contract, contract.id).is_pending
    assert events("performance_contract.confirmed") == 1


def test_money_terms_change_through_the_form_and_a_second_manager(app, client, perf, world):
    contract = perf.contract()
    db.session.commit()
    login(client, world.ir.manager)
    path = f"/performance/contracts/{contract.id}/changes/new"
    form = client.get(path).get_data(as_text=True)
    assert 'value="30000000"' in form and 'value="10000000"' in form  # the terms in force, to edit
    token = csrf_token(client, path)
    terms = {"indicator": "detections", "rate": "10000000", "cap": "30000000", "forfeiture": "cancel",
             "forfeit_pct": "100", "fallback": "average", "fallback_periods": "3", "distribution": "herd_weighted"}
    bad = client.post(path, data={"csrf_token": token, **terms, "cap": "a lot"})
    assert bad.status_code == 422 and 'id="cap-errors"' in bad.get_data(as_text=True)
    same = client.post(path, data={"csrf_token": token, **terms})
    assert same.status_code == 422 and "nothing to propose" in same.get_data(as_text=True)
    assert count(ContractChange) == 0

    proposed = client.post(path, data={"csrf_token": token, **terms, "cap": "۴۵٬۰۰۰٬۰۰۰"})
    assert proposed.status_code == 302
    change = db.session.scalar(sa.select(ContractChange))
    assert change.after == {"cap": "45000000"} and events("performance_contract.change_proposed") == 1
    detail = f"/performance/contracts/{contract.id}"
    mine = client.get(detail).get_data(as_text=True)
    assert "Withdraw the proposal" in mine and "Confirm the change" not in mine
    decide = f"{detail}/changes/{change.id}/confirm"
    client.post(decide, data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(ContractChange, change.id).is_confirmed is None  # its author cannot confirm it

    second = app.test_client()
    login(second, world.ir.manager2)
    assert "Confirm the change" in second.get(detail).get_data(as_text=True)
    second.post(decide, data={"csrf_token": csrf_token(second, detail)})
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).cap == Decimal(45_000_000)
    assert events("performance_contract.change_confirmed") == 1

    client.post(path, data={"csrf_token": token, **terms, "cap": "", "rate": "12000000"})
    withdrawn = db.session.scalar(sa.select(ContractChange).where(ContractChange.is_confirmed.is_(None)))
    assert withdrawn.after == {"rate": "12000000", "cap": None}
    client.post(f"{detail}/changes/{withdrawn.id}/refuse", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(ContractChange, withdrawn.id).is_confirmed is False
    assert db.session.get(Contract, contract.id).rate == Decimal(10_000_000)


def test_the_forms_are_for_managers_of_the_jurisdiction(client, perf, world):
    contract = perf.contract()
    db.session.commit()
    login(client, world.ir.auditor)
    assert client.get("/performance/contracts/new").status_code == 403
    page = client.get(f"/performance/contracts/{contract.id}").get_data(as_text=True)
    assert "Propose a change" not in page
    other = client.application.test_client()
    login(other, world.am.manager)
    assert other.get(f"/performance/contracts/{contract.id}/changes/new").status_code == 404
    assert "Chehel Mir herders" not in other.get("/performance/communities").get_data(as_text=True)


def test_the_rate_field_of_a_change_names_the_currency_in_the_readers_words(client, perf, world):
    contract = perf.contract()
    db.session.commit()
    login(client, world.ir.manager)
    form = client.get(f"/performance/contracts/{contract.id}/changes/new?lang=fa").get_data(as_text=True)
    assert "به ریال." in form and "IRR" not in form
