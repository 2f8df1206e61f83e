"""Bodies of the clinic page (provider) and of the patient's clinic connections."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.fields import StrictBoolean, Text, not_blank
from api.treatments.vitals import FLAG_CODES, ThresholdSchema
from api.trends.schemas import doc
from api.vocabulary import ROUTES

CODE_DOC = ("The clinic's code, XXXX-XXXX-XXXX: 12 characters of "
            "ABCDEFGHJKLMNPQRSTUVWXYZ23456789. Case, spaces and dashes do not matter.")
INCLUDE_NOTES_DOC = ("Show the clinic the patient's own words: entry notes, tags and "
                     "treatment notes. Default false: scores and sessions only.")
INCLUDE_INSIGHTS_DOC = ('Show "What goes with better days" (GET /insights) in the report. '
                        "Default false.")


# --- The patient's side ---------------------------------------------------------------------

class CodeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(max=40),
                         metadata=doc(CODE_DOC))


class ConnectSchema(CodeSchema):
    include_notes = StrictBoolean(load_default=False, metadata=doc(INCLUDE_NOTES_DOC))
    include_insights = StrictBoolean(load_default=False, metadata=doc(INCLUDE_INSIGHTS_DOC))


class ClinicNameSchema(Schema):
    name = fields.String()


class PreviewSchema(Schema):
    clinic = fields.Nested(ClinicNameSchema, metadata=doc(
        "The clinic the code belongs to: show its name before the patient agrees."))


class ConnectedClinicSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ConnectionSchema(Schema):
    id = fields.UUID(metadata=doc("The connection; DELETE it to disconnect."))
    clinic = fields.Nested(ConnectedClinicSchema)
    include_notes = fields.Boolean(metadata=doc(INCLUDE_NOTES_DOC))
    include_insights = fields.Boolean(metadata=doc(INCLUDE_INSIGHTS_DOC))
    connected_at = fields.AwareDateTime()


class ConnectionListSchema(Schema):
    items = fields.List(fields.Nested(ConnectionSchema), metadata=doc(
        "Open connections, oldest first."))


class ClinicViewSchema(Schema):
    """One provider's login session reading this patient's data."""

    provider_name = fields.String(metadata=doc("The provider's name when they looked."))
    viewed_at = fields.AwareDateTime(metadata=doc("Their first request in that session."))
    last_viewed_at = fields.AwareDateTime(metadata=doc("Their latest request in it."))
    opened = fields.List(fields.String(), attribute="opened_kinds", metadata=doc(
        "Everything opened in that session, in the order first opened: trends (the "
        "report), fhir and <kind>.csv (a record kind's CSV: entries.csv, ...)."))


class ClinicViewListSchema(Schema):
    items = fields.List(fields.Nested(ClinicViewSchema), metadata=doc(
        "One line per provider per login session, newest first."))


# --- The provider's side --------------------------------------------------------------------

class ProviderSchema(Schema):
    id = fields.Integer(allow_none=True, metadata=doc(
        "The provider's account, for DELETE /clinic/providers/{id}; null while invited."))
    display_name = fields.String()
    email = fields.String()
    is_admin = fields.Boolean()
    status = fields.String(metadata={"enum": ["active", "invited"], "description":
                                     "invited: the invitation is not accepted yet (the name "
                                     "and email are as the admin typed them)."})
    joined_at = fields.AwareDateTime(allow_none=True, metadata=doc("null while invited."))
    expires_at = fields.AwareDateTime(metadata=doc("Invited only: when the link stops "
                                                   "working."))


class ClinicSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    code = fields.String(metadata=doc("XXXX-XXXX-XXXX: patients enter it on their Share "
                                      "screen to connect."))
    is_admin = fields.Boolean(metadata=doc("Whether the caller is one of its admins."))
    providers = fields.List(fields.Nested(ProviderSchema))


class NewCodeSchema(Schema):
    code = fields.String(metadata=doc("The new code; the old one stopped working."))


class InviteSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    display_name = Text(required=True, validate=[validate.Length(min=1, max=80), not_blank],
                        metadata=doc("How patients will see the provider in their access "
                                     'log, e.g. "Dr Ada Lee".'))


class InvitedSchema(Schema):
    url = fields.String(metadata=doc(
        "PUBLIC_URL/reset?setup#<token>: give it to the provider by a channel you trust; it works "
        "once. Someone new chooses a password with it; someone who already has an account "
        "logs in with their own and accepts. The same answer either way."))
    expires_at = fields.AwareDateTime()


class AcceptSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata=doc("The token from the invitation link's fragment."))


class PanelQuerySchema(Schema):
    q = Text(validate=validate.Length(max=80), metadata=doc(
        "Only patients whose name contains this (case-insensitive)."))


class LastSessionSchema(Schema):
    date = fields.Date()
    route = fields.String(metadata={"enum": list(ROUTES)})
    days_since = fields.Integer()


class ScoreChangeSchema(Schema):
    date = fields.Date()
    baseline = fields.Float(allow_none=True, metadata=doc(
        "The current series' baseline: the latest score in the 14 days before its first "
        "session; null without one."))
    change_pct = fields.Float(allow_none=True, metadata=doc(
        "Signed percent change of this score against `baseline`, from the exact scores, one "
        "decimal; null without a baseline or while this score is the baseline itself (no "
        "follow-up yet), never 0 for that."))


class Phq9Schema(ScoreChangeSchema):
    total = fields.Integer(metadata=doc("0-27."))


class PegSchema(ScoreChangeSchema):
    score = fields.Float(metadata=doc("0-10, the mean of the three items."))


class PanelBpFlagSchema(Schema):
    code = fields.String(metadata={"enum": list(FLAG_CODES), "description":
                                   "bp_very_high: any reading at or above 180/110; "
                                   "bp_before_high: before dosing, at or above 140/90."})
    systolic = fields.Integer()
    diastolic = fields.Integer()
    phase = fields.String()
    threshold = fields.Nested(ThresholdSchema)


class BoosterSchema(Schema):
    median_relief_days = fields.Float(metadata=doc("How long relief usually lasts."))
    day = fields.Integer(metadata=doc("Today is this day since the last session."))


class PanelItemSchema(Schema):
    patient_id = fields.UUID(metadata=doc(
        "Opaque: the patient's connection to this clinic. Use it for the patient's report "
        "and downloads; it stops working when the patient disconnects."))
    display_name = fields.String()
    connected_at = fields.AwareDateTime()
    include_notes = fields.Boolean()
    flagged = fields.Boolean(metadata=doc("safety_flag_on or bp_flag_on is set."))
    last_logged_on = fields.Date(allow_none=True, metadata=doc("Latest diary entry."))
    days_since_log = fields.Integer(allow_none=True, metadata=doc(
        "Days from last_logged_on to the patient's today; null: never logged."))
    last_session = fields.Nested(LastSessionSchema, allow_none=True)
    pain_avg7 = fields.Float(allow_none=True, metadata=doc(
        "Mean pain of the last 7 days; null when fewer than 4 of them are logged."))
    pain_days7 = fields.Integer(metadata=doc("How many of the last 7 days have a pain score."))
    pain_baseline = fields.Float(allow_none=True, metadata=doc(
        "Mean pain of the week before the current treatment series."))
    mood_avg7 = fields.Float(allow_none=True, metadata=doc(
        "Mean mood as logged (higher is better) of the last 7 days; null when fewer than 4 "
        "of them are logged."))
    mood_days7 = fields.Integer(metadata=doc("How many of the last 7 days have a mood score."))
    mood_baseline = fields.Float(allow_none=True, metadata=doc(
        "Mean mood as logged of the week before the current treatment series."))
    phq9 = fields.Nested(Phq9Schema, allow_none=True)
    safety_flag_on = fields.Date(allow_none=True, metadata=doc(
        "Date of a PHQ-9 item 9 answer above 0 in the last 14 days; else null."))
    safety_answer = fields.Integer(allow_none=True, metadata=doc(
        "That item-9 answer: 1 several days, 2 more than half the days, 3 nearly every day "
        "(GET /questionnaires has the words); null without a flag."))
    peg = fields.Nested(PegSchema, allow_none=True)
    bp_flag_on = fields.Date(allow_none=True, metadata=doc(
        "Latest session in the last 14 days with a blood-pressure flag; else null."))
    bp_flags = fields.List(fields.Nested(PanelBpFlagSchema), allow_none=True, metadata=doc(
        "That session's flags, very high first: each reading with the threshold it reached; "
        "null without a flag."))
    booster = fields.Nested(BoosterSchema, allow_none=True, metadata=doc(
        '"Relief usually lasts median_relief_days; today is day `day`."'))


class PanelSchema(Schema):
    items = fields.List(fields.Nested(PanelItemSchema), metadata=doc(
        "Connected patients: flagged first, then the longest since logging (never logged "
        "first), then by name."))
    generated_at = fields.AwareDateTime()
