"""A small Web Push service for the local stack and the tests: what a browser vendor's push service does.

``device()`` makes a subscription as a browser would (a P-256 key pair and an auth secret, an
endpoint ``http://127.0.0.1:<port>/push/<token>``) and keeps its private key. A POST to the
endpoint is checked as a push service checks it — the VAPID ``Authorization: vapid t=<JWT>,
k=<key>`` header (ES256, signed by that key, audience this origin, not expired) — and its body,
``aes128gcm``, is DECRYPTED with the device's keys (``http_ece``): :attr:`received` keeps what the
device would show. ``gone(token)`` makes the endpoint answer 410 (the browser unsubscribed).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from infra.webpush_key import b64url


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes


@dataclass
class Push:
    token: str
    payload: dict[str, Any]
    ttl: str | None
    urgency: str | None
    subject: str


@dataclass
class LocalPushService:
    host: str = "127.0.0.1"
    port: int = 0
    devices: dict[str, Device] = field(default_factory=dict)
    received: list[Push] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)  # (token, status, why)
    gone_tokens: set[str] = field(default_factory=set)

    def start(self) -> LocalPushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                status, why = service.take(self.path, {k.lower(): v for k, v in self.headers.items()},
                                           self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(status)
                if status == 201:
                    self.send_header("Location", f"{service.origin}/messages/{os.urandom(6).hex()}")
                self.send_header("Content-Length", str(len(why.encode())))
                self.end_headers()
                self.wfile.write(why.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def device(self) -> dict[str, Any]:
        """A new subscription, as ``PushSubscription.toJSON()`` gives it."""
        token, key, auth = os.urandom(8).hex(), ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
        self.devices[token] = Device(token, key, auth)
        public = key.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{token}", "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}

    def gone(self, token: str) -> None:
        self.gone_tokens.add(token)

    def take(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        token = path.rsplit("/", 1)[-1]
        device = self.devices.get(token)
        if device is None or token in self.gone_tokens:
            self.refused.append((token, 410, "gone"))
            return 410, "gone"
        try:
            subject = self._vapid(headers.get("authorization", ""))
            if headers.get("content-encoding") != "aes128gcm":
                raise ValueError("Content-Encoding must be aes128gcm")
            plain = http_ece.decrypt(body, private_key=device.private_key, auth_secret=device.auth,
                                     version="aes128gcm")
        except Exception as exc:  # noqa: BLE001 (any bad push is refused, as a push service does)
            self.refused.append((token, 400, str(exc)))
            return 400, str(exc)
        self.received.append(Push(token, json.loads(plain), headers.get("ttl"), headers.get("urgency"), subject))
        return 201, ""

    def _vapid(self, header: str) -> str:
        """The VAPID claims' subject, once the JWT is verified with the key the header names."""
        if not header.startswith("vapid "):
            raise ValueError("Authorization is not vapid")
        parts = dict(p.strip().split("=", 1) for p in header[len("vapid "):].split(","))
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        claims = jwt.decode(parts["t"], key, algorithms=["ES256"], audience=self.origin)
        if claims["exp"] < time.time():
            raise ValueError("VAPID token expired")
        return str(claims["sub"])


def push_env() -> dict[str, str]:
    """The local stack's Web Push settings: the local push service's http:// endpoints allowed (the
    VAPID key is in moto's Secrets Manager, put by the bootstrap as an operator puts it)."""
    return {"CC_PUSH_HTTP": "1"}
