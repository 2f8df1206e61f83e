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


def test_0005_keeps_the_access_log_and_sessions_opened_before_it(empty_database_url):
    """Lines written before 0005 (one per request) become lines that opened one thing each,
    and a provider session opened before it gets its line on its next read."""
    import uuid
    from datetime import timedelta

    import sqlalchemy as sa

    from api.auth.service import sha256
    from api.models import utcnow

    users = sa.table("users", *(sa.column(c) for c in (
        "id", "email", "password_hash", "display_name", "timezone", "failed_logins",
        "disabled")), sa.column("created_at", sa.DateTime(timezone=True)))
    shares = sa.table("shares", sa.column("id", sa.Uuid()), *(sa.column(c) for c in (
        "user_id", "label", "token_hash", "include_notes", "view_count")),
        *(sa.column(c, sa.DateTime(timezone=True)) for c in ("created_at", "expires_at")))
    views = sa.table("share_views", sa.column("share_id", sa.Uuid()), *(sa.column(c) for c in (
        "user_id", "kind", "browser")), sa.column("viewed_at", sa.DateTime(timezone=True)))
    sessions = sa.table("share_sessions", sa.column("share_id", sa.Uuid()), *(
        sa.column(c) for c in ("user_id", "token_hash")),
        *(sa.column(c, sa.DateTime(timezone=True)) for c in ("created_at", "expires_at")))
    now, share_id = utcnow(), uuid.uuid4()
    with other_app(empty_database_url) as app:
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision="0003")
            db.session.execute(sa.insert(users).values(
                id=1, email="old@example.org", password_hash="x", display_name="",
                timezone="UTC", failed_logins=0, disabled=False, created_at=now))
            db.session.execute(sa.insert(shares).values(
                id=share_id, user_id=1, label="Dr. Before", token_hash="a" * 64,
                include_notes=False, view_count=2, created_at=now,
                expires_at=now + timedelta(days=30)))
            db.session.execute(sa.insert(views), [
                {"share_id": share_id, "user_id": 1, "kind": kind, "browser": "curl",
                 "viewed_at": now + timedelta(seconds=n)}
                for n, kind in enumerate(("page", "fhir"))])
            db.session.execute(sa.insert(sessions).values(
                share_id=share_id, user_id=1, token_hash=sha256("an-old-session"),
                created_at=now, expires_at=now + timedelta(hours=1)))
            db.session.commit()
            upgrade(directory=MIGRATIONS)
            lines = db.session.execute(sa.text(
                "SELECT kind, opened FROM share_views ORDER BY id")).all()
            assert [tuple(line) for line in lines] == [("page", "page"), ("fhir", "fhir")]
            assert db.session.execute(sa.text(
                "SELECT count(*) FROM share_views WHERE last_viewed_at = viewed_at")).scalar() == 2
            db.session.commit()
        provider = app.test_client()
        provider.set_cookie("relieflog_share", "an-old-session", path="/api/v1/shared")
        assert provider.get("/api/v1/shared/trends").status_code == 200
        assert provider.get("/api/v1/shared/fhir").status_code == 200
        with app.app_context():
            lines = db.session.execute(sa.text(
                "SELECT opened FROM share_views ORDER BY id")).scalars().all()
            assert lines == ["page", "fhir", "trends,fhir"]
            assert db.session.execute(sa.text("SELECT view_count FROM shares")).scalar() == 3


def test_upgrading_keeps_every_patients_data(empty_database_url):
    """0004 rebuilds `users` and `treatments` (batch mode on SQLite). A patient's rows must
    survive it: on SQLite, dropping the old `users` with foreign keys on would cascade
    and delete every entry, session and share of every patient."""
    import uuid

    import sqlalchemy as sa

    from api.models import utcnow

    now = utcnow()
    rows = {
        "users": {"id": 1, "email": "old@example.org", "password_hash": "x",
                  "display_name": "", "timezone": "UTC", "failed_logins": 0,
                  "disabled": False, "created_at": now},
        "entries": {"user_id": 1, "date": now.date(), "pain": 3, "side_effects": "[]",
                    "tags": "[]", "notes": "kept", "version": 1, "created_at": now,
                    "updated_at": now},
        "treatments": {"id": uuid.uuid4().hex, "user_id": 1, "started_at": now,
                       "local_date": now.date(), "route": "iv_infusion",
                       "medication": "ketamine", "with_psychotherapy": False, "clinic": "",
                       "side_effects": "[]", "notes": "kept", "version": 1,
                       "created_at": now, "updated_at": now},
        "login_sessions": {"user_id": 1, "token_hash": "b" * 64, "created_at": now,
                           "last_seen_at": now},
    }
    with other_app(empty_database_url) as app:
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision="0003")
            for name, values in rows.items():
                table = sa.table(name, *(sa.column(c) for c in values))
                db.session.execute(sa.insert(table).values(values))
            db.session.commit()
            upgrade(directory=MIGRATIONS)
            for name in rows:
                count = db.session.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
                assert count == 1, name
            # 0008: a session from before has no readings, no flag, no sedating medicines.
            from api.treatments.models import Treatment
            from api.treatments.schemas import TreatmentSchema

            old = TreatmentSchema().dump(db.session.scalars(sa.select(Treatment)).one())
            assert (old["vitals"], old["flags"], old["concomitant"],
                    old["observation_minutes"]) == ([], [], [], None)
            assert db.session.scalar(sa.select(Treatment.bp_flagged_on)) is None
            db.session.commit()


def test_0015_has_every_kept_analysis_recomputed(empty_database_url):
    """A kept analysis from before 0015 holds mood as severity (10 - mood) and changes
    from rounded scores: 0015 marks it stale, and the next read recomputes it, mood as
    logged."""
    from datetime import timedelta

    import sqlalchemy as sa

    from api.models import utcnow
    from api.summaries import kept_analysis

    now = utcnow()
    with other_app(empty_database_url) as app:
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision="0010")
            db.session.execute(sa.text(
                "INSERT INTO users (id, email, password_hash, display_name, timezone, "
                "disabled, created_at, questionnaires) VALUES "
                "(1, 'old@example.org', 'x', '', 'UTC', false, :now, '[]')"),
                {"now": now})
            for offset in range(2, 9):
                db.session.execute(sa.text(
                    "INSERT INTO entries (user_id, date, mood, side_effects, tags, notes, "
                    "version, created_at, updated_at) VALUES "
                    "(1, :day, 2, '[]', '[]', '', 1, :now, :now)"),
                    {"day": now.date() - timedelta(days=offset), "now": now})
            db.session.execute(sa.text(
                "INSERT INTO kept_analyses (user_id, data_version, analysed_version, "
                "analysed_for, mood_baseline) VALUES (1, 3, 3, :today, 8.0)"),
                {"today": now.date()})
            db.session.commit()
            upgrade(directory=MIGRATIONS)
            assert db.session.execute(sa.text(
                "SELECT analysed_version FROM kept_analyses")).scalar() is None
            db.session.commit()
            with db.read(then_keep=True):
                user = db.session.execute(sa.text("SELECT id FROM users")).one()
                kept = kept_analysis(user, today=now.date())
            assert kept["series"] == []  # recomputed from the data, not the stale row
            assert db.session.execute(sa.text(
                "SELECT analysed_version, mood_baseline FROM kept_analyses")).one() == (3, None)
