"""Extension objects, created unbound; create_app() binds them to the app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import flask
import flask_smorest
from flask import g, has_request_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from marshmallow import RAISE, missing
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser, abort, is_json_request

from api import json_body


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


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun in the block only read: on SQLite they take no write lock."""
    if not has_request_context():
        yield
        return
    before = g.get("db_reading", False)
    g.db_reading = True
    try:
        yield
    finally:
        g.db_reading = before


@contextmanager
def read_transaction() -> Iterator[None]:
    """Run the block in a transaction of its own that only reads, then end it."""
    with reading():
        try:
            yield
        finally:
            db.session.commit()


def begin_write() -> None:
    """End a read-only transaction so that what follows in this request may write.

    Used by safe (GET) requests that record something, such as a share view: on
    SQLite their next transaction then starts with the write lock (see configure_sqlite).
    """
    db.session.commit()
    g.db_writing = True


class StrictParser(FlaskParser):
    """Unknown query parameters are errors too, not silently ignored; bodies are read by
    the app's one strict JSON loader (api/json_body.py)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "json": RAISE,
    }

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return missing
        return json_body.loads(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error: Any, req: flask.Request, *args: Any,
                                   **kwargs: Any) -> NoReturn:
        if isinstance(error, json_body.InvalidJSON):
            abort(400, exc=error, messages={"json": {error.field: [error.reason]}})
        super()._handle_invalid_json_error(error, req, *args, **kwargs)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest Blueprint whose arguments reject unknown fields everywhere."""

    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # One schema instance per route: given a class, webargs would build (and deep-copy
        # the fields of) a new instance on every request. Loading keeps no state on it.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
