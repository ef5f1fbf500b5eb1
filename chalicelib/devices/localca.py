"""The local stack's certificate authority (``CC_LOCAL_CA_DIR``).

The CA key and certificate are made once (``ca.key``, ``ca.pem``) in that directory, under a
file lock so concurrent processes agree on one CA. Device certificates get CN = thing name —
the local broker trusts ``ca.pem`` and takes the CN as the client's identity — and are
registered in IoT (moto) with ``RegisterCertificateWithoutCA``, so status changes (rotation,
revocation) are recorded there as on AWS. ``server_certificate`` issues the broker's own TLS
certificate from the same CA, so devices need to trust only ``ca.pem``.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from chalicelib.aws import client
from chalicelib.devices.certs import Issued, iot_call, load_csr

CA_NAME = "Smart Community Cloud Local Device CA"
CA_YEARS, DEVICE_YEARS = 10, 3
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _ca(directory: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """Load the CA, making it first if the directory has none."""
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / "ca.key", directory / "ca.pem"
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cert_path.exists():
            key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
                              x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Smart Community Cloud")])
            now = datetime.now(UTC)
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(x509.random_serial_number())
                    .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365 * CA_YEARS))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                    .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
                    .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                    .sign(key, hashes.SHA256()))
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(_pem(key))
            cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_path} is not the local CA's EC key")
    return loaded, x509.load_pem_x509_certificate(cert_path.read_bytes())


class LocalCA:
    name = "local"

    def __init__(self, directory: Path, iot: Any | None = None) -> None:
        self.directory = directory
        self.key, self.cert = _ca(directory)
        self._iot = iot

    @property
    def iot(self) -> Any:
        return self._iot or client("iot")

    def root_ca_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def from_csr(self, csr_pem: str, thing: str) -> Issued:
        public_key = load_csr(csr_pem).public_key()
        assert isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)  # load_csr checked it
        return self._register(self.sign(public_key, thing))

    def with_new_key(self, thing: str) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        issued = self._register(self.sign(key.public_key(), thing))
        return Issued(issued.certificate_id, issued.certificate_arn, issued.certificate_pem, issued.not_after,
                      _pem(key).decode())

    def sign(self, public_key: PublicKey, common_name: str, *,
             server_names: list[str] | None = None) -> x509.Certificate:
        """A leaf certificate: a device's (client auth, CN = thing name) or, with ``server_names``, a broker's."""
        now = datetime.now(UTC)
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server_names else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
                   .issuer_name(self.cert.subject).public_key(public_key)
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(minutes=5))
                   .not_valid_after(now + timedelta(days=365 * DEVICE_YEARS))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(_usage(digital_signature=True,
                                         key_encipherment=isinstance(public_key, rsa.RSAPublicKey)), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                                  critical=False))
        if server_names:
            builder = builder.add_extension(x509.SubjectAlternativeName([_general_name(n) for n in server_names]),
                                            critical=False)
        return builder.sign(self.key, hashes.SHA256())

    def server_certificate(self, names: list[str]) -> tuple[str, str]:
        """(certificate PEM, key PEM) for the local broker, valid for ``names`` (host names or IPs)."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = self.sign(key.public_key(), names[0], server_names=names)
        return cert.public_bytes(serialization.Encoding.PEM).decode(), _pem(key).decode()

    def _register(self, cert: x509.Certificate) -> Issued:
        pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        r = iot_call("RegisterCertificateWithoutCA", self.iot.register_certificate_without_ca, certificatePem=pem,
                     status="ACTIVE")
        return Issued(r["certificateId"], r["certificateArn"], pem, cert.not_valid_after_utc)


def _usage(**allowed: bool) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{n: allowed.get(n, False) for n in names})


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)
