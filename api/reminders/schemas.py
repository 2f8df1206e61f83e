"""Reminder settings and push subscription bodies: strict, each problem named by field."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from api.fields import StrictBoolean
from api.reminders import push

KINDS = ("daily", "after_session", "questionnaire")
LANGUAGES = ("en", "es")
TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def validate_time(value: str) -> None:
    if not TIME.fullmatch(value):
        raise ValidationError("Use HH:MM, 24-hour (00:00 to 23:59).")


class DailySchema(Schema):
    enabled = StrictBoolean(required=True)
    time = fields.String(required=True, validate=validate_time, metadata={
        "description": "The patient's local time, HH:MM (24-hour)."})


class RemindersSchema(Schema):
    daily = fields.Nested(DailySchema, required=True, metadata={
        "description": "Today's check-in, at this time when today is not logged yet."})
    after_session = StrictBoolean(required=True, metadata={
        "description": "The day after a session, at the daily time."})
    questionnaires = StrictBoolean(required=True, metadata={
        "description": "On the day a check-in (PHQ-9, GAD-7, PEG) falls due, at the daily "
                       "time."})


class PushKeySchema(Schema):
    public_key = fields.String(metadata={
        "description": "applicationServerKey: base64url of the uncompressed P-256 point."})


def _endpoint(value: str) -> None:
    config = current_app.config
    problem = push.endpoint_problem(
        value, allowed=push.allowed_hosts(config["PUSH_ALLOWED_HOSTS"]),
        loopback_http=config["PUSH_ALLOW_LOOPBACK_HTTP"])
    if problem:
        raise ValidationError(problem)


Endpoint = fields.String(required=True, validate=_endpoint, metadata={
    "description": "The PushSubscription's endpoint: https on a known push service "
                   "(PUSH_ALLOWED_HOSTS), at most 1024 characters."})


class KeysSchema(Schema):
    p256dh = fields.String(required=True, metadata={
        "description": "base64url of the 65-byte uncompressed P-256 point."})
    auth = fields.String(required=True, metadata={"description": "base64url of 16 bytes."})

    @validates("p256dh")
    def _p256dh(self, value: str, **_: Any) -> None:
        try:
            raw = push.b64url_decode(value)
        except ValueError as error:
            raise ValidationError("Not base64url.") from error
        if len(raw) != 65 or raw[0] != 4:
            raise ValidationError("Must be a 65-byte uncompressed P-256 point.")
        from cryptography.hazmat.primitives.asymmetric import ec
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError as error:
            raise ValidationError("Not a point on P-256.") from error

    @validates("auth")
    def _auth(self, value: str, **_: Any) -> None:
        try:
            raw = push.b64url_decode(value)
        except ValueError as error:
            raise ValidationError("Not base64url.") from error
        if len(raw) != 16:
            raise ValidationError("Must be 16 bytes.")


class SubscriptionInSchema(Schema):
    endpoint = Endpoint
    keys = fields.Nested(KeysSchema, required=True)
    language = fields.String(load_default="en", validate=validate.Length(max=35), metadata={
        "description": "The notifications' language: en or es (es-MX is es; others en)."})


class SubscriptionSchema(Schema):
    endpoint = fields.String()
    language = fields.String()
    created_at = fields.AwareDateTime()


class UnsubscribeSchema(Schema):
    endpoint = fields.String(validate=validate.Length(max=push.MAX_ENDPOINT), metadata={
        "description": "This device's subscription."})
    all = StrictBoolean(metadata={
        "description": "true: every subscription of the patient (turn off on all devices)."})

    @validates_schema
    def _one_of(self, data: dict[str, Any], **_: Any) -> None:
        if ("endpoint" in data) == bool(data.get("all")):
            raise ValidationError("Send either endpoint or \"all\": true.", "endpoint")


class SnoozeInSchema(Schema):
    endpoint = fields.String(required=True, validate=validate.Length(max=push.MAX_ENDPOINT))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class SnoozeSchema(Schema):
    kind = fields.String()
    remind_at = fields.AwareDateTime()
