"""Security headers on every kind of response; cookies hardened behind HTTPS."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

PATHS = ["/", "/today", "/api/v1/me", "/api/v1/openapi.json", "/healthz", "/api/v1/nope",
         "/manifest.webmanifest", "/share", "/clinic",
         "/clinic/patients/0b7f2c1e-59a4-4c55-9d7e-3b0b2f0f6a11"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS


def test_a_clinic_patients_report_is_the_share_page_with_its_privacy_headers(client):
    """/clinic/patients/<id> serves the provider's report (share.html), which reads the
    clinic's API with the provider's login; kept from caches, referrers and robots alike."""
    def fetch(path):
        with client.get(path) as response:
            return response.status_code, response.get_data(), response.headers

    _, share, share_headers = fetch("/share")
    status, page, headers = fetch("/clinic/patients/0b7f2c1e-59a4-4c55-9d7e-3b0b2f0f6a11")
    assert status == 200 and page == share
    for name in ("Content-Security-Policy", "Referrer-Policy", "Cache-Control", "X-Robots-Tag"):
        assert headers[name] == share_headers[name], name
    assert headers["Cache-Control"] == "no-store"
    assert fetch("/clinic")[1] == fetch("/today")[1]  # the app's shell


def test_api_responses_are_never_cached(alice):
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 3})
    for path in ("/api/v1/entries/2026-03-01", "/api/v1/entries", "/api/v1/trends",
                 "/api/v1/export/entries.csv"):
        assert alice.get(path).headers["Cache-Control"] == "no-store", path


def test_https_gets_hsts_and_host_prefixed_secure_cookie(app):
    client = app.test_client()
    response = client.post("/api/v1/auth/register", base_url="https://localhost",
                           json={"email": "tls@example.org", "password": PASSWORD})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-relieflog_session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "Domain=" not in cookie


def test_behind_a_trusted_proxy_https_is_recognised(database_url, app):
    from tests.conftest import other_app

    with other_app(database_url, TRUSTED_PROXIES=1) as proxied:
        response = proxied.test_client().post(
            "/api/v1/auth/register", json={"email": "proxy@example.org", "password": PASSWORD},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_forwarded_headers_are_ignored_without_trusted_proxies(client):
    response = client.post("/api/v1/auth/register",
                           json={"email": "spoof@example.org", "password": PASSWORD},
                           headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in response.headers["Set-Cookie"]
