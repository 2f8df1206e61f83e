"""Reminder settings and push subscription bodies: strict, each problem named by field."""

from __future__ import annotations

import re
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from api.fields import StrictBoolean, Text
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


class EndpointField(Text):
    """A push endpoint the server may post to, loaded as its normalised form (lower-case
    host, no default port, as the sender's HTTP library will read it)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        config = current_app.config
        try:
            return push.checked_endpoint(
                text, allowed=push.allowed_hosts(config["PUSH_ALLOWED_HOSTS"]),
                loopback_http=config["PUSH_ALLOW_LOOPBACK_HTTP"])
        except push.EndpointRefused as error:
            raise ValidationError(str(error)) from error


Endpoint = EndpointField(required=True, metadata={
    "description": "The PushSubscription's endpoint: https on a known push service "
                   "(PUSH_ALLOWED_HOSTS), a plain host name, at most 1024 characters; "
                   "stored normalised (lower-case host, no :443)."})


class KeysSchema(Schema):
    p256dh = Text(required=True, metadata={
        "description": "base64url of the 65-byte uncompressed P-256 point."})
    auth = Text(required=True, metadata={"description": "base64url of 16 bytes."})

    @validates("p256dh")
    def _p256dh(self, value: str, **_: Any) -> None:
        try:
            raw = push.b64url_decode(value)
        except ValueError as error:
            raise ValidationError("Not base64url.") from error
        if len(raw) != 65 or raw[0] != 4:
            raise ValidationError("Must be a 65-byte uncompressed P-256 point.")
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
    language = Text(load_default="en", validate=validate.Length(max=35), metadata={
        "description": "The notifications' language: en or es (es-MX is es; others en)."})


class SubscriptionSchema(Schema):
    endpoint = fields.String()
    language = fields.String()
    created_at = fields.AwareDateTime()


class UnsubscribeSchema(Schema):
    endpoint = Text(validate=validate.Length(max=push.MAX_ENDPOINT), metadata={
        "description": "This device's subscription."})
    all = StrictBoolean(metadata={
        "description": "true: every subscription of the patient (turn off on all devices)."})

    @validates_schema
    def _one_of(self, data: dict[str, Any], **_: Any) -> None:
        if ("endpoint" in data) == bool(data.get("all")):
            raise ValidationError("Send either endpoint or \"all\": true.", "endpoint")


class SnoozeInSchema(Schema):
    endpoint = Text(required=True, validate=validate.Length(max=push.MAX_ENDPOINT))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class SnoozeSchema(Schema):
    kind = fields.String()
    remind_at = fields.AwareDateTime()
