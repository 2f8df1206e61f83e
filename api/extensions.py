"""Extension objects, created unbound; create_app() binds them to the app."""

from __future__ import annotations

import flask_smorest
from flask import g, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from marshmallow import RAISE
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser


class Base(DeclarativeBase):
    # Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Rows stay readable after commit: views serialize what they just saved.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address)


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and writer-first transactions for SQLite.

    pysqlite's default deferred BEGIN lets two writers both read and then fail to
    upgrade their lock (SQLITE_BUSY without waiting). Unsafe requests therefore take the
    write lock up front with BEGIN IMMEDIATE and wait up to busy_timeout for it; reads
    stay concurrent under WAL.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        reading = (
            has_request_context()
            and request.method in ("GET", "HEAD", "OPTIONS")
            and not g.get("db_writing")
        )
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def begin_write() -> None:
    """End a read-only transaction so that what follows in this request may write.

    Used by safe (GET) requests that record something, such as a share view: on
    SQLite their next transaction then starts with the write lock (see configure_sqlite).
    """
    db.session.commit()
    g.db_writing = True


class StrictParser(FlaskParser):
    """Unknown query parameters are errors too, not silently ignored."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "json": RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest Blueprint whose arguments reject unknown fields everywhere."""

    ARGUMENTS_PARSER = StrictParser()
