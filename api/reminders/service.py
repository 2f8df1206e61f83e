"""Reminder settings, devices' push subscriptions and snoozes: the rules, no HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from api.auth import service as auth
from api.db import db
from api.domain import NotFound
from api.models import utcnow
from api.reminders import push
from api.reminders.models import (
    DEFAULT_TIME,
    DEVICES_PER_ACCOUNT,
    PushSubscription,
    ReminderSend,
    ReminderSettings,
    ReminderSnooze,
)

SNOOZE = timedelta(hours=1)
NO_SUBSCRIPTION = "No such push subscription on this account."


def language(tag: str) -> str:
    """"es", "es-MX" and "ES" are Spanish; any other language gets English."""
    return "es" if tag.split("-")[0].lower() == "es" else "en"


def get_settings(*, user_id: int) -> dict[str, Any]:
    row = db.session.get(ReminderSettings, user_id)
    if row is None:
        return {"daily": {"enabled": False, "time": DEFAULT_TIME}, "after_session": False,
                "questionnaires": False}
    return {"daily": {"enabled": row.daily_enabled, "time": row.daily_time},
            "after_session": row.after_session, "questionnaires": row.questionnaires}


def put_settings(*, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    row = db.session.get(ReminderSettings, user_id, with_for_update=True)
    if row is None:
        row = ReminderSettings(user_id=user_id)
        db.session.add(row)
    row.daily_enabled = data["daily"]["enabled"]
    row.daily_time = data["daily"]["time"]
    row.after_session = data["after_session"]
    row.questionnaires = data["questionnaires"]
    db.session.flush()
    return get_settings(user_id=user_id)


def subscribe(*, user_id: int, endpoint: str, p256dh: str, auth_secret: str, lang: str
              ) -> tuple[PushSubscription, bool]:
    """Store a device's subscription (`endpoint` as the schema normalised it); (subscription,
    created). The same endpoint again updates it: a device has one subscription, owned by
    whoever subscribed it last. A patient keeps DEVICES_PER_ACCOUNT devices: a new one
    beyond that replaces the one subscribed longest ago."""
    # Lock this patient's devices, so two new ones at once still keep the limit.
    db.session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == user_id)
                       .with_for_update()).all()
    row = db.session.scalars(select(PushSubscription)
                             .where(PushSubscription.endpoint == endpoint)
                             .with_for_update()).first()
    created = row is None or row.user_id != user_id
    if row is None:
        row = PushSubscription(user_id=user_id, endpoint=endpoint)
        db.session.add(row)
    elif created:
        row.created_at = utcnow()  # new on this account
    if created:
        row.failing_since = None
        row.failures = 0
    row.user_id = user_id
    row.p256dh = p256dh
    row.auth = auth_secret
    row.language = language(lang)
    db.session.flush()
    if created:
        replaced = select(PushSubscription.id).where(PushSubscription.user_id == user_id) \
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc()) \
            .offset(DEVICES_PER_ACCOUNT)
        old = list(db.session.scalars(replaced))
        if old:
            db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(old)))
    return row, created


def unsubscribe(*, user_id: int, endpoint: str) -> None:
    """This device stops; an unknown or someone else's endpoint changes nothing (and says
    nothing about whose it is)."""
    db.session.execute(delete(PushSubscription).where(
        PushSubscription.user_id == user_id,
        PushSubscription.endpoint == push.same_endpoint(endpoint)))


def unsubscribe_all(*, user_id: int) -> None:
    db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == user_id))


def everything(*, user_id: int) -> dict[str, Any]:
    """What reminders keep about a patient, for /me/export (without the devices' keys)."""
    devices = db.session.scalars(select(PushSubscription)
                                 .where(PushSubscription.user_id == user_id)
                                 .order_by(PushSubscription.created_at))
    sends = db.session.scalars(select(ReminderSend).where(ReminderSend.user_id == user_id)
                               .order_by(ReminderSend.sent_at))
    return {
        "reminders": get_settings(user_id=user_id),
        "push_subscriptions": [
            {"endpoint": d.endpoint, "language": d.language,
             "created_at": d.created_at.isoformat()} for d in devices],
        "reminder_sends": [
            {"kind": r.kind, "local_date": r.local_date.isoformat(),
             "sent_at": r.sent_at.isoformat(), "devices": r.devices} for r in sends],
    }


def snooze(*, user_id: int, endpoint: str, kind: str, now: datetime | None = None
           ) -> ReminderSnooze:
    """"Remind me in an hour", from a notification shown on one of the patient's devices."""
    owned = db.session.scalar(select(PushSubscription.id).where(
        PushSubscription.user_id == user_id,
        PushSubscription.endpoint == push.same_endpoint(endpoint)))
    if owned is None:
        raise NotFound(NO_SUBSCRIPTION)
    # One pending snooze per kind: pressing it twice does not send two.
    db.session.execute(delete(ReminderSnooze).where(ReminderSnooze.user_id == user_id,
                                                    ReminderSnooze.kind == kind))
    row = ReminderSnooze(user_id=user_id, kind=kind, remind_at=(now or utcnow()) + SNOOZE)
    db.session.add(row)
    db.session.flush()
    return row


@auth.logging_out.connect
def _forget_device(user_id: int, *, endpoint: str | None = None, **_: Any) -> None:
    """Logging out of a device (with its endpoint in the body) ends its reminders too."""
    if endpoint:
        unsubscribe(user_id=user_id, endpoint=endpoint)
