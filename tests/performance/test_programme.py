"""A conservation-performance programme takes no claims: filing one is refused, and the claim form does not offer it."""

import pytest

from claims.forms import claim_choices
from claims.operations import submit_claim
from conflict_service.errors import ValidationError


def test_a_performance_programme_takes_no_claims(perf, make, world):
    programme = perf.programme()
    owner = make.owner(world.ir.clerk, world.ir.office)
    with pytest.raises(ValidationError) as refused:
        submit_claim(make.claim_data(owner, programme), world.ir.clerk)
    assert "takes no claims" in str(refused.value.errors["programme_id"][0])
    offered = [pid for pid, _name in claim_choices(world.ir.clerk, owner)["programmes"]]
    assert world.ir.programme.id in offered and programme.id not in offered
