"""The audit chain's advisory lock is the chain's own (PostgreSQL): appends to one chain wait for each other, while a
chain in another schema of the same database (another test worker's, another installation's) never waits for them."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from conflict_service.audit.operations import PG_CHAIN_LOCK_KEYS, _lock_chain
from conflict_service.db import db

pytestmark = pytest.mark.postgres

TRY_LOCK = sa.text(f"SELECT pg_try_advisory_xact_lock({PG_CHAIN_LOCK_KEYS})")


def test_the_chain_lock_holds_back_its_own_chain_only(app):
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            other = f"{conn.execute(sa.text('SELECT current_schema()')).scalar()}_other_chain"
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{other}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{other}"'))
            conn.execute(sa.text(f'CREATE TABLE "{other}".audit_events (seq integer)'))
            conn.commit()
        try:
            with engine.connect() as holder, engine.connect() as same, engine.connect() as elsewhere:
                with Session(bind=holder) as session, session.begin():
                    _lock_chain(session.connection())  # what every audited write takes
                    with same.begin():
                        assert same.execute(TRY_LOCK).scalar() is False
                    with elsewhere.begin():
                        elsewhere.execute(sa.text(f'SET LOCAL search_path TO "{other}"'))
                        assert elsewhere.execute(TRY_LOCK).scalar() is True
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{other}" CASCADE'))
