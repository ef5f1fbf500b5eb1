"""The broker's copy of IoT's certificate statuses: which certificates may connect and publish.

AWS IoT Core consults a certificate's status at every connection; locally the gateway plugin
(``infra/local/mosquitto/cc_device_gateway.c``) reads a file of the active ones. This keeps that
file equal to IoT's (moto's) ``ListCertificates``: every ``interval`` seconds it reads the
statuses, and when the active set changed it rewrites the file and signals the broker, which
then also drops connections whose certificate is no longer active. A certificate's id is the
SHA-256 of its DER encoding — AWS IoT's certificate id, and moto's with ``use_valid_cert`` (set by
``configure_moto``). The name beside each id is the certificate's CN: the thing name, which the
local CA writes whatever the CSR said.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

log = logging.getLogger("cc.certificates")
Publish = Callable[[dict[str, str]], None]  # the broker's update(active)


def configure_moto() -> None:
    """moto names certificates as AWS IoT does (SHA-256 of the DER), not by a hash of the PEM text."""
    from moto.core.config import default_user_config

    default_user_config["iot"] = {"use_valid_cert": True}


def certificate_id(pem: str) -> str:
    """AWS IoT's certificate id of a PEM certificate."""
    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def common_name(pem: str) -> str:
    names = x509.load_pem_x509_certificate(pem.encode("ascii")).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


class CertificateMirror:
    """``fixed`` (the bridge's certificate) plus IoT's active certificates, pushed to ``publish``."""

    def __init__(self, iot: Any, fixed: dict[str, str], publish: Publish, interval: float = 0.2) -> None:
        self.iot, self.fixed, self.publish, self.interval = iot, dict(fixed), publish, interval
        self._names: dict[str, str] = {}  # certificate id → CN, read once per certificate
        self._active: dict[str, str] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="certificate-mirror", daemon=True)

    def active(self) -> dict[str, str]:
        """id → name of every active certificate now, as IoT says."""
        out = dict(self.fixed)
        for cert in self.iot.list_certificates().get("certificates", []):
            if cert.get("status") != "ACTIVE":
                continue
            cid = cert["certificateId"]
            if cid not in self._names:
                pem = self.iot.describe_certificate(certificateId=cid)["certificateDescription"]["certificatePem"]
                self._names[cid] = common_name(pem)
            if self._names[cid]:
                out[cid] = self._names[cid]
        return out

    def sync(self) -> bool:
        """Push the active set if it changed; True when it did."""
        now = self.active()
        if now == self._active:
            return False
        self.publish(now)
        self._active = now
        return True

    def start(self) -> CertificateMirror:
        self.sync()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sync()
            except Exception:
                log.exception("certificate statuses not read")
