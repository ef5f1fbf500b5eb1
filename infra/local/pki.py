"""The certificates the local broker needs, from the local CA that signs the devices'
(chalicelib/devices/localca.py, in ``CC_LOCAL_CA_DIR``): the broker's server certificate for
127.0.0.1 / localhost, so devices trust only ``ca.pem``, and the bridge's client certificate
(CN ``local-bridge``). These two belong to the stack, not to a device, so they are not
registered in IoT."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.devices.localca import LocalCA
from infra.local.broker import BRIDGE_IDENTITY, TlsFiles
from iot.mqtt import Identity, save_identity, write_private

SERVER_NAMES = ["127.0.0.1", "localhost"]


def client_identity(ca: LocalCA, name: str, out_dir: Path) -> Identity:
    """A client certificate with CN ``name`` signed by ``ca`` (its key made here), in ``out_dir/name``."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = ca.sign(key.public_key(), name).public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return save_identity(out_dir / name, name, cert, key_pem, ca.root_ca_pem())


def broker_tls(ca: LocalCA, out_dir: Path) -> tuple[TlsFiles, Identity]:
    """The broker's TLS files and the bridge's identity."""
    cert_pem, key_pem = ca.server_certificate(SERVER_NAMES)
    tls = TlsFiles(ca.directory / "ca.pem", out_dir / "server.crt", out_dir / "server.key")
    out_dir.mkdir(parents=True, exist_ok=True)
    tls.certfile.write_text(cert_pem, encoding="ascii")
    write_private(tls.keyfile, key_pem)
    return tls, client_identity(ca, BRIDGE_IDENTITY, out_dir)
