"""On PostgreSQL, two sender processes working the same outbox at once never send one message twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from conflict_service.db import db
from conflict_service.timeutil import utcnow
from notifications.enums import Medium, MessageState, Template
from notifications.models import OutboxMessage

pytestmark = [pytest.mark.postgres, pytest.mark.committing, pytest.mark.slow]
MESSAGES = 60
ROOT = Path(__file__).resolve().parents[2]


def test_two_workers_send_each_message_exactly_once(app, gateway_server, tmp_path):
    gateway_server.delay = 0.02
    with app.app_context():
        db.session.add_all([OutboxMessage(key=f"parallel:{i}", medium=Medium.SMS, address=f"+98915000{i:04d}",
                                          language="en", template=Template.STATUS, params={}, text=f"message {i}",
                                          next_attempt_at=utcnow()) for i in range(MESSAGES)])
        db.session.commit()
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "parallel-test-" + "x" * 40,
           "SMS_GATEWAY": "generic", "SMS_GATEWAY_URL": gateway_server.url, "SMS_GATEWAY_TOKEN": "t",
           "NOTIFICATIONS_SENDER": "off", "REDIS_URL": "", "INSTANCE_PATH": str(tmp_path)}
    command = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "notifications", "send"]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    sent = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(sent) == MESSAGES and min(sent) > 0, sent  # both really worked, and together sent everything
    references = [r.json()["reference"] for r in gateway_server.accepted]
    assert len(references) == MESSAGES and len(set(references)) == MESSAGES
    with app.app_context():
        states = db.session.scalars(sa.select(OutboxMessage.state)).all()
        assert states == [MessageState.SENT] * MESSAGES
