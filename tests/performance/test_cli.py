"""`flask performance ...`: communities and contracts from the command line, through the same operations — a refusal
stops the command with its message and records nothing."""

import json
from decimal import Decimal

import sqlalchemy as sa

from conflict_service.db import db
from performance.models import Community, Contract, ContractChange
from tests.performance.conftest import AREA


def run(runner, *args):
    return runner.invoke(args=["performance", *map(str, args)])


def test_community_and_contract_from_the_command_line(runner, perf, make, world, tmp_path):
    ir = world.ir
    programme = perf.programme()
    herders = [make.owner(ir.clerk, ir.office, name=n) for n in ("Reza Ahmadi", "Maryam Karimi")]
    db.session.commit()
    area = tmp_path / "area.geojson"
    area.write_text(json.dumps(AREA), encoding="utf-8")
    base = ["community-create", programme.id, "--user", ir.manager.username, "--name", "Chehel Mir herders",
            "--jurisdiction", ir.office.code, "--area", area, "--account-method", "bank"]
    outside = run(runner, *base, "--member", make.owner(world.am.clerk, world.am.office).id)
    assert outside.exit_code != 0 and "member_ids" in outside.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Community)) == 0

    made = run(runner, *base, *[x for o in herders for x in ("--member", o.id)])
    assert made.exit_code == 0, made.output
    community = db.session.scalar(sa.select(Community))
    assert "Chehel Mir herders" in made.output and len(community.members) == 2
    listed = run(runner, "communities", "--user", ir.auditor.username)
    assert "Chehel Mir herders" in listed.output and "1 communities." in listed.output
    assert "0 communities." in run(runner, "communities", "--user", world.am.manager.username).output

    terms = ["--user", ir.manager.username, "--starts-on", "1404-01-12", "--period-months", 3, "--period-count",
             4, "--indicator", "detections", "--rate", "۱۰٬۰۰۰٬۰۰۰", "--forfeiture", "cut", "--fallback", "nothing",
             "--distribution", "equal"]
    refused = run(runner, "contract-create", community.id, *terms)  # a cut without its percentage
    assert refused.exit_code != 0 and "forfeit_pct" in refused.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contract)) == 0
    written = run(runner, "contract-create", community.id, *terms, "--forfeit-pct", 50)
    assert written.exit_code == 0, written.output
    contract = db.session.scalar(sa.select(Contract))
    assert contract.is_pending and str(contract.starts_on) == "2025-04-01" and contract.rate == Decimal(10_000_000)
    assert "waiting for a second manager" in run(runner, "contracts", "--user", ir.auditor.username).output

    own = run(runner, "contract-confirm", contract.id, "--user", ir.manager.username)
    assert own.exit_code != 0 and "second manager" in own.output
    assert run(runner, "contract-confirm", contract.id, "--user", ir.manager2.username).exit_code == 0
    db.session.expire_all()
    assert not db.session.get(Contract, contract.id).is_pending


def test_money_terms_change_from_the_command_line(runner, perf, world):
    contract = perf.contract()
    db.session.commit()
    ir = world.ir
    assert run(runner, "contract-change", contract.id, "--user", ir.manager.username).exit_code != 0  # nothing given
    proposed = run(runner, "contract-change", contract.id, "--user", ir.manager.username, "--no-cap", "--rate",
                   "12000000")
    assert proposed.exit_code == 0, proposed.output
    change = db.session.scalar(sa.select(ContractChange))
    assert change.after == {"rate": "12000000", "cap": None}
    assert f"proposal #{change.id}" in run(runner, "contracts", "--user", ir.auditor.username).output
    own = run(runner, "change-decide", contract.id, change.id, "--confirm", "--user", ir.manager.username)
    assert own.exit_code != 0 and "second manager" in own.output
    done = run(runner, "change-decide", contract.id, change.id, "--confirm", "--user", ir.manager2.username)
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    contract = db.session.get(Contract, contract.id)
    assert contract.rate == Decimal(12_000_000) and contract.cap is None and "cap none" in done.output
    again = run(runner, "change-decide", contract.id, change.id, "--refuse", "--user", ir.manager2.username)
    assert again.exit_code != 0 and "already decided" in again.output
    foreign = run(runner, "contract-change", contract.id, "--user", world.am.manager.username, "--rate", "1")
    assert foreign.exit_code != 0
