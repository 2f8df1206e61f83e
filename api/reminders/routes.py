"""Reminders: the patient's settings, this device's push subscription, the server's push
key, and "remind me in an hour"."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.db import reads, writes
from api.extensions import Blueprint
from api.reminders import service
from api.reminders.push import application_server_key
from api.reminders.schemas import (
    PushKeySchema,
    RemindersSchema,
    SnoozeInSchema,
    SnoozeSchema,
    SubscriptionInSchema,
    SubscriptionSchema,
    UnsubscribeSchema,
)
from api.reminders.sender import vapid_key

blp = Blueprint("reminders", __name__, url_prefix="/api/v1",
                description="Reminders by Web Push: settings, devices, snooze")


@blp.route("/me/reminders")
class Reminders(MethodView):
    decorators = [login_required]

    @blp.response(200, RemindersSchema)
    @reads
    def get(self) -> Any:
        """Which reminders are on, and the daily time (all off until turned on)"""
        return service.get_settings(user_id=current_user().id)

    @blp.arguments(RemindersSchema)
    @blp.response(200, RemindersSchema)
    @writes
    def put(self, data: dict[str, Any]) -> Any:
        """Set the reminders (the whole object)"""
        return service.put_settings(user_id=current_user().id, data=data)


@blp.route("/push/key")
@blp.response(200, PushKeySchema)
def push_key() -> Any:
    """The server's VAPID public key, for pushManager.subscribe() (public)"""
    return {"public_key": application_server_key(vapid_key())}


@blp.route("/push/subscriptions")
class Subscriptions(MethodView):
    decorators = [login_required]

    @blp.arguments(SubscriptionInSchema)
    @blp.response(201, SubscriptionSchema, description="Stored")
    @blp.alt_response(200, schema=SubscriptionSchema,
                      description="This endpoint was already stored (updated)")
    @writes
    def post(self, data: dict[str, Any]) -> Any:
        """Receive reminders on this device (replay-safe: one subscription per endpoint)"""
        row, created = service.subscribe(
            user_id=current_user().id, endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"], auth_secret=data["keys"]["auth"],
            lang=data["language"])
        return row, 201 if created else 200

    @blp.arguments(UnsubscribeSchema)
    @blp.response(204)
    @writes
    def delete(self, data: dict[str, Any]) -> None:
        """Stop reminders on this device ({"endpoint"}) or on every device ({"all": true});
        an endpoint that is not the caller's changes nothing"""
        if data.get("all"):
            service.unsubscribe_all(user_id=current_user().id)
        else:
            service.unsubscribe(user_id=current_user().id, endpoint=data["endpoint"])


@blp.route("/push/snooze", methods=["POST"])
@login_required
@blp.arguments(SnoozeInSchema)
@blp.response(200, SnoozeSchema)
@writes
def snooze(data: dict[str, Any]) -> Any:
    """Remind me in an hour (from a notification's action; the endpoint must be one of the
    caller's subscriptions)"""
    return service.snooze(user_id=current_user().id, endpoint=data["endpoint"],
                          kind=data["kind"])
