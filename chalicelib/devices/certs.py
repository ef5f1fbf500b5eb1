"""Device certificates: two certificate authorities behind one small interface.

* :class:`AwsIotCA` — AWS IoT issues the certificate (``CreateCertificateFromCsr``, or
  ``CreateKeysAndCertificate`` for devices that cannot make a key); devices trust Amazon Root CA 1.
* ``LocalCA`` (chalicelib/devices/localca.py) — the local stack's own CA, chosen when
  ``CC_LOCAL_CA_DIR`` is set: it signs with CN = thing name (the local broker takes the CN as the
  client's identity) and registers the certificate in IoT so its status is known there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.errors import AppError, InvalidInput

AMAZON_ROOT_CA = Path(__file__).resolve().parents[2] / "iot" / "AmazonRootCA1.pem"
_CURVES = (ec.SECP256R1, ec.SECP384R1)


class IotUnavailable(AppError):
    status = 503
    code = "iot_unavailable"


@dataclass(frozen=True)
class Issued:
    certificate_id: str
    certificate_arn: str
    certificate_pem: str
    not_after: datetime | None
    private_key_pem: str | None = None  # only for a key pair made here; never stored


class CertificateAuthority(Protocol):
    name: str

    def from_csr(self, csr_pem: str, thing: str) -> Issued: ...

    def with_new_key(self, thing: str) -> Issued: ...

    def root_ca_pem(self) -> str: ...


def load_csr(pem: str) -> x509.CertificateSigningRequest:
    """A CSR that is well-formed, self-signed, with an RSA (≥ 2048 bits) or P-256/P-384 key; else 400 on ``csr``."""
    try:
        csr = x509.load_pem_x509_csr(pem.encode())
        valid = csr.is_signature_valid
        key = csr.public_key()
    except (ValueError, TypeError, x509.InvalidVersion) as exc:
        raise InvalidInput("证书签名请求无法解析 / csr is not a PEM certificate signing request", field="csr") from exc
    if not valid:
        raise InvalidInput("证书签名请求的签名无效 / the csr's signature does not verify", field="csr")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048:
        return csr
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, _CURVES):
        return csr
    raise InvalidInput("密钥须为 RSA 2048 位以上或 EC P-256/P-384 / the key must be RSA ≥ 2048 bits or EC P-256/P-384",
                       field="csr")


def not_after(pem: str) -> datetime | None:
    try:
        return x509.load_pem_x509_certificate(pem.encode()).not_valid_after_utc
    except ValueError:
        return None


def error_code(exc: Exception) -> str:
    return str(exc.response.get("Error", {}).get("Code", "")) if isinstance(exc, ClientError) else ""


def unavailable(what: str, exc: Exception) -> IotUnavailable:
    return IotUnavailable(f"AWS IoT {what} failed: {error_code(exc) or type(exc).__name__}")


def iot_call(what: str, fn: Any, /, *, csr: bool = False, **kwargs: Any) -> Any:
    """Call AWS IoT; with ``csr``, IoT refusing the request is the caller's 400 on ``csr``; anything else a 503."""
    try:
        return fn(**kwargs)
    except (ClientError, BotoCoreError) as exc:
        if csr and error_code(exc) == "InvalidRequestException":
            raise InvalidInput(f"AWS IoT 拒绝了证书签名请求 / AWS IoT refused the csr: {exc}", field="csr") from exc
        raise unavailable(what, exc) from exc


class AwsIotCA:
    name = "aws-iot"

    def __init__(self, iot: Any | None = None) -> None:
        self.iot = iot or client("iot")

    def from_csr(self, csr_pem: str, thing: str) -> Issued:
        load_csr(csr_pem)
        r = iot_call("CreateCertificateFromCsr", self.iot.create_certificate_from_csr, csr=True,
                     certificateSigningRequest=csr_pem, setAsActive=True)
        return Issued(r["certificateId"], r["certificateArn"], r["certificatePem"], not_after(r["certificatePem"]))

    def with_new_key(self, thing: str) -> Issued:
        r = iot_call("CreateKeysAndCertificate", self.iot.create_keys_and_certificate, setAsActive=True)
        return Issued(r["certificateId"], r["certificateArn"], r["certificatePem"], not_after(r["certificatePem"]),
                      r["keyPair"]["PrivateKey"])

    def root_ca_pem(self) -> str:
        return AMAZON_ROOT_CA.read_text(encoding="ascii")


def authority() -> CertificateAuthority:
    """The local CA when ``CC_LOCAL_CA_DIR`` is set, else AWS IoT's."""
    directory = get_settings().local_ca_dir
    if directory:
        from chalicelib.devices.localca import LocalCA

        return LocalCA(Path(directory))
    return AwsIotCA()
