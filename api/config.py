"""Settings read from the environment, with safe defaults for a laptop install."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path | None:
    """web/ or migrations/ as a built wheel ships them, inside the package (api/_web,
    api/_migrations: setup.py maps them in); None in a checkout or an editable install."""
    packaged = resources.files(__package__) / f"_{name}"
    return packaged if isinstance(packaged, Path) and packaged.is_dir() else None


# The one place that says where the PWA and the migrations are: inside an installed wheel,
# else beside api/ in the checkout.
INSTALLED = _shipped("web") is not None
WEB = _shipped("web") or ROOT / "web"
MIGRATIONS = _shipped("migrations") or ROOT / "migrations"
# The SQLite database and the generated keys: instance/ in the checkout; for an installed
# wheel, var/relieflog-instance under the virtual environment (never inside site-packages).
INSTANCE = Path(os.environ.get(
    "INSTANCE_PATH",
    Path(sys.prefix) / "var" / "relieflog-instance" if INSTALLED else ROOT / "instance",
))


def secret_file(path: Path, make: Callable[[], bytes]) -> bytes:
    """The content of a secret kept in a file (mode 0600), written by `make` the first
    time. O_EXCL: two gunicorn workers starting together agree on one secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(make())
    return path.read_bytes()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    return secret_file(INSTANCE / "secret_key",
                       lambda: secrets.token_urlsafe(48).encode()).decode().strip()


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def trusted_hosts(public_url: str, setting: str | None = None) -> list[str]:
    """The Host names requests may carry (Flask's TRUSTED_HOSTS; any other is a 400).

    `setting` (TRUSTED_HOSTS from the environment) is a comma-separated list; a name
    starting with a dot also admits its subdomains. Without it: the host of PUBLIC_URL,
    and when that is this machine (127.0.0.1 or localhost), both of those names.
    """
    if setting and setting.strip():
        return [name.strip().lower() for name in setting.split(",") if name.strip()]
    host = (urlsplit(public_url).hostname or "").lower()
    if host in LOOPBACK_HOSTS:
        return list(LOOPBACK_HOSTS)
    return [host] if host else list(LOOPBACK_HOSTS)


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'relieflog.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
        "pool_pre_ping": True,
        # SQL parameters are health data: never put them in exception messages or logs.
        "hide_parameters": True,
    }
    MAX_CONTENT_LENGTH = 64 * 1024
    # An import's file (POST /imports) may be larger than any other body: 10 MiB.
    IMPORT_MAX_BYTES = _int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    # NORMAL (WAL): an acknowledged write survives a crash of the app or the server
    # process; FULL also survives a power cut or an OS crash, for ~20 % less write
    # throughput (api/db/sqlite.py, docs/benchmarks.md).
    SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "NORMAL").upper()

    # Login sessions: a phone stays logged in while used; an idle or very old session dies.
    SESSION_IDLE_DAYS = _int("SESSION_IDLE_DAYS", 14)
    SESSION_MAX_DAYS = _int("SESSION_MAX_DAYS", 90)

    # database:// keeps counters in the app's own database (api/db/ratelimit.py), shared by
    # every worker and instance; redis://host:6379 is the alternative for busy installs.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
    RATELIMIT_HEADERS_ENABLED = True
    # Every password check (log in, change password, delete account, reset), per address.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;100 per hour")
    # Failed password checks for one account from one address, then a wait until the window
    # ends (Retry-After); and a much higher ceiling for one account from every address.
    PASSWORD_FAILURE_LIMIT = os.environ.get("PASSWORD_FAILURE_LIMIT", "5 per 15 minutes")
    ACCOUNT_FAILURE_LIMIT = os.environ.get("ACCOUNT_FAILURE_LIMIT", "100 per hour")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "10 per hour")
    TOKEN_RATE_LIMIT = os.environ.get("TOKEN_RATE_LIMIT", "20 per hour")
    # Writes of one account (entries, sessions, check-ins, medications, bladder answers,
    # together): a month replayed offline is a few hundred; a flood is refused with 429.
    WRITE_RATE_LIMIT = os.environ.get("WRITE_RATE_LIMIT", "600 per minute;10000 per day")

    # The address patients use: every link the app hands out (share links, password-reset
    # links) starts with it, never with the Host header a request happened to carry.
    PUBLIC_URL = os.environ.get(
        "PUBLIC_URL",
        f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}",
    ).rstrip("/")
    # Requests naming any other host are refused (400) before a view runs.
    TRUSTED_HOSTS = trusted_hosts(PUBLIC_URL, os.environ.get("TRUSTED_HOSTS"))
    PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 24)

    # Sharing with a provider: how long a provider's browser stays in after opening a link,
    # and limits on making links and on trying tokens.
    SHARE_SESSION_MINUTES = _int("SHARE_SESSION_MINUTES", 120)
    SHARE_RATE_LIMIT = os.environ.get("SHARE_RATE_LIMIT", "30 per hour")
    SHARE_SESSION_RATE_LIMIT = os.environ.get("SHARE_SESSION_RATE_LIMIT", "30 per minute")
    # Per-address limit on a provider's reads (report, CSV and FHIR downloads), together.
    SHARE_READ_RATE_LIMIT = os.environ.get("SHARE_READ_RATE_LIMIT", "60 per minute")
    # Per provider account: reads of connected patients' data (the panel, reports and
    # downloads, together), and a clinic admin's invitations.
    CLINIC_READ_RATE_LIMIT = os.environ.get("CLINIC_READ_RATE_LIMIT",
                                            "60 per minute;600 per hour")
    INVITE_RATE_LIMIT = os.environ.get("INVITE_RATE_LIMIT", "20 per hour")

    # Where a patient who answers PHQ-9 item 9 above 0 is pointed (the crisis screen):
    # JSON, a list of {"label", "href"} (href tel:, sms: or https:, or null for plain text),
    # or such lists by language code {"en": [...], "es": [...]}. Unset: 988 and 911 (US)
    # and "your local emergency number", in each language (api/questionnaires/crisis.py).
    CRISIS_RESOURCES = os.environ.get("CRISIS_RESOURCES", "")

    # Web Push reminders (api/reminders). The VAPID key signs every push; unset, one is
    # generated into instance/vapid_private_key.pem on first use (PEM or base64url here).
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
    VAPID_KEY_FILE = INSTANCE / "vapid_private_key.pem"
    # Who runs this server, for the push services ("mailto:admin@clinic.example" or an
    # https URL); unset: PUBLIC_URL when it is https, else mailto:admin@<its host>.
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "")
    # The push services a subscription may point at (comma-separated; a name starting with
    # a dot also admits its subdomains). The server posts to no other address.
    PUSH_ALLOWED_HOSTS = os.environ.get(
        "PUSH_ALLOWED_HOSTS",
        "fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,"
        ".notify.windows.com")
    # Tests and benchmarks only (never read from the environment): also admit plain
    # http://127.0.0.1:<port> endpoints, for a push-service stand-in on this machine.
    PUSH_ALLOW_LOOPBACK_HTTP = False
    # The sender connects only to public addresses: a push service's name that resolves to
    # a loopback, private, link-local, multicast or reserved address is refused at send
    # time. Networks listed here (comma-separated, "10.1.0.0/16") are let through; empty
    # by default. The tests list 127.0.0.1/32 for their push-service stand-in.
    PUSH_PRIVATE_NETWORKS_ALLOWED = os.environ.get("PUSH_PRIVATE_NETWORKS_ALLOWED", "")
    # The sender: how long one sender's lease lasts unless renewed, how many tries a
    # failing push gets and the first wait between them (doubling), and how late after
    # its time a reminder is still sent (a sender that was down does not send stale ones).
    # Pushes go out REMINDER_WORKERS at a time, each connect and read bounded by
    # REMINDER_TIMEOUT_SECONDS.
    REMINDER_LEASE_SECONDS = _int("REMINDER_LEASE_SECONDS", 120)
    REMINDER_TRIES = _int("REMINDER_TRIES", 3)
    REMINDER_RETRY_SECONDS = float(os.environ.get("REMINDER_RETRY_SECONDS", "2"))
    REMINDER_LATE_MINUTES = _int("REMINDER_LATE_MINUTES", 180)
    REMINDER_WORKERS = _int("REMINDER_WORKERS", 32)
    REMINDER_TIMEOUT_SECONDS = float(os.environ.get("REMINDER_TIMEOUT_SECONDS", "10"))

    # Email (api/mail): sent after commit, retried by the sender beside gunicorn. Without
    # SMTP_HOST every message is written to the server log instead (a laptop install).
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = _int("SMTP_PORT", 587)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
    SMTP_SSL = _bool("SMTP_SSL", False)
    SMTP_TIMEOUT_SECONDS = _int("SMTP_TIMEOUT_SECONDS", 20)
    # The From: of every message; unset: "Relieflog <no-reply@<PUBLIC_URL's host>>".
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    MAIL_TRIES = _int("MAIL_TRIES", 6)
    MAIL_RETRY_SECONDS = _int("MAIL_RETRY_SECONDS", 60)
    # Try a message at once, in a thread of its own, after the request commits.
    MAIL_SEND_AFTER_COMMIT = True
    # "Forgot password?": how long the mailed link works, and how often one may ask.
    FORGOT_RESET_MINUTES = _int("FORGOT_RESET_MINUTES", 60)
    FORGOT_RATE_LIMIT = os.environ.get("FORGOT_RATE_LIMIT", "20 per hour")
    FORGOT_ADDRESS_LIMIT = os.environ.get("FORGOT_ADDRESS_LIMIT", "3 per hour")

    # Two-step login (api/auth/mfa.py): a provider must turn it on before any clinic data.
    PROVIDER_MFA_REQUIRED = _bool("PROVIDER_MFA_REQUIRED", True)

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    API_TITLE = "Relieflog API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()


class TestConfig(Config):
    TESTING = True

    # The test client's default host.
    PUBLIC_URL = "http://localhost"
    TRUSTED_HOSTS = trusted_hosts(PUBLIC_URL)
    SMTP_HOST = ""  # never the environment's mail server
    # Tests send queued mail themselves (api/mail deliver_due), so no thread outlives one.
    MAIL_SEND_AFTER_COMMIT = False

    def __init__(self, database_url: str) -> None:
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.SQLALCHEMY_DATABASE_URI = database_url
