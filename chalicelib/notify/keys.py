"""The deployment's VAPID key pair for Web Push, kept in AWS Secrets Manager.

The secret (``CC_VAPID_SECRET``: the template's ``WebPushKey``, ``cc/web-push``) holds
``{"private_key": <raw P-256 scalar, base64url>, "subject": "mailto:…"}``; the public key —
browsers' ``applicationServerKey`` — is derived from it, so the two can never disagree. The
secret is created empty; an operator puts the key once (``python -m infra.webpush_key``). Until
then, and when the value cannot be read as a key, push is "not set up": the API serves an empty
public key (the front end says so) and the sender records pushes as failed.

Read on first use and kept for ``TTL`` seconds per container (a rotated key reaches every
container within that time); only the sender and ``GET /v1/push/key`` read it.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from dataclasses import dataclass

from botocore.exceptions import ClientError

from chalicelib.aws import client
from chalicelib.config import get_settings

logger = logging.getLogger(__name__)
TTL = 300.0


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # raw P-256 scalar, base64url (what pywebpush takes)
    public_key: str  # uncompressed point, base64url (applicationServerKey)
    subject: str  # mailto: or https: — whom the push services may contact

    @property
    def ready(self) -> bool:
        return bool(self.private_key and self.public_key)


NOT_SET_UP = VapidKeys("", "", "")
_lock = threading.Lock()
_cached: tuple[str, float, VapidKeys] | None = None  # (secret id, expires at, keys)


def public_key_of(private_key: str) -> str:
    """The uncompressed public point of a raw P-256 private key, both base64url."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    raw = base64.urlsafe_b64decode(private_key + "=" * (-len(private_key) % 4))
    if len(raw) != 32:
        raise ValueError("a P-256 private key is 32 bytes")
    point = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def _read(secret_id: str) -> VapidKeys:
    try:
        text = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise  # throttled, no access: the caller fails and is retried, nothing is cached
        logger.warning("web push is not set up: the secret has no value", extra={"secret": secret_id})
        return NOT_SET_UP
    try:
        doc = json.loads(text)
        private = str(doc["private_key"])
        return VapidKeys(private, public_key_of(private), str(doc.get("subject") or get_settings().vapid_subject))
    except (ValueError, KeyError, TypeError) as exc:
        logger.error("web push is not set up: the secret is not a VAPID key", extra={"secret": secret_id,
                                                                                     "why": str(exc)})
        return NOT_SET_UP


def vapid_keys(now: float | None = None) -> VapidKeys:
    """The key pair, or :data:`NOT_SET_UP` when the deployment has none."""
    global _cached
    secret_id = get_settings().vapid_secret
    if not secret_id:
        return NOT_SET_UP
    at = time.monotonic() if now is None else now
    with _lock:
        if _cached and _cached[0] == secret_id and _cached[1] > at:
            return _cached[2]
    keys = _read(secret_id)
    with _lock:
        _cached = (secret_id, at + TTL, keys)
    return keys


def forget() -> None:
    """Read the secret again on next use (tests, after putting a new key)."""
    global _cached
    with _lock:
        _cached = None
