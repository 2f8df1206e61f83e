"""What a rule refuses, in the patient's terms. Services raise these and know nothing of
HTTP; api/errors.py maps each to its status and problem+json body in one table."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal with a sentence a person can read; `field` names the input at fault."""

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class Invalid(DomainError):
    """A value breaks a rule (a date after tomorrow, a range too long)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)
        self.message = message


class NotFound(DomainError):
    """Nothing of the caller's by that key; another patient's object is not found either."""


class AlreadyExists(DomainError):
    """The thing to create exists (an account with this email)."""


class WrongPassword(DomainError):
    """A password given to confirm an action does not match."""


class Forbidden(DomainError):
    """The caller may not do this at all (a clinic provider who is not its admin)."""


class SessionEnded(DomainError):
    """The credential or viewing session is unknown or over: log in or open the link again."""


class LinkGone(DomainError):
    """A share or reset link that was revoked, used or has expired (`reason` says which)."""


class StaleVersion(DomainError):
    """An If-Match that names another version: the write is refused, never applied.
    `current` is the stored version as the client sees it (None when nothing is stored)."""

    def __init__(self, current: dict[str, Any] | None, version: int | None) -> None:
        super().__init__("This was changed elsewhere since you loaded it. Compare the "
                         "current version and save again.")
        self.current = current
        self.version = version


class Malformed(DomainError):
    """A request part that cannot be read at all (a malformed If-Match header)."""


class WrongCode(DomainError):
    """A wrong two-step login code given to confirm an action (turning it on or off)."""


class LoginFailed(DomainError):
    """Unknown email, wrong password or a disabled account: one answer for all three."""
