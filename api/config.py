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
    # The sender: how long one sender's lease lasts unless renewed, how many tries a
    # failing push gets and the first wait between them (doubling), and how late after
    # its time a reminder is still sent (a sender that was down does not send stale ones).
    REMINDER_LEASE_SECONDS = _int("REMINDER_LEASE_SECONDS", 120)
    REMINDER_TRIES = _int("REMINDER_TRIES", 3)
    REMINDER_RETRY_SECONDS = float(os.environ.get("REMINDER_RETRY_SECONDS", "2"))
    REMINDER_LATE_MINUTES = _int("REMINDER_LATE_MINUTES", 180)

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

    def __init__(self, database_url: str) -> None:
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.SQLALCHEMY_DATABASE_URI = database_url
