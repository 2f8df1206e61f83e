"""Web Push plumbing: the server's VAPID key, which endpoints a subscription may name, and
one encrypted push (RFC 8291 aes128gcm via pywebpush, VAPID RFC 8292)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPusher

from api.config import secret_file

MAX_ENDPOINT = 1024
TTL_SECONDS = 12 * 60 * 60


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding; anything else raises ValueError."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
           for c in stripped):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- The server's key --------------------------------------------------------------------

def load_vapid(*, setting: str, key_file: Path) -> Vapid:
    """VAPID_PRIVATE_KEY when set, else the key in instance/, made on first use."""
    if setting.strip():
        if setting.strip().startswith("-----BEGIN"):
            return Vapid.from_pem(setting.strip().encode())
        return Vapid.from_string(private_key=setting.strip())  # base64url raw or DER
    return Vapid.from_pem(secret_file(key_file, lambda: ec.generate_private_key(
        ec.SECP256R1()).private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())))


def application_server_key(vapid: Vapid) -> str:
    """The public key as the browser's applicationServerKey: base64url, uncompressed point."""
    point = vapid.public_key.public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


# --- Which endpoints are allowed ---------------------------------------------------------

def allowed_hosts(setting: str) -> list[str]:
    return [name.strip().lower() for name in setting.split(",") if name.strip()]


def _host_allowed(host: str, allowed: list[str]) -> bool:
    return any(host == name or (name.startswith(".") and host.endswith(name)
                                and len(host) > len(name))
               for name in allowed)


def endpoint_problem(url: str, *, allowed: list[str], loopback_http: bool = False
                     ) -> str | None:
    """Why the server would refuse to post to `url`, or None: https on a known push
    service, no userinfo, no IP literal, the default port, at most 1024 characters."""
    if len(url) > MAX_ENDPOINT:
        return f"Longer than {MAX_ENDPOINT} characters."
    if not url.isascii() or any(c.isspace() or ord(c) < 32 for c in url):
        return "Not a push service address."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Not a push service address."
    host = (parts.hostname or "").lower()
    if loopback_http and parts.scheme == "http" and host == "127.0.0.1" \
            and parts.username is None and parts.password is None:
        return None  # the tests' push-service stand-in
    if parts.scheme != "https":
        return "Must be an https address."
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "Must not contain a user name or password."
    if port not in (None, 443):
        return "Must use the default https port."
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return "Must name a push service, not an IP address."
    if not _host_allowed(host, allowed):
        return "Not a known push service."
    return None


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def host_of(endpoint: str) -> str:
    """What logs may say of an endpoint: its host (the path identifies a device)."""
    return urlsplit(endpoint).hostname or "?"


def vapid_subject(setting: str, public_url: str) -> str:
    """The VAPID `sub` claim: VAPID_SUBJECT, else PUBLIC_URL when it is https, else a
    mailto: at its host (push services accept only mailto: and https: subjects)."""
    if setting.strip():
        return setting.strip()
    if public_url.startswith("https://"):
        return public_url
    return f"mailto:admin@{urlsplit(public_url).hostname or 'localhost'}"


# --- Sending -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Device:
    endpoint: str
    p256dh: str
    auth: str


class Signer:
    """VAPID headers per push-service origin, reused while their token is fresh (signing
    costs more than encrypting)."""

    def __init__(self, vapid: Vapid, subject: str) -> None:
        self.vapid = vapid
        self.subject = subject
        self._cache: dict[str, tuple[float, dict[str, str]]] = {}

    def headers(self, endpoint: str) -> dict[str, str]:
        origin = origin_of(endpoint)
        now = time.time()
        cached = self._cache.get(origin)
        if cached is not None and cached[0] - now > 3600:
            return cached[1]
        expires = int(now) + TTL_SECONDS
        signed = self.vapid.sign({"aud": origin, "exp": expires, "sub": self.subject})
        headers = {key: value for key, value in signed.items()}
        self._cache[origin] = (expires, headers)
        return headers


def push(device: Device, payload: bytes, *, signer: Signer, session: requests.Session,
         timeout: float = 10) -> int:
    """Encrypt and post one message; the push service's status code."""
    pusher = WebPusher({"endpoint": device.endpoint,
                        "keys": {"p256dh": device.p256dh, "auth": device.auth}},
                       requests_session=session)
    response = pusher.send(payload, dict(signer.headers(device.endpoint)), ttl=TTL_SECONDS,
                           content_encoding="aes128gcm", timeout=timeout)
    assert not isinstance(response, str)
    return response.status_code
