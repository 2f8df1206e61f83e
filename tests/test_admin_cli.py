"""The admin commands a self-hosted install relies on."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_users_list_disable_enable(app, alice):
    email = alice.user["email"]
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 2})
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["users", "list"])
    assert email in listed.output and "1 entries" in listed.output and "active" in listed.output

    assert runner.invoke(args=["users", "disable", email]).exit_code == 0
    assert alice.get("/api/v1/me").status_code == 401  # the session ended
    login = app.test_client().post("/api/v1/auth/login",
                                   json={"email": email, "password": PASSWORD})
    assert login.status_code == 401
    assert "disabled" in runner.invoke(args=["users", "list"]).output

    assert runner.invoke(args=["users", "enable", email]).exit_code == 0
    login = app.test_client().post("/api/v1/auth/login",
                                   json={"email": email, "password": PASSWORD})
    assert login.status_code == 200


def test_unknown_email_is_an_error(app):
    result = app.test_cli_runner().invoke(args=["users", "disable", "nobody@example.org"])
    assert result.exit_code != 0 and "no account" in result.output
