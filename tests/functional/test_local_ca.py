"""The local stack's CA (``CC_LOCAL_CA_DIR``): CN = thing name, chains to the CA, registered in IoT (moto)."""

from __future__ import annotations

import stat

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from chalicelib.config import reset_settings
from chalicelib.devices.localca import LocalCA
from tests.functional.vendor import make_csr, provision, public_der, revoke, rotate

THING = "zhengzhou_zz-smoke-1"


@pytest.fixture
def ca_dir(aws, tmp_path, monkeypatch):
    aws.onboard("zhengzhou")
    directory = tmp_path / "ca"
    monkeypatch.setenv("CC_LOCAL_CA_DIR", str(directory))
    monkeypatch.setenv("CC_IOT_ENDPOINT", "127.0.0.1:18883")
    reset_settings()
    yield directory
    monkeypatch.undo()
    reset_settings()


def cn(cert: x509.Certificate) -> str:
    return str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def iot_status(certificate_id: str) -> str:
    iot = boto3.client("iot", region_name="us-east-1")
    return str(iot.describe_certificate(certificateId=certificate_id)["certificateDescription"]["status"])


def test_a_device_csr_is_signed_by_the_local_ca_with_the_thing_name_as_cn(client, aws, ca_dir):
    csr, key = make_csr(cn="whatever-the-factory-wrote")
    r = provision(client, aws.token_for("vendor", "zhengzhou"), "zz-smoke-1", "SN-0001", csr=csr)
    assert r.status_code == 201, r.body
    body = r.json_body
    cert = x509.load_pem_x509_certificate(body["certificate"]["certificate_pem"].encode())
    ca = x509.load_pem_x509_certificate((ca_dir / "ca.pem").read_bytes())
    assert cn(cert) == THING == body["connection"]["client_id"]
    cert.verify_directly_issued_by(ca)
    assert public_der(cert.public_key()) == public_der(key.public_key())
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.CLIENT_AUTH])
    assert body["connection"]["root_ca_pem"] == (ca_dir / "ca.pem").read_text()
    assert (body["connection"]["endpoint"], body["connection"]["port"]) == ("127.0.0.1", 18883)
    assert body["certificate"]["authority"] == "local"
    iot = boto3.client("iot", region_name="us-east-1")
    described = iot.describe_certificate(certificateId=body["certificate"]["certificate_id"])["certificateDescription"]
    assert described["status"] == "ACTIVE" and described["certificatePem"] == body["certificate"]["certificate_pem"]
    assert iot.list_thing_principals(thingName=THING)["principals"] == [body["certificate"]["certificate_arn"]]


def test_generate_for_me_makes_a_key_whose_certificate_chains_to_the_local_ca(client, aws, ca_dir):
    r = provision(client, aws.token_for("vendor", "zhengzhou"), "zz-smoke-1", "SN-0001", credentials="generate")
    assert r.status_code == 201, r.body
    key = load_pem_private_key(r.json_body["private_key_pem"].encode(), password=None)
    cert = x509.load_pem_x509_certificate(r.json_body["certificate"]["certificate_pem"].encode())
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate((ca_dir / "ca.pem").read_bytes()))
    assert cn(cert) == THING and public_der(cert.public_key()) == public_der(key.public_key())


def test_rotation_and_revocation_are_recorded_in_iot_for_local_certificates(client, aws, ca_dir):
    vendor = aws.token_for("vendor", "zhengzhou")
    old = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate").json_body["certificate"]
    new = rotate(client, vendor, "zz-smoke-1", csr=make_csr()[0]).json_body["certificate"]
    assert (iot_status(old["certificate_id"]), iot_status(new["certificate_id"])) == ("INACTIVE", "ACTIVE")
    assert revoke(client, vendor, "zz-smoke-1", new["certificate_id"]).status_code == 200
    assert iot_status(new["certificate_id"]) == "REVOKED"


def test_the_ca_is_made_once_and_its_key_is_private(aws, tmp_path):
    first, second = LocalCA(tmp_path / "ca"), LocalCA(tmp_path / "ca")
    assert first.root_ca_pem() == second.root_ca_pem()
    assert stat.S_IMODE((tmp_path / "ca" / "ca.key").stat().st_mode) == 0o600
    ca = x509.load_pem_x509_certificate(first.root_ca_pem().encode())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_the_broker_gets_a_server_certificate_from_the_same_ca(aws, tmp_path):
    ca = LocalCA(tmp_path / "ca")
    cert_pem, key_pem = ca.server_certificate(["localhost", "127.0.0.1"])
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate(ca.root_ca_pem().encode()))
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert "PRIVATE KEY" in key_pem
