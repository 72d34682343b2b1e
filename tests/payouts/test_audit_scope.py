"""Every audit event carries its jurisdiction (issue 16 item 8): the walk below performs each kind of audited action
that used to be written without one — payment batches, reconciliations, measures, inspections, vaccinations, users,
tokens, sign-ins, field-device credentials — and then every event has a scope; the country's own auditor reads
them, and neither the other country's auditor nor its administrator does."""

from datetime import date

import sqlalchemy as sa

from conflict_service.audit.models import AuditEvent
from conflict_service.auth import field_credentials
from conflict_service.auth import operations as auth_ops
from conflict_service.auth.models import Role
from conflict_service.db import db
from mitigation.enums import MeasureKind, MeasureStatus, VaccineKind
from payouts import operations
from tests.helpers import bearer
from tests.mitigation.conftest import Builder
from tests.payouts.test_reconciliation import statement

WALKED = {"payment_batch.created", "payment_batch.approved", "payment_batch.exported", "reconciliation.imported",
          "measure.created", "measure.inspected", "dog.vaccinated", "user.created", "user.updated",
          "user.password_changed", "token.issued", "token.revoked", "user.sign_in_failed", "user.signed_in",
          "user.field_credential_created", "user.field_credential_revoked"}


def _walk(world, make, payouts):
    ir = world.ir
    payouts.rates(ir)
    batch = payouts.batch(ir, [payouts.approved(ir)])
    operations.payment_file(batch, ir.manager)
    operations.reconcile("statement.csv", statement(("NO-SUCH-REF", "1000", "2026-01-01", "")), ir.manager)
    build = Builder(world, make)
    dog = build.measure(kind=MeasureKind.GUARDIAN_DOG)
    build.inspect(dog, date(2026, 1, 10), MeasureStatus.GOOD)
    build.vaccinate(dog.dog, VaccineKind.RABIES, date(2026, 1, 10))
    user = auth_ops.create_user({"username": "walked", "role": Role.CLERK, "password": "a long enough password",
                                 "jurisdiction_ids": [ir.office.id]}, world.ir.users["admin"])
    auth_ops.update_user(user, {"full_name": "Walked Clerk"}, world.ir.users["admin"])
    auth_ops.set_password(user, "another long password", user)
    _raw, token = auth_ops.issue_token(user)
    auth_ops.revoke_token(token, user)
    auth_ops.authenticate("walked", "another long password")
    try:
        auth_ops.authenticate("walked", "wrong password")
    except auth_ops.SignInFailed:
        pass
    credential, _password = field_credentials.create(ir.verifier, {"label": "phone"}, ir.verifier)
    field_credentials.revoke(credential, ir.verifier)
    db.session.commit()


def test_every_audited_action_carries_its_jurisdiction_and_its_auditors_read_it(client, world, make, payouts):
    _walk(world, make, payouts)
    events = list(db.session.scalars(sa.select(AuditEvent)))
    assert WALKED <= {e.action for e in events}
    assert sorted({e.action for e in events if e.scope_id is None}) == []
    own = client.get("/api/v1/audit?per_page=200", headers=bearer(client, world.ir.auditor)).get_json()["items"]
    assert WALKED - {"user.signed_in"} <= {e["action"] for e in own}  # (the auditor's own sign-in is newer)
    for outsider in (world.am.auditor, make.user("admin", world.am.country, username="admin_am_only")):
        db.session.commit()
        seen = client.get("/api/v1/audit?per_page=200", headers=bearer(client, outsider)).get_json()["items"]
        assert not {e["action"] for e in seen} & (WALKED - {"token.issued", "user.signed_in"})
