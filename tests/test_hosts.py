"""Links start with PUBLIC_URL, and a request naming a host the install does not serve is
refused (TRUSTED_HOSTS): a forged Host cannot plant a foreign address in a link."""

from __future__ import annotations

import pytest

from api.config import trusted_hosts
from tests.conftest import PASSWORD, other_app, register
from tests.test_password_reset import reset_link

PUBLIC = {"PUBLIC_URL": "https://diary.example.org",
          "TRUSTED_HOSTS": trusted_hosts("https://diary.example.org")}


def test_share_and_reset_links_start_with_public_url(database_url, app):
    with other_app(database_url, **PUBLIC) as served:
        client = served.test_client()
        https = {"base_url": "https://diary.example.org"}
        assert client.post("/api/v1/auth/register", json={
            "email": "p@example.org", "password": PASSWORD}, **https).status_code == 201
        response = client.post("/api/v1/shares", json={"label": "Dr. Rivera"}, **https)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["url"].startswith("https://diary.example.org/share#")
        assert reset_link(served, "p@example.org")
        printed = served.test_cli_runner().invoke(args=["users", "reset-password",
                                                        "p@example.org"]).output
        assert "https://diary.example.org/reset#" in printed


def test_the_link_does_not_follow_an_allowed_second_name(database_url, app):
    """Even a host the install answers to (say, its address on the local network) does not
    end up in the link: only PUBLIC_URL does."""
    with other_app(database_url, PUBLIC_URL="https://diary.example.org",
                   TRUSTED_HOSTS=["diary.example.org", "localhost"]) as served:
        client = served.test_client()
        register(client)
        created = client.post("/api/v1/shares", json={"label": "Dr. Rivera"}).get_json()
    assert created["url"].startswith("https://diary.example.org/share#")


@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/shares"), ("get", "/api/v1/me"), ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/shared/session"), ("get", "/"), ("get", "/share"), ("get", "/healthz"),
])
def test_a_forged_host_is_refused_before_anything_runs(alice, method, path):
    response = getattr(alice, method)(path, json={"label": "x"},
                                      headers={"Host": "evil.example"})
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"
        assert "not trusted" in response.get_json()["detail"]
    assert b"evil.example/share" not in response.get_data()
    assert alice.get("/api/v1/shares").get_json()["items"] == []


def test_a_forged_forwarded_host_is_refused_behind_a_proxy(database_url, app):
    with other_app(database_url, TRUSTED_PROXIES=1) as proxied:
        client = proxied.test_client()
        register(client)
        forged = client.post("/api/v1/shares", json={"label": "x"},
                             headers={"X-Forwarded-Host": "evil.example"})
        assert forged.status_code == 400
        honest = client.post("/api/v1/shares", json={"label": "x"},
                             headers={"X-Forwarded-Host": "localhost"})
        assert honest.status_code == 201
        assert honest.get_json()["url"].startswith("http://localhost/share#")


def test_trusted_hosts_default_to_public_urls_host():
    assert trusted_hosts("http://127.0.0.1:8000") == ["127.0.0.1", "localhost"]
    assert trusted_hosts("http://localhost:8000") == ["127.0.0.1", "localhost"]
    assert trusted_hosts("https://Diary.Example.org:8443/") == ["diary.example.org"]
    assert trusted_hosts("https://diary.example.org", " Diary.example.org, .lan ,") == [
        "diary.example.org", ".lan"]
    assert trusted_hosts("https://diary.example.org", "") == ["diary.example.org"]
