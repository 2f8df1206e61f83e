"""Schemathesis against our own OpenAPI document, in-process, as a logged-in patient:
no 5xx, and every response matches what the document promises."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from api.db import db
from tests.conftest import register

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))


def openapi_document() -> dict:
    """The document as the app serves it (an app on an in-memory database renders it)."""
    from api import create_app
    from api.config import TestConfig

    return create_app(TestConfig("sqlite://")).test_client().get("/api/v1/openapi.json").json


@pytest.fixture
def bearer(app):
    client = app.test_client()
    register(client)
    token = client.post("/api/v1/tokens", json={"label": "fuzz"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation(app, case, bearer):
    # positive_data_acceptance is left out: some valid-looking input is refused by rules
    # a schema cannot state (a date after tomorrow in the patient's time zone, a range
    # over 3,700 days). Every other check runs, negative_data_rejection included.
    case.call_and_validate(app=app, headers=bearer, excluded_checks=[positive_data_acceptance])


def test_stateful_sequences(app, bearer):
    """Schemathesis chains operations it can link (create → read → replace → delete)."""
    base = schema.as_state_machine()
    # Every sequence starts from the same data: the fuzzing patient and token only, as they
    # were (a sequence may rename the patient, change their time zone or revoke the token).
    kept = ("users", "api_tokens")
    with app.app_context():
        start = {name: [dict(row._mapping) for row in
                        db.session.execute(db.metadata.tables[name].select())]
                 for name in kept}
        db.session.commit()

    class Machine(base):  # type: ignore[misc, valid-type]
        def call(self, case, **kwargs):
            return case.call(app=app, headers=bearer, **kwargs)

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        def teardown(self):
            # So Hypothesis can replay and shrink what it finds.
            with app.app_context():
                for table in reversed(db.metadata.sorted_tables):
                    db.session.execute(table.delete())
                for name in kept:
                    db.session.execute(db.metadata.tables[name].insert(), start[name])
                db.session.commit()

    Machine.run(settings=settings(max_examples=EXAMPLES // 2, stateful_step_count=8,
                                  deadline=None, derandomize=True,
                                  suppress_health_check=list(HealthCheck)))
