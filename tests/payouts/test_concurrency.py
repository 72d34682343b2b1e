"""Made once: parallel clicks on PostgreSQL, and the database constraints behind them (both databases)."""

import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from claims.enums import TimeOfDay
from claims.models import Claim
from claims.states import ClaimState
from conflict_service.auth.models import User
from conflict_service.db import db
from conflict_service.errors import DomainError
from conflict_service.timeutil import utcnow
from payouts import operations
from payouts.enums import PaymentKind, PaymentStatus
from payouts.models import Award, Decision, Payment, PaymentBatch

DAY = {"time_of_day": TimeOfDay.DAY}
THREADS = 20


def in_parallel(app, jobs):
    """Run each ``job(session_objects)`` in its own thread and database session, all released at once."""
    barrier, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def worker(i, job):
        with app.test_request_context():
            barrier.wait()
            try:
                job()
                db.session.commit()
                results[i] = "ok"
            except DomainError as error:
                db.session.rollback()
                results[i] = type(error).__name__
            except IntegrityError:
                db.session.rollback()
                results[i] = "IntegrityError"

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def fresh(model, id_):
    return db.session.get(model, id_)


@pytest.fixture
def ir(payouts, world):
    payouts.rates(world.ir)
    db.session.commit()
    return world.ir


@pytest.mark.postgres
@pytest.mark.committing
def test_twenty_parallel_approvals_approve_once(app, payouts, ir):
    claim_id = payouts.verified(ir, **DAY).id
    managers = [ir.manager.id, ir.manager2.id]
    db.session.commit()

    def approve(manager_id):
        return lambda: operations.approve_claim(fresh(Claim, claim_id), {}, fresh(User, manager_id))

    results = in_parallel(app, [approve(managers[i % 2]) for i in range(THREADS)])
    assert results.count("ok") == 1 and set(results) == {"ok", "InvalidTransition"}
    db.session.expire_all()
    assert fresh(Claim, claim_id).status == ClaimState.APPROVED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 1


@pytest.mark.postgres
@pytest.mark.committing
def test_parallel_dual_approvals_give_one_first_and_one_final(app, payouts, ir):
    ir.programme.dual_approval_threshold = Decimal(1)
    claim_id = payouts.verified(ir, **DAY).id
    managers = [ir.manager.id, ir.manager2.id]
    db.session.commit()

    def approve(manager_id):
        return lambda: operations.approve_claim(fresh(Claim, claim_id), {}, fresh(User, manager_id))

    results = in_parallel(app, [approve(managers[i % 2]) for i in range(THREADS)])
    assert results.count("ok") == 2  # the first approval and the second, by the other manager
    db.session.expire_all()
    decisions = db.session.scalars(sa.select(Decision).order_by(Decision.id)).all()
    assert [d.is_final for d in decisions] == [False, True]
    assert decisions[0].manager_id != decisions[1].manager_id
    assert fresh(Claim, claim_id).status == ClaimState.APPROVED


@pytest.mark.postgres
@pytest.mark.committing
def test_twenty_parallel_confirmations_confirm_once(app, payouts, ir):
    payouts.approved(ir, **DAY)
    batch = payouts.batch(ir)
    payment_id = db.session.scalar(sa.select(Payment.id).where(Payment.batch_id == batch.id))
    db.session.commit()
    paid_at = utcnow()

    def confirm(i):
        data = {"reference": f"T{i}", "paid_at": paid_at}
        return lambda: operations.confirm_payment(fresh(Payment, payment_id), data, fresh(User, ir.manager.id))

    results = in_parallel(app, [confirm(i) for i in range(THREADS)])
    assert results.count("ok") == 1 and set(results) == {"ok", "InvalidTransition"}
    db.session.expire_all()
    payment = fresh(Payment, payment_id)
    assert payment.status == PaymentStatus.CONFIRMED
    assert fresh(Claim, payment.claim_id).status == ClaimState.PAID
    assert fresh(PaymentBatch, batch.id).status.value == "closed"


@pytest.mark.postgres
@pytest.mark.committing
@pytest.mark.parametrize("named", [True, False])
def test_batches_built_at_once_never_share_a_claim(app, payouts, ir, named):
    claim_ids = [payouts.approved(ir, **DAY).id for _ in range(8)]
    db.session.commit()
    data = {"programme_id": ir.programme.id, "claim_ids": claim_ids if named else None}

    def build(manager_id):
        return lambda: operations.build_batch(data, fresh(User, manager_id))

    results = in_parallel(app, [build(m) for m in (ir.manager.id, ir.manager2.id) * 3])
    assert results.count("ok") == 1, results
    db.session.expire_all()
    live = db.session.execute(sa.select(Payment.claim_id, sa.func.count()).where(
        Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.SENT))).group_by(Payment.claim_id)).all()
    assert sorted(cid for cid, _n in live) == sorted(claim_ids) and {n for _cid, n in live} == {1}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentBatch)) == 1


@pytest.mark.postgres
@pytest.mark.committing
def test_parallel_approvals_of_one_household_respect_the_cap(app, payouts, ir, make):
    ir.programme.household_annual_cap = Decimal("100000000")
    owner = make.owner(ir.clerk, ir.office)
    claim_ids = [payouts.verified(ir, owner=owner, **DAY).id for _ in range(4)]  # 90,000,000 each
    db.session.commit()
    managers = [ir.manager.id, ir.manager2.id]

    def approve(i):
        return lambda: operations.approve_claim(fresh(Claim, claim_ids[i]), {}, fresh(User, managers[i % 2]))

    results = in_parallel(app, [approve(i) for i in range(4)])
    db.session.expire_all()
    awarded = db.session.scalars(sa.select(Award.total)).all()
    assert sum(awarded) == Decimal("100000000")  # 90,000,000 then the 10,000,000 left; the others not payable
    assert results.count("ok") == 2 and results.count("NotEligible") == 2


def test_the_database_refuses_a_second_live_payment_of_a_kind(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    payouts.batch(ir, approver=False)
    first = db.session.scalar(sa.select(Payment))
    duplicate = Payment(claim_id=claim.id, kind=PaymentKind.FINAL, status=PaymentStatus.CONFIRMED,
                        reference=first.reference + "X", currency="IRR", principal=first.principal,
                        amount=first.amount, method=first.method, payee_name="x", created_by_id=ir.manager.id)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(duplicate)
        db.session.flush()


def test_the_database_refuses_a_second_final_approval(payouts, ir):
    claim = payouts.approved(ir, **DAY)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Decision(claim_id=claim.id, kind="approve", manager_id=ir.manager2.id, currency="IRR",
                                is_final=True, total=Decimal(1)))
        db.session.flush()
