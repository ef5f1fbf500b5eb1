"""Provisioning the simulated devices as a vendor does: through the vendor API, each device
with a key made on the device and a CSR (the key never leaves it).

``POST /v1/vendor/devices/bulk`` registers and certifies new devices; a device that exists
already (a second run against the same stack) gets a fresh certificate by rotation
(``POST /v1/vendor/devices/{id}/certificates``), its old one turned inactive. Keys,
certificates and the CA to trust are written to the state directory, one set per thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from iot.mqtt import Identity, save_identity
from iot.sim.devices import SimDevice

BULK_LIMIT = 100


@dataclass(frozen=True)
class Provisioned:
    device_id: str
    thing: str
    identity: Identity
    host: str
    port: int
    topics: dict[str, Any]  # telemetry, event, command, basic_ingest


class ProvisioningError(RuntimeError):
    pass


def new_key_and_csr(name: str) -> tuple[bytes, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])).sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return pem, csr.public_bytes(serialization.Encoding.PEM).decode()


def _save(state_dir: Path, key_pem: bytes, result: dict[str, Any]) -> Provisioned:
    conn, thing = result["connection"], result["thing_name"]
    identity = save_identity(state_dir / thing, conn["client_id"], result["certificate"]["certificate_pem"], key_pem,
                             conn["root_ca_pem"])
    return Provisioned(result["device"]["device_id"], thing, identity, conn["endpoint"], int(conn["port"]),
                       conn["topics"])


class VendorClient:
    def __init__(self, api_url: str, token: str, timeout: float = 30.0) -> None:
        self.api, self.timeout = api_url.rstrip("/"), timeout
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    def get(self, path: str) -> Any:
        r = self.http.get(self.api + path, timeout=self.timeout)
        if r.status_code != 200:
            raise ProvisioningError(f"GET {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    def provision(self, devices: list[SimDevice], state_dir: Path) -> list[Provisioned]:
        out: list[Provisioned] = []
        for start in range(0, len(devices), BULK_LIMIT):
            out += self._bulk(devices[start:start + BULK_LIMIT], state_dir)
        return out

    def _bulk(self, devices: list[SimDevice], state_dir: Path) -> list[Provisioned]:
        keys, body = [], []
        for d in devices:
            key, csr = new_key_and_csr(d.device_id)
            keys.append(key)
            body.append({"device_id": d.device_id, "type": d.type, "serial": f"SIM-{d.device_id}",
                         "credentials": "csr", "csr": csr, **d.place})
        r = self.http.post(f"{self.api}/v1/vendor/devices/bulk", json={"devices": body}, timeout=self.timeout)
        if r.status_code not in (201, 207, 409):
            raise ProvisioningError(f"bulk provisioning: {r.status_code} {r.text[:500]}")
        items = r.json().get("items") or [{"index": i, "status": 409} for i in range(len(devices))]
        out = []
        for item in items:
            i = item["index"]
            if item["status"] == 201:
                out.append(_save(state_dir, keys[i], item["result"]))
            elif item["status"] == 409:  # provisioned by an earlier run: a new certificate by rotation
                out.append(self._rotate(devices[i], state_dir))
            else:
                raise ProvisioningError(f"{devices[i].device_id}: {item['status']} {item.get('error')}")
        return out

    def _rotate(self, device: SimDevice, state_dir: Path) -> Provisioned:
        key, csr = new_key_and_csr(device.device_id)
        r = self.http.post(f"{self.api}/v1/vendor/devices/{device.device_id}/certificates",
                           json={"credentials": "csr", "csr": csr}, timeout=self.timeout)
        if r.status_code != 201:
            raise ProvisioningError(f"{device.device_id}: rotation {r.status_code} {r.text[:300]}")
        return _save(state_dir, key, r.json())
