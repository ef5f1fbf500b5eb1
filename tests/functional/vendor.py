"""Helpers for the vendor provisioning suites: CSRs made as a device makes them, request bodies."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.functional.places import PLACES, post
from tests.support import auth

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def make_csr(key: PrivateKey | None = None, cn: str = "factory-device") -> tuple[str, PrivateKey]:
    """(CSR PEM, its private key) — the key stays with the 'device'."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])).sign(key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM).decode(), key


def public_der(key: Any) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def device_body(device_id: str, serial: str, place: str = "zz-smoke-0501", **extra: Any) -> dict[str, Any]:
    return {"device_id": device_id, "serial": serial, **PLACES[place], **extra}


def provision(client: Any, token: str, device_id: str, serial: str, place: str = "zz-smoke-0501",
              **extra: Any) -> Any:
    return post(client, "/v1/vendor/devices", token, device_body(device_id, serial, place, **extra))


def certificates(client: Any, token: str, device_id: str) -> Any:
    return client.http.get(f"/v1/vendor/devices/{device_id}/certificates", headers=auth(token))


def rotate(client: Any, token: str, device_id: str, **body: Any) -> Any:
    return post(client, f"/v1/vendor/devices/{device_id}/certificates", token, body)


def revoke(client: Any, token: str, device_id: str, certificate_id: str, reason: str | None = None) -> Any:
    return post(client, f"/v1/vendor/devices/{device_id}/certificates/{certificate_id}/revoke", token,
                {"reason": reason} if reason else None)
