"""How the sweeps of every declared record kind write one of its rows: by convention, the
kind's own test file, tests/test_<kind name>.py, defines

    write_one(client, day: str, text: str) -> tuple[str, dict]

which writes one row dated `day` with `text` in every free-text field, through the kind's
own PUT route, and returns that row's URL path and the body it sent. So a new kind needs
no line in tests/test_record_kinds.py or tests/test_authorization.py, only that function
in its own file (docs/adding-a-record-kind.md)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api.db.records import Kind

WriteOne = Callable[[FlaskClient, str, str], tuple[str, dict[str, Any]]]


def write_one_of(kind: Kind) -> WriteOne:
    """The kind's `write_one`; fails the test naming the file to add it to."""
    module, path = f"tests.test_{kind.name}", f"tests/test_{kind.name}.py"
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        pytest.fail(f"record kind {kind.name!r}: add {path} with "
                    "write_one(client, day, text) -> (path, body)")
    function = getattr(found, "write_one", None)
    if not callable(function):
        pytest.fail(f"record kind {kind.name!r}: define write_one(client, day, text) -> "
                    f"(path, body) in {path}")
    return function
