"""A push service stand-in on 127.0.0.1: records every POST and answers with scripted
status codes, so tests can decrypt what the sender pushed and check its VAPID token.
Devices can also be broken for good (always the same status) or slow (the answer comes
only after some seconds, or when the stand-in stops). With `tls_name` it speaks HTTPS
with a certificate for that name only (its file in `ca_file`, for the client to trust)."""

from __future__ import annotations

import base64
import json
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import http_ece
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = 0.0  # time.monotonic() when the request arrived


@dataclass
class PushService:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # Status codes to answer, per path, used up in order; then `status`'s, or 201.
    script: dict[str, list[int]] = field(default_factory=dict)
    # The status a path always answers (a broken device), once its script is used up.
    status: dict[str, int] = field(default_factory=dict)
    # Seconds to wait before answering, per path (a slow device).
    slow: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    # With TLS: the certificate to trust, and the names clients asked for (SNI).
    ca_file: str = ""
    server_names: list[str] = field(default_factory=list)

    def to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]


class Device:
    """A browser's push subscription: its own P-256 key pair and auth secret."""

    def __init__(self, service: PushService, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = __import__("os").urandom(16)
        self.path = f"/push/{name}"
        self.endpoint = f"{service.url}{self.path}"

    def subscription(self, **extra: object) -> dict:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint,
                "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)}, **extra}

    def decrypt(self, received: Received) -> dict:
        assert received.headers.get("content-encoding") == "aes128gcm"
        text = http_ece.decrypt(received.body, private_key=self.key, auth_secret=self.auth,
                                version="aes128gcm")
        return json.loads(text)


def verify_vapid(received: Received, *, public_key: str, audience: str) -> dict:
    """Check `Authorization: vapid t=<JWT>, k=<key>`: ES256 by the server's key, for this
    push service's origin, not expired. Returns the claims."""
    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(item.strip().split("=", 1) for item in params.split(","))
    assert parts["k"] == public_key
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    header = json.loads(unb64url(header_b64))
    assert header["alg"] == "ES256"
    signature = unb64url(signature_b64)
    assert len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                               int.from_bytes(signature[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise AssertionError("bad VAPID signature") from error
    claims = json.loads(unb64url(claims_b64))
    assert claims["aud"] == audience
    assert claims["exp"] > time.time()
    assert claims["exp"] <= time.time() + 24 * 3600  # RFC 8292: at most 24 hours
    assert claims["sub"].startswith(("mailto:", "https:", "http:"))
    return claims


def self_signed(name: str, folder: Path) -> tuple[Path, Path]:
    """A certificate for `name` alone, signed by itself; (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@contextmanager
def push_service(tls_name: str | None = None) -> Iterator[PushService]:
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with service.lock:
                service.received.append(Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                    time.monotonic()))
                codes = service.script.get(self.path)
                status = codes.pop(0) if codes else service.status.get(self.path, 201)
                delay = service.slow.get(self.path, 0.0)
            if delay:
                service.stopping.wait(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender gave up waiting and closed the connection

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    folder = tempfile.TemporaryDirectory(prefix="push-service-")
    if tls_name:
        cert_file, key_file = self_signed(tls_name, Path(folder.name))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file, key_file)
        context.sni_callback = lambda _socket, name, _context: (
            service.server_names.append(name or ""), None)[1]
        server.socket = context.wrap_socket(server.socket, server_side=True)
        service.ca_file = str(cert_file)
        service.url = f"https://{tls_name}:{server.server_address[1]}"
    # Polled every 50 ms (not 0.5 s): shutdown() at the end of each test waits for the poll.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.stopping.set()
        server.shutdown()
        server.server_close()
        folder.cleanup()
