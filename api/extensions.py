"""Extension objects, created unbound; create_app() binds them to the app. The database
object lives with the rest of the database plumbing in api/db."""

from __future__ import annotations

import json
from typing import Any

import flask
import flask_smorest
import marshmallow as ma
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from marshmallow import RAISE, missing
from webargs.flaskparser import FlaskParser, abort, is_json_request

from api import json_body

migrate = Migrate()
limiter = Limiter(key_func=get_remote_address)


class StrictParser(FlaskParser):
    """Unknown query parameters are errors too, not silently ignored; bodies are read by
    the app's one strict JSON loader (api/json_body.py)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE,
        "json": RAISE,
    }

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        """The body, as webargs' own load_json reads it (its public location loader), but
        through api/json_body.py: what that refuses is a 400 naming the field."""
        if not is_json_request(req):
            return missing
        try:
            return json_body.loads(req.get_data(cache=True))
        except json_body.InvalidJSON as error:
            abort(400, exc=error, messages={"json": {error.field: [error.reason]}})
        except json.JSONDecodeError as error:
            if error.doc == "":
                return missing  # no body at all
            abort(400, exc=error, messages={"json": ["Invalid JSON body."]})


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest Blueprint whose arguments reject unknown fields everywhere."""

    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # One schema instance per route: given a class, webargs would build (and deep-copy
        # the fields of) a new instance on every request. Loading keeps no state on it.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
