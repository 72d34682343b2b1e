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


def test_the_twin_key_is_written_for_the_owners_there_were(app, tmp_path):
    """owners.twin_key (the same_name_elsewhere flag's index) is filled for every owner registered before it."""
    import sqlalchemy as sa

    from claims.models import twin_key
    from conflict_service import migrations

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'twins.db'}")
    with app.app_context(), engine.begin() as connection:
        migrations.upgrade("6b0d3f9a2c71", connection=connection)
        connection.execute(sa.text(
            "INSERT INTO owners (id, name, village, office_id, preferred_language, created_at) VALUES "
            "(1, 'علي كريمي', 'Dargaz', 1, 'fa', '2026-01-01 00:00:00'), "
            "(2, 'علی کریمی', 'dargaz', 2, 'fa', '2026-01-01 00:00:00')"))
        migrations.upgrade("head", connection=connection)
        keys = connection.execute(sa.text("SELECT twin_key FROM owners ORDER BY id")).scalars().all()
    engine.dispose()
    assert keys == [twin_key("علی کریمی", "Dargaz")] * 2
