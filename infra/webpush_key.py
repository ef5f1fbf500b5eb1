"""A new VAPID key for the deployment's Web Push secret (template.d/60-notifications.json: ``WebPushKey``).

    .venv/bin/python -m infra.webpush_key [--subject mailto:ops@example.cn]

prints the command that puts it (``aws secretsmanager put-secret-value --secret-id cc/web-push …``)
and the public key browsers will subscribe with. Run it once per deployment: a new key means every
device subscribes again. The local stack and the tests put one the same way (``local/bootstrap.py``).
"""

from __future__ import annotations

import argparse
import base64
import json
import shlex

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

SECRET_NAME = "cc/web-push"
SUBJECT = "mailto:ops@community.example.cn"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_key() -> tuple[str, str]:
    """A new P-256 key pair, base64url: (the raw private key — as the secret keeps it — and the
    public key's uncompressed point, the browsers' applicationServerKey)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(key.private_numbers().private_value.to_bytes(32, "big")), b64url(public)


def secret_string(private_key: str, subject: str = SUBJECT) -> str:
    return json.dumps({"private_key": private_key, "subject": subject})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subject", default=SUBJECT, help="mailto: or https: the push services may contact")
    args = parser.parse_args()
    private, public = new_key()
    print(f"aws secretsmanager put-secret-value --secret-id {SECRET_NAME} "
          f"--secret-string {shlex.quote(secret_string(private, args.subject))}")
    print(f"# public key (GET /v1/push/key answers it once the secret is read): {public}")


if __name__ == "__main__":
    main()
