"""Two gunicorn instances against one database: sessions, writes and share revocation
are shared state, not per-instance state."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import PASSWORD
from tests.support.live_server import live_server

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def two_instances(app, database_url):
    """Started once for the module: each test makes accounts of its own."""
    with live_server(database_url, workers=2) as one, live_server(database_url, workers=2) as two:
        yield one, two


def test_logged_in_on_one_is_logged_in_on_the_other(two_instances):
    one, two = two_instances
    http = requests.Session()
    assert http.post(f"{one.url}/api/v1/auth/register", json={
        "email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD}).status_code == 201
    cookie = http.cookies.get("relieflog_session")
    other = requests.get(f"{two.url}/api/v1/me", cookies={"relieflog_session": cookie})
    assert other.status_code == 200
    # Logging out on the second instance ends the session on the first at once.
    assert requests.post(f"{two.url}/api/v1/auth/logout",
                         cookies={"relieflog_session": cookie},
                         headers={"Origin": two.url}).status_code == 204
    assert http.get(f"{one.url}/api/v1/me").status_code == 401


def test_writes_through_both_converge(two_instances):
    one, two = two_instances
    http = requests.Session()
    http.post(f"{one.url}/api/v1/auth/register", json={
        "email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD})

    def put(n: int) -> int:
        server = (one, two)[n % 2]
        return http.put(f"{server.url}/api/v1/entries/2026-03-01",
                        json={"pain": n % 11, "notes": f"write {n}"}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(put, range(40)))
    assert set(codes) <= {200, 201}
    assert codes.count(201) == 1
    entries = http.get(f"{two.url}/api/v1/entries?from=2026-03-01&to=2026-03-01").json()
    assert len(entries["items"]) == 1
    entry = entries["items"][0]
    history = http.get(f"{one.url}/api/v1/entries/2026-03-01/history").json()["items"]
    # 40 different writes: the entry is the 40th version and the 39 before are in history.
    assert entry["version"] == 40 and len(history) == 39
    assert sorted(v["version"] for v in history) == list(range(1, 40))

    tid = str(uuid.uuid4())
    body = {"started_at": "2026-03-01T10:00:00Z", "route": "intranasal"}
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda n: http.put(
            f"{(one, two)[n % 2].url}/api/v1/treatments/{tid}", json=body).status_code,
            range(20)))
    assert codes.count(201) == 1 and set(codes) <= {200, 201}
    assert len(http.get(f"{one.url}/api/v1/treatments").json()["items"]) == 1


def test_share_revoked_on_one_is_refused_on_the_other(two_instances):
    one, two = two_instances
    patient = requests.Session()
    patient.post(f"{one.url}/api/v1/auth/register", json={
        "email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD})
    patient.put(f"{one.url}/api/v1/entries/2026-03-01", json={"pain": 4})
    share = patient.post(f"{one.url}/api/v1/shares", json={"label": "Dr. Rivera"},
                         headers={"Origin": one.url}).json()
    token = share["url"].split("#", 1)[1]

    provider = requests.Session()
    assert provider.post(f"{two.url}/api/v1/shared/session",
                         json={"token": token}).status_code == 200
    assert provider.get(f"{two.url}/api/v1/shared/trends").status_code == 200

    assert patient.delete(f"{one.url}/api/v1/shares/{share['id']}",
                          headers={"Origin": one.url}).status_code == 204
    refused = provider.get(f"{two.url}/api/v1/shared/trends")
    assert refused.status_code == 410
    assert "revoked" in refused.json()["detail"]


def test_clinic_disconnect_on_one_is_refused_on_the_other(app, two_instances):
    """The connection is checked in the database on every provider request: no instance
    keeps a copy that could outlive the patient's decision."""
    from tests.support.clinics import PROVIDER_PASSWORD, setup_link_token
    from tests.support.mfa import code

    one, two = two_instances
    email = f"{uuid.uuid4().hex}@clinic.example"
    result = app.test_cli_runner().invoke(
        args=["clinics", "create", "Lakeside Infusion Center", "--admin", email])
    assert result.exit_code == 0, result.output
    provider = requests.Session()
    assert provider.post(f"{two.url}/api/v1/auth/reset", json={
        "token": setup_link_token(result.output), "new_password": PROVIDER_PASSWORD},
        headers={"Origin": two.url}).status_code == 204
    assert provider.post(f"{two.url}/api/v1/auth/login", json={
        "email": email, "password": PROVIDER_PASSWORD}).status_code == 200
    secret = provider.post(f"{two.url}/api/v1/me/mfa/totp", json={
        "password": PROVIDER_PASSWORD}, headers={"Origin": two.url}).json()["secret"]
    assert provider.post(f"{two.url}/api/v1/me/mfa/totp/confirm", json={"code": code(secret)},
                         headers={"Origin": two.url}).status_code == 200
    code = provider.get(f"{two.url}/api/v1/clinic").json()["code"]

    patient = requests.Session()
    patient.post(f"{one.url}/api/v1/auth/register", json={
        "email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD})
    patient.put(f"{one.url}/api/v1/entries/2026-03-01", json={"pain": 4})
    connection = patient.post(f"{one.url}/api/v1/clinic-connections", json={"code": code},
                              headers={"Origin": one.url}).json()
    trends = f"{two.url}/api/v1/clinic/patients/{connection['id']}/trends"
    assert provider.get(trends).status_code == 200
    assert [item["patient_id"] for item in provider.get(
        f"{two.url}/api/v1/clinic/patients").json()["items"]] == [connection["id"]]

    assert patient.delete(f"{one.url}/api/v1/clinic-connections/{connection['id']}",
                          headers={"Origin": one.url}).status_code == 204
    assert provider.get(trends).status_code == 404
    assert provider.get(f"{two.url}/api/v1/clinic/patients").json()["items"] == []
