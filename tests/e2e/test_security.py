"""The account's security screens: the security log and API tokens in Settings, changing the
password there, the one-time password reset page an admin's link opens, and the server's
message about a new password under its field on every screen that sets one."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone, flask_cli

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a new and even longer password"


def test_security_log_fhir_download_and_api_tokens(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()  # logs in through the Log in screen: the first line of the log
    phone.goto("/settings")
    log = page.get_by_role("list", name="Security events, newest first")
    expect(log.locator("li").first).to_contain_text(re.compile(
        r"^Logged in — Chrome on Linux — \d{1,2} \w{3} \d\d:\d\d$"))

    fhir = page.get_by_role("link", name="Download FHIR (for health record systems)")
    with page.expect_download() as download:
        fhir.click()
    assert download.value.suggested_filename.endswith(".json")

    tokens = page.locator("section", has=page.get_by_role("heading", name="API tokens"))
    tokens.get_by_label("Token name").fill("Backup script")
    tokens.get_by_role("button", name="Create token").click()
    expect(tokens.locator(".once")).to_contain_text("This token is shown once. Copy it now.")
    token = tokens.get_by_label("Token", exact=True).input_value()
    me = f"{phone.url}/api/v1/me"
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(me, headers=bearer, timeout=10).status_code == 200
    expect(tokens.get_by_role("list", name="Your API tokens")).to_contain_text("Backup script")
    phone.check("settings-token", also=".once")

    tokens.get_by_role("button", name="Revoke Backup script").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke token").click()
    expect(tokens.get_by_text("No tokens.")).to_be_visible()
    assert requests.get(me, headers=bearer, timeout=10).status_code == 401

    phone.goto("/settings")
    expect(log.locator("li").nth(0)).to_contain_text("API token revoked — Backup script")
    expect(log.locator("li").nth(1)).to_contain_text("API token created — Backup script")
    expect(log.locator("li").nth(2)).to_contain_text("Data downloaded — FHIR bundle")
    page.locator("#audit-title").scroll_into_view_if_needed()
    phone.check("settings-security-log", also=".log-list")
    phone.assert_clean()


def test_security_log_shows_older_events_a_page_at_a_time(phone: Phone) -> None:
    """However long the log, "Show older" reaches its first line: the log-in."""
    page = phone.page
    phone.sign_up()
    http = phone.api()  # a second log-in
    for n in range(13):
        assert http.post(f"{phone.url}/api/v1/tokens", json={"label": f"script {n}"},
                         timeout=10).status_code == 201
    phone.goto("/settings")
    log = page.get_by_role("list", name="Security events, newest first")
    expect(log.locator("li")).to_have_count(10)
    expect(log.locator("li").first).to_contain_text("API token created — script 12")
    older = page.get_by_role("button", name="Show older")
    older.click()
    expect(log.locator("li")).to_have_count(15)
    expect(log.locator("li").nth(10)).to_be_focused()
    expect(log.locator("li").last).to_contain_text(re.compile(r"^Logged in — "))
    expect(older).to_have_count(0)
    phone.assert_clean()


def test_password_reset_link(phone: Phone, database_url: str) -> None:
    page = phone.page
    email = phone.register()
    printed = flask_cli(database_url, "users", "reset-password", email, PUBLIC_URL=phone.url)
    link = re.search(rf"{re.escape(phone.url)}/reset#\S+", printed).group(0)  # type: ignore[union-attr]

    page.goto(link)
    page.get_by_role("heading", name="Choose a new password").wait_for()
    assert page.evaluate("location.hash") == "" and page.url.endswith("/reset")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD + "!")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("The two passwords are not the same.")).to_be_visible()
    phone.check("reset")
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()

    page.get_by_role("heading", name="Log in").wait_for()
    expect(page.get_by_role("status").filter(has_text="Your password was changed")).to_be_visible()
    phone.check("reset-done")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Today").wait_for()
    old = requests.post(f"{phone.url}/api/v1/auth/login",
                        json={"email": email, "password": PASSWORD}, timeout=10)
    assert old.status_code == 401

    # The link works once.
    page.goto(link)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    page.get_by_role("heading", name="This reset link does not work").wait_for()
    expect(page.get_by_role("alert")).to_contain_text("already been used or has expired")
    phone.check("reset-used")
    phone.assert_clean(expected=("410",))


def test_a_mangled_reset_link_does_not_work(phone: Phone) -> None:
    page = phone.page
    page.goto(f"{phone.url}/reset#abc%")
    page.get_by_role("heading", name="This reset link does not work").wait_for()
    expect(page.get_by_role("alert")).to_have_text(
        "Part of the link is wrong or missing. Open the whole link you were sent.")
    assert page.evaluate("location.hash") == "" and page.url.endswith("/reset")
    phone.assert_clean()


def test_password_change_says_what_it_ends_and_refreshes_the_tokens(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.goto("/settings")
    tokens = page.locator("section", has=page.get_by_role("heading", name="API tokens"))
    tokens.get_by_label("Token name").fill("Backup script")
    tokens.get_by_role("button", name="Create token").click()
    expect(tokens.locator(".once")).to_contain_text("This token is shown once.")
    expect(tokens.get_by_role("list", name="Your API tokens")).to_contain_text("Backup script")

    # Said before the patient presses the button, and tied to it for screen readers.
    form = page.locator("form", has=page.get_by_role("heading", name="Password"))
    warning = "Other devices will be logged out and your API tokens will stop working."
    expect(form).to_contain_text(warning)
    change = form.get_by_role("button", name="Change password")
    expect(change).to_have_accessible_description(warning)
    page.locator("#password-title").scroll_into_view_if_needed()
    phone.check("settings-password", also="#password-title")

    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("New password").fill(NEW_PASSWORD)
    with page.expect_response(lambda r: r.url == f"{phone.url}/api/v1/tokens"
                              and r.request.method == "GET") as listed:
        change.click()
    expect(page.get_by_role("status")).to_have_text("Password changed")
    expect(form.get_by_label("New password")).to_have_value("")
    # The list shows what the server has now (no tokens, once it revokes them on a change),
    # and the token shown once is gone with it.
    labels = [t["label"] for t in listed.value.json()["items"]]
    expect(tokens.locator(".once")).to_have_count(0)
    if labels:
        expect(tokens.locator(".token-list .title")).to_have_text(labels)
    else:
        expect(tokens.get_by_text("No tokens.")).to_be_visible()
    phone.assert_clean()


WEAK = "This password is on a list of common passwords. Choose one that is harder to guess."


def refuse(page: Any, path: str, field: str) -> None:
    """The server's answer to a weak new password: 422 with a message for the field."""
    problem = {"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
               "detail": f"{field}: {WEAK}", "errors": {field: [WEAK]}}
    page.route(f"**/api/v1{path}", lambda route: route.fulfill(
        status=422, content_type="application/problem+json", body=json.dumps(problem)))


@pytest.mark.parametrize("screen", ["register", "reset", "settings"])
def test_the_servers_new_password_message_is_shown_under_the_field(
        phone: Phone, screen: str) -> None:
    page = phone.page
    if screen == "register":
        refuse(page, "/auth/register", "password")
        phone.goto("/register")
        page.get_by_label("Email").fill("weak@example.org")
        submit, label = page.get_by_role("button", name="Create account"), "Password"
    elif screen == "reset":
        refuse(page, "/auth/reset", "new_password")
        page.goto(f"{phone.url}/reset#a-token-from-an-admin")
        page.get_by_label("Confirm password").fill("password1234")
        submit, label = page.get_by_role("button", name="Set new password"), "Password"
    else:
        phone.sign_up()
        refuse(page, "/me/password", "new_password")
        phone.goto("/settings")
        page.get_by_label("Current password").fill(PASSWORD)
        submit, label = page.get_by_role("button", name="Change password"), "New password"
    password = page.get_by_label(label, exact=True)
    password.fill("password1234")
    submit.click()

    field = page.locator(".field", has=password)
    expect(field.locator(".error-text")).to_have_text(WEAK)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile(re.escape(WEAK)))
    expect(password).to_be_focused()
    phone.assert_clean(expected=("422",))
