"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from conflict_service.db import Base, db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], f"models and migrations drifted apart: {differences}"


def test_downgrade_to_base_and_back(app, tmp_path):
    import sqlalchemy as sa

    from conflict_service import migrations

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    with app.app_context(), engine.begin() as connection:
        migrations.upgrade("head", connection=connection)
        migrations.downgrade("base", connection=connection)
        assert sa.inspect(connection).get_table_names() == ["alembic_version"]
        migrations.upgrade("head", connection=connection)
        assert "claims" in sa.inspect(connection).get_table_names()
    engine.dispose()  # closes the file's connection now rather than at garbage collection
