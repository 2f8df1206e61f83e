"""Web Push plumbing: the server's VAPID key, which endpoints a subscription may name, and
one encrypted push (RFC 8291 aes128gcm via pywebpush, VAPID RFC 8292)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import idna
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPusher
from requests.adapters import HTTPAdapter
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

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
#
# An endpoint is read twice: strictly here (urlsplit, a host name's grammar) and the way
# the sender's HTTP library will read it (requests' prepare_url, then urllib3's parse_url).
# Both must name the same scheme, host and port, or the endpoint is refused: a backslash,
# a "@" or a percent-escape that one parser reads as part of the host and the other as
# the end of it can never smuggle another address past the allowed-hosts check.

HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
DEFAULT_PORTS = {"https": 443, "http": 80}
NOT_AN_ADDRESS = "Not a push service address."


class EndpointRefused(ValueError):
    """Why the server will not post to an endpoint (a message for the person)."""


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str  # lower-case ASCII (IDNA A-labels), no trailing dot; or an IP address
    port: int | None  # None: the scheme's default
    url: str  # the normalised endpoint: what is stored and what is posted to

    @property
    def is_ip(self) -> bool:
        return _ip(self.host) is not None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _host_name(host: str) -> str:
    """A DNS name as the sender will look it up: IDNA A-labels, lower case, no trailing
    dot; anything outside a host name's grammar refused."""
    if host.endswith("."):
        host = host[:-1]  # "fcm.googleapis.com." is the same host: stored without the dot
    if not host.isascii():
        try:  # as urllib3 encodes it (IDNA 2008, strict)
            host = idna.encode(host, strict=True, std3_rules=True).decode()
        except idna.IDNAError as error:
            raise EndpointRefused(NOT_AN_ADDRESS) from error
    host = host.lower()
    labels = host.split(".")
    if len(host) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        raise EndpointRefused("The host may contain only letters, digits, hyphens and dots.")
    for label in labels:
        if label.startswith("xn--"):
            try:
                if idna.encode(idna.decode(label)).decode() != label:
                    raise EndpointRefused(NOT_AN_ADDRESS)
            except idna.IDNAError as error:
                raise EndpointRefused(NOT_AN_ADDRESS) from error
    if labels[-1].isdigit() or labels[-1].startswith("0x"):
        raise EndpointRefused("Must name a push service, not an IP address.")
    return host


def parse_endpoint(url: str) -> Endpoint:
    """The endpoint as the sender will post to it, normalised; EndpointRefused when it is
    not a plain absolute URL or the two readings of it disagree."""
    if not isinstance(url, str):
        raise EndpointRefused(NOT_AN_ADDRESS)
    if len(url) > MAX_ENDPOINT:
        raise EndpointRefused(f"Longer than {MAX_ENDPOINT} characters.")
    if "\\" in url:
        raise EndpointRefused("Must not contain a backslash.")
    if any(ord(c) <= 32 or ord(c) == 127 or c.isspace() for c in url) or "#" in url:
        raise EndpointRefused(NOT_AN_ADDRESS)
    try:
        strict = urlsplit(url)
        port = strict.port
    except ValueError as error:
        raise EndpointRefused(NOT_AN_ADDRESS) from error
    if "@" in strict.netloc or strict.username is not None or strict.password is not None:
        raise EndpointRefused("Must not contain a user name or password.")
    if "%" in strict.netloc:
        raise EndpointRefused("The host may contain only letters, digits, hyphens and dots.")
    scheme = strict.scheme.lower()
    if scheme not in DEFAULT_PORTS or not strict.hostname:
        raise EndpointRefused("Must be an https address.")
    if not (strict.path + strict.query).isascii():
        raise EndpointRefused(NOT_AN_ADDRESS)
    address = _ip(strict.hostname)
    host = str(address) if address is not None else _host_name(strict.hostname)
    # What the sender's library makes of it.
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, None)
        library = parse_url(prepared.url or "")
    except (requests.RequestException, LocationParseError, ValueError) as error:
        raise EndpointRefused(NOT_AN_ADDRESS) from error
    library_host = (library.host or "").strip("[]").lower().removesuffix(".")
    if (library.scheme, library_host, library.port, library.auth) != (
            scheme, host, port, None):
        raise EndpointRefused(NOT_AN_ADDRESS)
    if port == DEFAULT_PORTS[scheme]:
        port = None
    netloc = f"[{host}]" if address is not None and address.version == 6 else host
    if port is not None:
        netloc += f":{port}"
    normalised = f"{scheme}://{netloc}{library.path or '/'}"
    if library.query is not None:
        normalised += f"?{library.query}"
    return Endpoint(scheme, host, port, normalised)


def same_endpoint(url: str) -> str:
    """The stored form of an endpoint a client names (to find its subscription); one that
    cannot be read stays as it is (and matches nothing)."""
    try:
        return parse_endpoint(url).url
    except EndpointRefused:
        return url


def allowed_hosts(setting: str) -> list[str]:
    return [name.strip().lower() for name in setting.split(",") if name.strip()]


def _host_allowed(host: str, allowed: list[str]) -> bool:
    return any(host == name or (name.startswith(".") and host.endswith(name)
                                and len(host) > len(name))
               for name in allowed)


def checked_endpoint(url: str, *, allowed: list[str], loopback_http: bool = False) -> str:
    """The normalised endpoint when the server may post to it: https on a known push
    service (a host name, not an IP address), no userinfo, the default port, at most 1024
    characters. EndpointRefused says why not."""
    endpoint = parse_endpoint(url)
    if loopback_http and endpoint.scheme == "http" and endpoint.host == "127.0.0.1":
        return endpoint.url  # the tests' push-service stand-in
    if endpoint.scheme != "https":
        raise EndpointRefused("Must be an https address.")
    if endpoint.port is not None:
        raise EndpointRefused("Must use the default https port.")
    if endpoint.is_ip:
        raise EndpointRefused("Must name a push service, not an IP address.")
    if not _host_allowed(endpoint.host, allowed):
        raise EndpointRefused("Not a known push service.")
    return endpoint.url


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


# --- Where the sender may connect ------------------------------------------------------
#
# An allowed host name can still resolve to this machine or to the private network (a
# stale DNS record, a push service's name pointed elsewhere). Every push connects through
# PinnedAdapter: it resolves the host once, refuses it when any of its addresses is not a
# public one, and connects to the address it checked (the TLS name and the Host header
# stay the host's name), so a second, different answer from DNS is never used.

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedAddress(requests.exceptions.ConnectionError):
    """The push service's host resolves to an address the sender does not connect to."""


def networks(setting: str) -> list[Network]:
    """PUSH_PRIVATE_NETWORKS_ALLOWED: comma-separated networks ("10.1.2.0/24")."""
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in setting.split(",") if part.strip()]


def public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not loopback, private, link-local, multicast, reserved or unspecified (an IPv6
    address that embeds an IPv4 one is judged by that one)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_loopback or address.is_private or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified)


class PinnedAdapter(HTTPAdapter):
    """Resolve once, check every address, connect only to the checked one."""

    def __init__(self, *, allowed_networks: Iterable[Network] = ()) -> None:
        super().__init__(max_retries=0)
        self.allowed_networks = list(allowed_networks)
        self._resolved: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()

    def address_of(self, host: str, port: int) -> str:
        """The checked address to connect to (looked up once per adapter)."""
        with self._lock:
            known = self._resolved.get((host, port))
        if known is not None:
            return known
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise requests.exceptions.ConnectionError(f"cannot resolve: {error}") from error
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
        if not addresses:
            raise requests.exceptions.ConnectionError("no address")
        for address in addresses:
            if not public_address(address) and not any(
                    address in network for network in self.allowed_networks):
                raise RefusedAddress("not a public address")
        with self._lock:
            self._resolved[(host, port)] = str(addresses[0])
        return str(addresses[0])

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        url = parse_url(request.url or "")
        host = (url.host or "").strip("[]")
        port = url.port or DEFAULT_PORTS.get(url.scheme or "", 443)
        address = ipaddress.ip_address(self.address_of(host, port))
        request.headers["Host"] = url.netloc or host
        literal = f"[{address}]" if address.version == 6 else str(address)
        request.url = url._replace(host=literal).url
        return super().send(request, *args, **kwargs)

    def build_connection_pool_key_attributes(
            self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert)
        if host_params["scheme"] == "https":
            # TLS to the address, for the name: SNI and the certificate check use it.
            name = parse_url(f"//{request.headers['Host']!s}").host or ""
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs


def http_session(allowed_networks: Iterable[Network] = ()) -> requests.Session:
    """The sender's HTTP client: every connection through PinnedAdapter, no redirects
    followed (a push service that answers 3xx has failed)."""
    session = requests.Session()
    adapter = PinnedAdapter(allowed_networks=allowed_networks)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.max_redirects = 0
    return session


# --- Sending -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Device:
    endpoint: str
    p256dh: str
    auth: str


class Signer:
    """VAPID headers per push-service origin, reused while their token is fresh (signing
    costs more than encrypting). Shared by the sender's threads."""

    def __init__(self, vapid: Vapid, subject: str) -> None:
        self.vapid = vapid
        self.subject = subject
        self._cache: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def headers(self, endpoint: str) -> dict[str, str]:
        origin = origin_of(endpoint)
        now = time.time()
        with self._lock:
            cached = self._cache.get(origin)
            if cached is not None and cached[0] - now > 3600:
                return dict(cached[1])
            expires = int(now) + TTL_SECONDS
            signed = self.vapid.sign({"aud": origin, "exp": expires, "sub": self.subject})
            headers = {key: value for key, value in signed.items()}
            self._cache[origin] = (expires, headers)
            return dict(headers)


def push(device: Device, payload: bytes, *, signer: Signer, session: requests.Session,
         timeout: float = 10) -> int:
    """Encrypt and post one message; the push service's status code. `timeout` bounds
    the connect and each read (requests' meaning)."""
    pusher = WebPusher({"endpoint": device.endpoint,
                        "keys": {"p256dh": device.p256dh, "auth": device.auth}},
                       requests_session=session)
    response = pusher.send(payload, signer.headers(device.endpoint), ttl=TTL_SECONDS,
                           content_encoding="aes128gcm", timeout=(timeout, timeout))
    assert not isinstance(response, str)
    return response.status_code
