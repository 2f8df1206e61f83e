"""Fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL), the app,
clients logged in as fresh patients, and a clean slate between tests."""

from __future__ import annotations

import itertools
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api import create_app
from api.config import MIGRATIONS, TestConfig
from api.db import db
from api.extensions import limiter
from tests.support.smtp import Mailbox, smtp_server

PASSWORD = "correct horse battery staple"
_emails = itertools.count(1)
# The tests' VAPID key is made here on first use, never in the checkout's instance/.
VAPID_KEY_FILE = Path(tempfile.mkdtemp(prefix="relieflog-test-vapid-")) / "vapid.pem"


# A test that asks for none of these never touches the suite's database.
DATABASE_FIXTURES = frozenset({"app", "database_url", "empty_database_url"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (TEST_DATABASE_URL set) only the tests that use the database run: the
    rest (analysis, catalogs, layout, wording, pure functions, the wheel) ran on SQLite.
    Tests marked `slow` run first, so no worker is left alone with one at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    kept = [item for item in items
            if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@contextmanager
def new_database(url: str, name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server `url` names; dropped after."""
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite in this process's temp folder, or TEST_DATABASE_URL's PostgreSQL; under
    pytest-xdist each worker gets a database of its own on that server."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url and worker:
        with new_database(url, f"{make_url(url).database}_{worker}") as own:
            yield own
    elif url:
        yield url
    else:
        path: Path = tmp_path_factory.mktemp("db") / "relieflog-test.db"
        yield f"sqlite:///{path}"


def make_app(database_url: str, **settings: object) -> Flask:
    config = TestConfig(database_url)
    config.REGISTER_RATE_LIMIT = "10000 per minute"  # type: ignore[attr-defined]
    config.LOGIN_RATE_LIMIT = "10000 per minute"  # type: ignore[attr-defined]
    config.VAPID_KEY_FILE = VAPID_KEY_FILE  # type: ignore[misc]
    for name, value in settings.items():
        setattr(config, name, value)
    return create_app(config)


@contextmanager
def other_app(database_url: str, **settings: object) -> Iterator[Flask]:
    """A second app on the same database with other settings; its pool is closed after."""
    application = make_app(database_url, **settings)
    try:
        yield application
    finally:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def light_password_hashes() -> Iterator[None]:
    """In this process, argon2id with its lowest cost (1 pass, 64 KiB) instead of the app's
    19 MiB × 2 passes (about 30 ms of CPU per hash and per check, thousands per pass): a
    real argon2id hash all the same, checked and rehashed by the app's own code. The live
    gunicorn servers (browser, load, crash and scale-out tests) keep the app's cost."""
    from argon2 import PasswordHasher

    from api.auth import service

    real = service.password_hasher
    service.password_hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    yield
    service.password_hasher = real


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = make_app(database_url)
    with application.app_context():
        upgrade(directory=str(MIGRATIONS))
    yield application
    with application.app_context():
        db.engine.dispose()


def wipe(app: Flask) -> None:
    """Every table emptied and every id counting from 1 again, as after the migrations.
    On PostgreSQL in one round trip of DELETEs and setval()s: TRUNCATE makes new files for
    every table and index (38-206 ms a test here, against 2.3 ms; the tables are small)."""
    with app.app_context():
        deletes = [f"DELETE FROM {t.name}" for t in reversed(db.metadata.sorted_tables)]
        if db.engine.dialect.name == "postgresql":
            sequences = db.session.execute(text(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
            )).scalars().all()
            restarts = [f"SELECT setval('{name}', 1, false)" for name in sequences]
            db.session.execute(text("; ".join([*deletes, *restarts])))
        else:
            for statement in deletes:
                db.session.execute(text(statement))
        db.session.commit()
        db.session.remove()


@pytest.fixture(autouse=True)
def clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        wipe(application)
        with application.app_context():
            limiter.reset()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def register(client: FlaskClient, *, email: str | None = None, timezone: str = "UTC",
             password: str = PASSWORD, display_name: str = "") -> dict:
    email = email or f"patient{next(_emails)}@example.org"
    response = client.post("/api/v1/auth/register", json={
        "email": email, "password": password, "timezone": timezone,
        "display_name": display_name,
    })
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def patient(app: Flask) -> Callable[..., FlaskClient]:
    """A factory: each call is a new patient with their own logged-in client."""

    def make(**kwargs: str) -> FlaskClient:
        new_client = app.test_client()
        new_client.user = register(new_client, **kwargs)  # type: ignore[attr-defined]
        return new_client

    return make


@pytest.fixture
def alice(patient: Callable[..., FlaskClient]) -> FlaskClient:
    return patient()


@pytest.fixture
def bob(patient: Callable[..., FlaskClient]) -> FlaskClient:
    return patient()


@pytest.fixture
def empty_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """A brand-new, empty database of the same kind as the suite's."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with new_database(database_url, f"relieflog_migrations_{uuid.uuid4().hex[:8]}") as empty:
        yield empty


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 that keeps what arrives (tests/support/smtp.py)."""
    with smtp_server() as box:
        yield box


@pytest.fixture
def mail_app(app: Flask, database_url: str, mailbox: Mailbox) -> Iterator[Flask]:
    """The app, sending its email to `mailbox` over SMTP (plain, as on 127.0.0.1)."""
    with other_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port,
                   SMTP_STARTTLS=False) as application:
        yield application


def send_mail(application: Flask) -> None:
    """What the sender beside gunicorn does every minute: send the queued email now."""
    from api.mail import deliver_due

    with application.app_context():
        report = deliver_due()
    assert report.failed == 0, report
