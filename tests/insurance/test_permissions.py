"""Who may do what with insurance: every role against every change, and jurisdiction scoping."""

from datetime import date
from decimal import Decimal

import pytest

from claims.enums import Species
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import Forbidden, NotFound, ValidationError
from insurance import operations, queries
from payouts.enums import PaymentMethod
from tests.helpers import bearer

ROLES = ["clerk", "verifier", "manager", "auditor", "admin"]


def _change(insurance, name):
    """Each change, ready to run as a given user."""
    policy = insurance.enrol()
    owner = insurance.owner()
    return {
        "create_season": (("manager",), lambda u: operations.create_season(
            insurance.scheme, {"name": "2030", "starts_on": date(2030, 1, 1), "ends_on": date(2030, 12, 31)}, u)),
        "premium_rates": (("manager",), lambda u: operations.record_premium_rates(insurance.season, {"entries": [
            {"species": Species.SHEEP, "amount": Decimal(1), "valid_from": date(2026, 7, 1)}]}, u)),
        "enrol": (("clerk",), lambda u: operations.enrol({
            "owner_id": owner.id, "season_id": insurance.season.id, "agreement_signed_on": date(2026, 6, 1),
            "lines": [{"species": Species.SHEEP, "head_count": 1}]}, u)),
        "premium": (("clerk",), lambda u: operations.record_premium(policy, {
            "amount": Decimal(100), "paid_on": date(2026, 6, 15), "method": PaymentMethod.CASH}, u)),
        "contribute": (("manager",), lambda u: operations.contribute(insurance.scheme, {
            "amount": Decimal(100), "received_on": date(2026, 6, 15), "donor": "x"}, u)),
        "violation": (("manager",), lambda u: operations.record_violation(policy, {
            "occurred_on": date(2026, 6, 1), "note": "x"}, u)),
    }[name]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("change", ["create_season", "premium_rates", "enrol", "premium", "contribute", "violation"])
def test_each_change_for_each_role(insurance, role, change):
    allowed, run = _change(insurance, change)
    user = insurance.am.users.get(role) or insurance.am.admin
    if role in allowed:
        assert run(user) is not None
    else:
        with pytest.raises((Forbidden, ValidationError)) as error:
            run(user)
        assert isinstance(error.value, Forbidden), error.value.errors


def test_a_regional_manager_sees_a_national_scheme_but_does_not_run_it(insurance, make):
    regional = make.user(Role.MANAGER, insurance.am.region)
    assert queries.get_scheme(insurance.scheme.id, regional) == insurance.scheme
    with pytest.raises(Forbidden, match="run above your jurisdiction"):
        operations.contribute(insurance.scheme, {"amount": Decimal(1), "received_on": date(2026, 6, 15),
                                                 "donor": "x"}, regional)


def test_policies_of_another_country_are_not_found(insurance):
    policy = insurance.enrol()
    with pytest.raises(NotFound):
        queries.get_policy(policy.id, insurance.world.ir.clerk)
    with pytest.raises(ValidationError) as error:
        operations.enrol({"owner_id": policy.owner_id, "season_id": insurance.season.id,
                          "agreement_signed_on": date(2026, 6, 1), "lines": []}, insurance.world.ir.clerk)
    assert error.value.errors == {"owner_id": ["No such owner in your offices."]}


@pytest.mark.parametrize(("role", "status"), [("clerk", 200), ("manager", 200), ("auditor", 200), ("verifier", 403)])
def test_who_reads_policies_through_the_api(client, insurance, role, status):
    insurance.enrol()
    db.session.commit()
    r = client.get("/api/v1/policies", headers=bearer(client, insurance.am.users[role]))
    assert r.status_code == status
    if status == 200:
        assert r.get_json()["total"] == 1
