"""Per-IP limits live in the database: two gunicorn workers (and two instances) share them."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.conftest import PASSWORD
from tests.support.live_server import live_server

pytestmark = pytest.mark.live


@pytest.mark.slow
def test_login_limit_holds_across_workers_and_instances(app, database_url):
    limits = {"LOGIN_RATE_LIMIT": "6 per minute"}
    with live_server(database_url, workers=2, threads=1, env=limits) as one, \
            live_server(database_url, workers=2, threads=1, env=limits) as two:
        codes = []
        for n in range(8):
            server = (one, two)[n % 2]
            # A new connection each time, so the requests spread over the workers.
            codes.append(requests.post(
                f"{server.url}/api/v1/auth/login",
                json={"email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD},
                headers={"Connection": "close"}, timeout=10).status_code)
    assert codes[:6] == [401] * 6
    assert codes[6:] == [429, 429]


def test_token_creation_is_limited(database_url, app):
    from tests.conftest import other_app, register

    with other_app(database_url, TOKEN_RATE_LIMIT="2 per hour") as strict:
        client = strict.test_client()
        register(client)
        codes = [client.post("/api/v1/tokens", json={"label": str(n)}).status_code
                 for n in range(3)]
    assert codes == [201, 201, 429]


def test_token_creation_is_limited_per_account_across_addresses(database_url, app):
    from tests.conftest import other_app, register

    with other_app(database_url, TOKEN_RATE_LIMIT="2 per hour") as strict:
        client = strict.test_client()
        register(client)
        codes = [client.post("/api/v1/tokens", json={"label": str(n)},
                             environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
                 for n in range(3)]
    assert codes == [201, 201, 429]
