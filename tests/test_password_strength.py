"""Every new password (register, change, admin reset) must be hard to guess: zxcvbn judges
it, with the account's own email address and name as the first guesses."""

from __future__ import annotations

import pytest

from api.auth.passwords import account_words, weakness
from api.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.conftest import PASSWORD, register
from tests.test_password_reset import reset_link

# At least 10 characters each, so only their guessability is wrong.
GUESSABLE = ["password1234", "qwertyuiop", "1234567890", "aaaaaaaaaaaa", "iloveyou123",
             "relieflog2024"]
TOO_EASY = "This password is too easy to guess."


def refused(response, field: str) -> str:
    """The 422 problem+json naming `field`; its message."""
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert list(body["errors"]) == [field]
    message = " ".join(body["errors"][field])
    assert message.startswith(TOO_EASY) and body["detail"] == f"{field}: {message}"
    return message


@pytest.mark.parametrize("password", GUESSABLE)
def test_register_refuses_a_guessable_password(client, password):
    response = client.post("/api/v1/auth/register", json={
        "email": "new@example.org", "password": password})
    refused(response, "password")
    # Nothing was created: the same email registers with a good password.
    assert client.post("/api/v1/auth/register", json={
        "email": "new@example.org", "password": PASSWORD}).status_code == 201


@pytest.mark.parametrize("password", GUESSABLE)
def test_password_change_refuses_a_guessable_password(app, alice, password):
    response = alice.post("/api/v1/me/password",
                          json={"current_password": PASSWORD, "new_password": password})
    refused(response, "new_password")
    assert app.test_client().post("/api/v1/auth/login", json={
        "email": alice.user["email"], "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("password", GUESSABLE)
def test_reset_refuses_a_guessable_password_and_the_link_still_works(app, alice, password):
    token = reset_link(app, alice.user["email"])
    client = app.test_client()
    refused(client.post("/api/v1/auth/reset", json={"token": token, "new_password": password}),
            "new_password")
    assert client.post("/api/v1/auth/reset", json={
        "token": token, "new_password": "a brand new password"}).status_code == 204


def test_the_message_says_what_is_wrong_in_plain_words(client):
    message = refused(client.post("/api/v1/auth/register", json={
        "email": "new@example.org", "password": "qwertyuiop"}), "password")
    assert message == (f"{TOO_EASY} This is a top-100 common password. "
                       "Add another word or two. Uncommon words are better.")
    repeated = refused(client.post("/api/v1/auth/register", json={
        "email": "new@example.org", "password": "aaaaaaaaaaaa"}), "password")
    assert 'Repeats like "aaa" are easy to guess.' in repeated
    assert "It contains the name of this app." in refused(client.post(
        "/api/v1/auth/register", json={"email": "new@example.org",
                                       "password": "relieflog2024"}), "password")


def test_the_accounts_own_email_and_name_count_as_guesses(app, patient, client):
    # Hard to guess for anyone else...
    assert weakness("vantreck2024") is None and weakness("quillon vantreck") is None
    # ...but not from the account's own email address (register)...
    own = refused(client.post("/api/v1/auth/register", json={
        "email": "quillon.vantreck@example.org", "password": "vantreck2024"}), "password")
    assert "It contains your email address or name." in own
    # ...or its display name (register),
    refused(client.post("/api/v1/auth/register", json={
        "email": "q@example.org", "password": "quillon vantreck",
        "display_name": "Quillon Vantreck"}), "password")
    # the signed-in account's name (change),
    named = patient(display_name="Quillon Vantreck")
    refused(named.post("/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": "quillon vantreck"}), "new_password")
    # and the email of the account a reset link belongs to (reset).
    mailed = patient(email="quillon.vantreck@example.org")
    token = reset_link(app, "quillon.vantreck@example.org")
    refused(app.test_client().post("/api/v1/auth/reset", json={
        "token": token, "new_password": "vantreck2024"}), "new_password")
    assert app.test_client().post("/api/v1/auth/reset", json={
        "token": token, "new_password": "a brand new password"}).status_code == 204
    assert mailed.get("/api/v1/me").status_code == 401  # the good one went through
    # Another account may use the same words: they are not its own.
    register(client, email="someone@example.org", password="vantreck2024")


def test_length_comes_first_and_long_passwords_are_judged(client):
    short = client.post("/api/v1/auth/register", json={"email": "a@example.org",
                                                       "password": "short"})
    assert short.status_code == 422
    assert short.get_json()["errors"]["password"] == ["Length must be between 10 and 1024."]
    # zxcvbn reads 72 characters: a long repeat is still refused, a long phrase is fine.
    refused(client.post("/api/v1/auth/register", json={"email": "b@example.org",
                                                       "password": "a" * 500}), "password")
    assert client.post("/api/v1/auth/register", json={
        "email": "c@example.org", "password": (PASSWORD + " ") * 30}).status_code == 201


def test_the_fixed_passwords_of_tests_demo_and_benchmarks_are_strong():
    from bench.common import PASSWORD as BENCH_PASSWORD

    assert weakness(PASSWORD, user_inputs=account_words("patient1@example.org")) is None
    assert weakness(DEMO_PASSWORD,
                    user_inputs=account_words(DEMO_EMAIL, "Demo Patient")) is None
    assert weakness(BENCH_PASSWORD,
                    user_inputs=account_words("five-years@example.org")) is None


def test_account_words_split_the_email_and_name():
    assert account_words("Sam.Rivera@Example.org", "Sam Rivera") == [
        "sam.rivera@example.org", "sam rivera", "sam", "rivera", "example", "org"]
    assert account_words("", "  ") == []
