"""Request and response bodies for accounts and tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.fields import Text, validate_timezone

EMAIL_DOC = "Email address; case does not matter."
# Every new password (register, change, reset): the PWA checks the same minimum before
# sending (PASSWORD_MIN_LENGTH in web/js/ui.js).
NEW_PASSWORD = validate.Length(min=10, max=1024)


class RegisterSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254),
                         metadata={"description": EMAIL_DOC})
    password = fields.String(required=True, load_only=True,
                             validate=NEW_PASSWORD,
                             metadata={"description": "At least 10 characters."})
    timezone = fields.String(load_default="UTC", validate=validate_timezone,
                             metadata={"description": "IANA time zone, e.g. Europe/Berlin."})
    display_name = Text(load_default="", validate=validate.Length(max=80))


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class UserSchema(Schema):
    email = fields.String()
    display_name = fields.String()
    timezone = fields.String(metadata={"description": "IANA time zone; days are counted in it."})
    created_at = fields.AwareDateTime()


class UserUpdateSchema(Schema):
    display_name = Text(validate=validate.Length(max=80))
    timezone = fields.String(validate=validate_timezone)


class PasswordConfirmSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(max=1024))
    new_password = fields.String(required=True, validate=NEW_PASSWORD)


class TokenCreateSchema(Schema):
    label = Text(required=True, validate=validate.Length(min=1, max=80))


class TokenSchema(Schema):
    id = fields.UUID()
    label = fields.String()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown once; only its hash is stored."})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))


class PasswordResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=20, max=200),
                          metadata={"description": "From the admin's one-time reset link."})
    new_password = fields.String(required=True, validate=NEW_PASSWORD)
