"""Clinics for tests: made with the admin's CLI, providers set up through their one-time
links and logged in, patients connected with the clinic's code."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from tests.support.mfa import code, enrol

PROVIDER_PASSWORD = "lakeside infusion night shift"
_providers = itertools.count(1)


@dataclass
class ClinicSetup:
    id: int
    name: str
    code: str
    admin: FlaskClient


def setup_link_token(output: str) -> str:
    link = output.strip().splitlines()[-1]
    assert "/reset?setup#" in link, output
    return link.split("#", 1)[1]


def provider_client(app: Flask, token: str, email: str, *, secret: str | None = None
                    ) -> FlaskClient:
    """The provider who opened the link: chooses a password, logs in and turns on two-step
    login (required before any clinic data); `client.totp_secret` is its app's secret. An
    account that has it on already (`secret`) logs in with its next code instead."""
    client = app.test_client()
    assert client.post("/api/v1/auth/reset", json={
        "token": token, "new_password": PROVIDER_PASSWORD}).status_code == 204
    if secret is not None:
        client.totp_secret = secret  # type: ignore[attr-defined]
        log_in_again(client, email)
        return client
    assert client.post("/api/v1/auth/login", json={
        "email": email, "password": PROVIDER_PASSWORD}).status_code == 200
    client.totp_secret, _ = enrol(client, PROVIDER_PASSWORD)  # type: ignore[attr-defined]
    return client


def log_in_again(client: FlaskClient, email: str) -> None:
    """A provider who logged out logs in: the password, then the app's next code."""
    first = client.post("/api/v1/auth/login", json={"email": email, "password": PROVIDER_PASSWORD})
    assert first.get_json()["mfa_required"] is True, first.get_json()
    secret = client.totp_secret  # type: ignore[attr-defined]
    done = client.post("/api/v1/auth/login/mfa", json={
        "mfa_token": first.get_json()["mfa_token"], "code": code(secret, steps_ahead=1)})
    assert done.status_code == 200, done.get_json()


def create_clinic(app: Flask, name: str = "Lakeside Infusion Center",
                  admin_name: str = "Dr Ada Lee") -> ClinicSetup:
    email = f"provider{next(_providers)}@clinic.example"
    result = app.test_cli_runner().invoke(
        args=["clinics", "create", name, "--admin", email, "--name", admin_name])
    assert result.exit_code == 0, result.output
    admin = provider_client(app, setup_link_token(result.output), email)
    body = admin.get("/api/v1/clinic").get_json()
    return ClinicSetup(body["id"], body["name"], body["code"], admin)


def invite(app: Flask, clinic: ClinicSetup, display_name: str = "Dr Ben Ortiz"
           ) -> FlaskClient:
    email = f"provider{next(_providers)}@clinic.example"
    response = clinic.admin.post("/api/v1/clinic/invites",
                                 json={"email": email, "display_name": display_name})
    assert response.status_code == 201, response.get_json()
    client = provider_client(app, response.get_json()["url"].split("#", 1)[1], email)
    client.user_id = client.get("/api/v1/clinic").get_json()["providers"][-1]["id"]
    return client


def connect(patient: FlaskClient, clinic: ClinicSetup, include_notes: bool = False) -> str:
    """The patient connects; returns the connection id (the provider's patient_id)."""
    response = patient.post("/api/v1/clinic-connections",
                            json={"code": clinic.code, "include_notes": include_notes})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()["id"]
