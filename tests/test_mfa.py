"""Two-step login with an authenticator app (TOTP codes computed here from the secret) and
recovery codes: enrolment, the second step of a log-in, replayed and wrong codes, the
mfa_token's life, the rate limit, a reset that does not bypass it, and the admin's
reset-mfa."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from api.audit.models import AuditEvent
from api.auth.models import MfaChallenge, TotpSecret
from api.db import db
from api.models import utcnow
from tests.conftest import PASSWORD, other_app, send_mail
from tests.support.mfa import code, enrol
from tests.support.smtp import Mailbox, body

EMAIL = "rosa@example.org"


@pytest.fixture
def rosa(mail_app):
    client = mail_app.test_client()
    assert client.post("/api/v1/auth/register", json={
        "email": EMAIL, "password": PASSWORD, "language": "es"}).status_code == 201
    return client


def _password_step(client) -> dict:
    response = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _events(app) -> list[str]:
    with app.app_context(), db.read():
        return list(db.session.scalars(select(AuditEvent.event).order_by(AuditEvent.id)))


def test_enrolment_shows_a_secret_then_turns_on_with_a_code(mail_app, rosa, mailbox: Mailbox):
    began = rosa.post("/api/v1/me/mfa/totp", json={"password": PASSWORD}).get_json()
    uri = urlsplit(began["otpauth_uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [began["secret"]]
    assert parse_qs(uri.query)["issuer"] == ["Relieflog"]
    # Not on until confirmed: the password alone still logs in.
    assert rosa.get("/api/v1/me").get_json()["mfa"] == {
        "totp": False, "passkeys": 0, "recovery_codes_left": 0}
    wrong = rosa.post("/api/v1/me/mfa/totp/confirm", json={"code": "000000"})
    assert wrong.status_code == 422 and "code" in wrong.get_json()["errors"]
    ok = rosa.post("/api/v1/me/mfa/totp/confirm", json={"code": code(began["secret"])})
    codes = ok.get_json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert rosa.get("/api/v1/me").get_json()["mfa"] == {
        "totp": True, "passkeys": 0, "recovery_codes_left": 10}
    with mail_app.app_context(), db.read():
        stored = db.session.scalars(select(TotpSecret)).one().secret_encrypted
    assert began["secret"] not in stored  # encrypted at rest
    send_mail(mail_app)
    [notice] = mailbox.to(EMAIL)
    assert notice["Subject"] == "El inicio de sesión en dos pasos está activado"
    assert "mfa_enabled" in _events(mail_app)


def test_enrolment_needs_the_password(rosa):
    response = rosa.post("/api/v1/me/mfa/totp", json={"password": "not my password at all"})
    assert response.status_code == 403


def test_log_in_asks_for_the_code_and_accepts_each_code_once(mail_app, rosa):
    secret, _ = enrol(rosa, PASSWORD)
    client = mail_app.test_client()
    first = _password_step(client)
    assert first["mfa_required"] is True and set(first["methods"]) == {"totp", "recovery_code"}
    assert "email" not in first
    assert client.get("/api/v1/me").status_code == 401  # no session yet
    right = code(secret, steps_ahead=1)  # the enrolment used this step's code
    done = client.post("/api/v1/auth/login/mfa", json={"mfa_token": first["mfa_token"],
                                                       "code": right})
    assert done.status_code == 200 and done.get_json()["email"] == EMAIL
    assert client.get("/api/v1/me").status_code == 200
    # The same token again: single use.
    again = client.post("/api/v1/auth/login/mfa", json={"mfa_token": first["mfa_token"],
                                                        "code": right})
    assert again.status_code == 401
    # A replayed code on a fresh log-in: refused, and so is an older step's.
    other = mail_app.test_client()
    token = _password_step(other)["mfa_token"]
    for replayed in (right, code(secret, steps_ahead=-1)):
        refused = other.post("/api/v1/auth/login/mfa",
                             json={"mfa_token": token, "code": replayed})
        assert refused.status_code == 401 and "code" in refused.get_json()["errors"]
    assert other.get("/api/v1/me").status_code == 401


def test_a_wrong_code_is_refused_and_logged(mail_app, rosa):
    enrol(rosa, PASSWORD)
    client = mail_app.test_client()
    token = _password_step(client)["mfa_token"]
    response = client.post("/api/v1/auth/login/mfa", json={"mfa_token": token, "code": "12345"})
    assert response.status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    assert _events(mail_app)[-1] == "login_failed"


def test_the_mfa_token_expires_after_five_minutes(mail_app, rosa):
    secret, _ = enrol(rosa, PASSWORD)
    client = mail_app.test_client()
    token = _password_step(client)["mfa_token"]
    with mail_app.app_context(), db.write():
        row = db.session.scalars(select(MfaChallenge)).one()
        assert timedelta(minutes=4) < row.expires_at - utcnow() <= timedelta(minutes=5)
        db.session.execute(update(MfaChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.post("/api/v1/auth/login/mfa",
                           json={"mfa_token": token, "code": code(secret, steps_ahead=1)})
    assert response.status_code == 401 and "mfa_token" in response.get_json()["errors"]


def test_second_step_attempts_share_the_login_rate_limit(app, database_url):
    with other_app(database_url, PASSWORD_FAILURE_LIMIT="3 per 15 minutes") as limited:
        owner = limited.test_client()
        assert owner.post("/api/v1/auth/register", json={
            "email": EMAIL, "password": PASSWORD}).status_code == 201
        secret, _ = enrol(owner, PASSWORD)
        client = limited.test_client()
        token = _password_step(client)["mfa_token"]
        answers = [client.post("/api/v1/auth/login/mfa",
                               json={"mfa_token": token, "code": "000000"}).status_code
                   for _ in range(3)]
        assert answers == [401, 401, 401]
        blocked = client.post("/api/v1/auth/login/mfa", json={
            "mfa_token": token, "code": code(secret, steps_ahead=1)})
        assert blocked.status_code == 429  # even the right code waits now
        # and the password step for that account from this address too
        assert client.post("/api/v1/auth/login", json={
            "email": EMAIL, "password": PASSWORD}).status_code == 429


def test_a_recovery_code_works_once_and_says_how_many_are_left(mail_app, rosa,
                                                              mailbox: Mailbox):
    _, codes = enrol(rosa, PASSWORD)
    client = mail_app.test_client()
    token = _password_step(client)["mfa_token"]
    used = codes[3].lower().replace("-", " ")  # typed loosely
    done = client.post("/api/v1/auth/login/mfa", json={"mfa_token": token,
                                                       "recovery_code": used})
    assert done.status_code == 200
    assert done.get_json()["mfa"]["recovery_codes_left"] == 9
    again = mail_app.test_client()
    token = _password_step(again)["mfa_token"]
    refused = again.post("/api/v1/auth/login/mfa", json={"mfa_token": token,
                                                         "recovery_code": codes[3]})
    assert refused.status_code == 401 and "recovery_code" in refused.get_json()["errors"]
    send_mail(mail_app)
    notices = {m["Subject"]: body(m) for m in mailbox.to(EMAIL)}
    assert "Códigos de recuperación restantes: 9." in notices["Se usó un código de recuperación"]
    assert "recovery_code_used" in _events(mail_app)


def test_a_password_reset_does_not_skip_the_second_step(mail_app, rosa):
    enrol(rosa, PASSWORD)
    client = mail_app.test_client()
    assert client.post("/api/v1/auth/forgot", json={"email": EMAIL}).status_code == 202
    result = mail_app.test_cli_runner().invoke(args=["users", "reset-password", EMAIL])
    token = result.output.strip().splitlines()[-1].split("#", 1)[1]
    new_password = "a brand new passphrase for spring"
    assert client.post("/api/v1/auth/reset", json={
        "token": token, "new_password": new_password}).status_code == 204
    assert rosa.get("/api/v1/me").status_code == 401  # every session ended
    answer = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": new_password})
    assert answer.get_json()["mfa_required"] is True
    assert client.get("/api/v1/me").status_code == 401


def test_turning_it_off_needs_the_password_and_a_code(mail_app, rosa, mailbox: Mailbox):
    secret, _ = enrol(rosa, PASSWORD)
    wrong = rosa.delete("/api/v1/me/mfa/totp", json={"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 422
    off = rosa.delete("/api/v1/me/mfa/totp", json={"password": PASSWORD,
                                                   "code": code(secret, steps_ahead=1)})
    assert off.status_code == 204
    assert rosa.get("/api/v1/me").get_json()["mfa"]["totp"] is False
    assert "email" in _password_step(mail_app.test_client())  # the password alone again
    send_mail(mail_app)
    assert "El inicio de sesión en dos pasos está desactivado" in [
        m["Subject"] for m in mailbox.to(EMAIL)]


def test_the_admin_resets_a_lost_factor_audited_and_mailed(mail_app, rosa, mailbox: Mailbox):
    enrol(rosa, PASSWORD)
    result = mail_app.test_cli_runner().invoke(args=["users", "reset-mfa", EMAIL.upper()])
    assert result.exit_code == 0, result.output
    assert rosa.get("/api/v1/me").status_code == 401  # sessions ended
    client = mail_app.test_client()
    me = _password_step(client)
    assert me["email"] == EMAIL and me["mfa"]["totp"] is False
    assert _events(mail_app).count("mfa_reset") == 1
    send_mail(mail_app)
    assert "El administrador restableció el inicio de sesión en dos pasos" in [
        m["Subject"] for m in mailbox.to(EMAIL)]
    again = mail_app.test_cli_runner().invoke(args=["users", "reset-mfa", EMAIL])
    assert again.exit_code != 0 and "no two-step login" in again.output


# --- Providers must use it -----------------------------------------------------------------

def _unenrolled_provider(application):
    from tests.support.clinics import PROVIDER_PASSWORD, setup_link_token

    email = "ada@clinic.example"
    result = application.test_cli_runner().invoke(
        args=["clinics", "create", "Lakeside Infusion Center", "--admin", email])
    assert result.exit_code == 0, result.output
    client = application.test_client()
    assert client.post("/api/v1/auth/reset", json={
        "token": setup_link_token(result.output),
        "new_password": PROVIDER_PASSWORD}).status_code == 204
    assert client.post("/api/v1/auth/login", json={
        "email": email, "password": PROVIDER_PASSWORD}).status_code == 200
    return client


def _clinic_routes(application) -> list[tuple[str, str]]:
    """Every route of the clinic blueprint, with made-up ids where the path has them."""
    routes = []
    for rule in application.url_map.iter_rules():
        if not rule.endpoint.startswith("clinic."):
            continue
        if rule.rule == "/api/v1/clinic/invites/accept":
            continue  # any account accepts its own invitation there; it opens no patient data
        path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", rule.rule)
        path = re.sub(r"<kind:\w+>", "entries", path)  # a record kind, by its name
        path = re.sub(r"<(\w+:)?\w+>", "1", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


def test_a_provider_without_two_step_login_gets_no_clinic_route(app):
    provider = _unenrolled_provider(app)
    routes = _clinic_routes(app)
    assert ("GET", "/api/v1/clinic/patients") in routes and len(routes) >= 8
    for method, path in routes:
        response = provider.open(path, method=method, json={} if method != "GET" else None)
        assert response.status_code == 403, (method, path, response.get_json())
        assert response.get_json()["code"] == "mfa_enrollment_required", (method, path)
    # The account's own endpoints still answer: that is where enrolment happens.
    assert provider.get("/api/v1/me").get_json()["role"] == "provider"
    secret, _ = enrol(provider, "lakeside infusion night shift")
    assert provider.get("/api/v1/clinic/patients").status_code == 200
    assert secret


def test_the_requirement_can_be_turned_off_by_the_operator(app, database_url):
    with other_app(database_url, PROVIDER_MFA_REQUIRED=False) as relaxed:
        provider = _unenrolled_provider(relaxed)
        assert provider.get("/api/v1/clinic/patients").status_code == 200


# --- Passkeys (the browser test adds, uses and removes a real one) --------------------------

def test_a_passkey_needs_two_step_login_and_a_fresh_challenge(rosa):
    assert rosa.post("/api/v1/me/passkeys/options").status_code == 403
    enrol(rosa, PASSWORD)
    options = rosa.post("/api/v1/me/passkeys/options").get_json()["publicKey"]
    assert options["rp"] == {"id": "localhost", "name": "Relieflog"}
    assert options["user"]["name"] == EMAIL and len(options["challenge"]) >= 22
    forged = {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
              "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}
    refused = rosa.post("/api/v1/me/passkeys", json={"credential": forged, "label": "x"})
    assert refused.status_code == 422 and "credential" in refused.get_json()["errors"]
    again = rosa.post("/api/v1/me/passkeys", json={"credential": forged, "label": "x"})
    assert "took too long or was finished" in again.get_json()["errors"]["credential"][0]
    assert rosa.get("/api/v1/me/passkeys").get_json() == {"items": []}
    assert rosa.delete("/api/v1/me/passkeys/not-a-passkey").status_code == 404


def test_a_log_in_without_a_passkey_offers_none(mail_app, rosa):
    enrol(rosa, PASSWORD)
    client = mail_app.test_client()
    first = _password_step(client)
    assert "passkey" not in first["methods"]
    options = client.post("/api/v1/auth/login/mfa/options",
                          json={"mfa_token": first["mfa_token"]})
    assert options.status_code == 404
    forged = client.post("/api/v1/auth/login/mfa", json={
        "mfa_token": first["mfa_token"], "passkey": {"id": "AAAA", "rawId": "AAAA"}})
    assert forged.status_code == 401 and "passkey" in forged.get_json()["errors"]
    assert client.get("/api/v1/me").status_code == 401
