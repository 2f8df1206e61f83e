"""Migrations: upgrade to head, down to base and up again, on the suite's database engine;
and the models match the migrated schema (autogenerate finds nothing to do)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from api.config import ROOT
from api.db import db
from tests.conftest import other_app

MIGRATIONS = str(ROOT / "migrations")


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_and_no_pending_changes(empty_database_url):
    with other_app(empty_database_url) as app:
        with app.app_context():
            upgrade(directory=MIGRATIONS)
        assert tables(app) == {t.name for t in db.metadata.sorted_tables}

        with app.app_context():
            downgrade(directory=MIGRATIONS, revision="base")
        assert tables(app) == set()

        with app.app_context():
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "render_as_batch": True}
                )
                diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
