"""Email: `send()` queues a message in the request's transaction; it leaves after commit.

    from api import mail
    with db.write():
        ...
        mail.send(to=user.email, template="password_changed", lang=user.language)

Nothing is sent inside a request: the outbox row commits with the change it tells of (or
rolls back with it), then a background thread tries it at once and the sender beside
gunicorn (`flask reminders run`) retries what failed. Without SMTP_HOST each message is
written to the server log instead (api/mail/outbox.py).
"""

from api.mail.messages import language
from api.mail.outbox import deliver_due, send

__all__ = ["deliver_due", "language", "send"]
