"""Vendors provision devices: IoT thing, certificate (from the device's CSR, or a key pair made once),
connection details; certificates are listed, rotated and revoked; a revoked device may not publish."""

from __future__ import annotations

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.devices.certs import AMAZON_ROOT_CA, IotUnavailable
from chalicelib.devices.gate import is_publish_allowed
from chalicelib.devices.registry import IotRegistry
from iot.things import POLICY_NAME, tenant_group
from tests.functional.places import PLACES, post, register
from tests.functional.vendor import (
    certificates,
    device_body,
    make_csr,
    provision,
    public_der,
    revoke,
    rotate,
)
from tests.support import auth

THING = "zhengzhou_zz-smoke-1"


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    return aws


@pytest.fixture
def vendor(city):
    return city.token_for("vendor", "zhengzhou")


@pytest.fixture
def iot():
    return boto3.client("iot", region_name="us-east-1")


def test_a_vendor_provisions_a_device_from_its_csr_and_the_key_never_leaves_it(client, vendor, iot):
    csr, _ = make_csr()
    r = provision(client, vendor, "zz-smoke-1", "SN-0001", csr=csr, name="厨房烟感")
    assert r.status_code == 201, r.body
    body = r.json_body
    assert b"PRIVATE KEY" not in r.body and body["private_key_pem"] is None
    assert body["thing_name"] == body["device"]["thing_name"] == THING
    cert = body["certificate"]
    assert (cert["status"], cert["source"], cert["authority"]) == ("active", "csr", "aws-iot")
    assert [e["status"] for e in cert["history"]] == ["active"] and cert["history"][0]["by"] == "zhengzhou.vendor.test"
    conn = body["connection"]
    assert conn["client_id"] == THING and conn["port"] == 8883 and conn["endpoint"]
    assert conn["topics"] == {
        "telemetry": f"cc/zhengzhou/d/{THING}/telemetry", "event": f"cc/zhengzhou/d/{THING}/event",
        "command": f"cc/zhengzhou/d/{THING}/cmd",
        "basic_ingest": {"cc_telemetry": f"$aws/rules/cc_telemetry/cc/zhengzhou/d/{THING}/telemetry",
                         "cc_events": f"$aws/rules/cc_events/cc/zhengzhou/d/{THING}/event"}}
    assert conn["root_ca_pem"] == AMAZON_ROOT_CA.read_text()
    assert x509.load_pem_x509_certificate(conn["root_ca_pem"].encode()).subject.rfc4514_string() == (
        "CN=Amazon Root CA 1,O=Amazon,C=US")
    # in IoT: the thing with its attributes, in the city's group, the certificate bound with the device policy
    thing = iot.describe_thing(thingName=THING)
    assert thing["thingTypeName"] == "cc-device"
    assert thing["attributes"] == {"tenant": "zhengzhou", "type": "smoke", "serial": "SN-0001",
                                   "device_id": "zz-smoke-1"}
    assert [g["groupName"] for g in iot.list_thing_groups_for_thing(thingName=THING)["thingGroups"]] == [
        tenant_group("zhengzhou")]
    assert iot.list_thing_principals(thingName=THING)["principals"] == [cert["certificate_arn"]]
    assert [p["policyName"] for p in iot.list_attached_policies(target=cert["certificate_arn"])["policies"]] == [
        POLICY_NAME]
    # the registry shows it like any other device
    got = client.http.get("/v1/devices/zz-smoke-1", headers=auth(vendor)).json_body
    assert got == body["device"] and got["path"][-1] == PLACES["zz-smoke-0501"]["household_id"]


def test_generate_for_me_returns_the_private_key_once_and_never_again(client, vendor):
    r = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate")
    assert r.status_code == 201, r.body
    key_pem, cert = r.json_body["private_key_pem"], r.json_body["certificate"]
    assert "PRIVATE KEY" in key_pem and cert["source"] == "generate"
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(key_pem.encode(), password=None)
    issued = x509.load_pem_x509_certificate(cert["certificate_pem"].encode())
    assert public_der(key.public_key()) == public_der(issued.public_key())
    listed = certificates(client, vendor, "zz-smoke-1")
    assert listed.status_code == 200 and b"PRIVATE KEY" not in listed.body
    assert b"PRIVATE KEY" not in client.http.get("/v1/devices/zz-smoke-1", headers=auth(vendor)).body


@pytest.mark.parametrize("serial", ["", "SN#1", "-SN-1", "ab", "序列号123", "S" * 65])
def test_a_bad_serial_is_refused_naming_serial(client, vendor, serial):
    r = provision(client, vendor, "zz-smoke-1", serial, credentials="generate")
    assert r.status_code == 400 and r.json_body["field"] == "serial"


@pytest.mark.parametrize(("extra", "field"), [
    ({"csr": "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----"}, "csr"),
    ({"csr": "hello"}, "csr"),
    ({}, "csr"),  # credentials default to csr: one is needed
    ({"credentials": "generate", "csr": "__CSR__"}, "csr"),
    ({"credentials": "telepathy"}, "credentials"),
    ({"csr": "__WEAK__"}, "csr"),  # RSA 1024
    ({"device_id": "d" * 60, "credentials": "generate"}, "device_id"),  # zhengzhou_ + 60 > 64 characters
])
def test_bad_credentials_are_refused_naming_the_field_and_nothing_is_registered(client, vendor, iot, extra, field):
    if extra.get("csr") == "__CSR__":
        extra["csr"] = make_csr()[0]
    if extra.get("csr") == "__WEAK__":
        extra["csr"] = make_csr(rsa.generate_private_key(public_exponent=65537, key_size=1024))[0]
    body = {**device_body("zz-smoke-1", "SN-0001"), **extra}
    r = post(client, "/v1/vendor/devices", vendor, body)
    assert r.status_code == 400 and r.json_body["field"] == field, r.body
    assert client.http.get(f"/v1/devices/{body['device_id']}", headers=auth(vendor)).status_code == 404
    assert iot.list_things()["things"] == []


def test_a_serial_is_registered_once_in_a_city_and_the_refused_device_leaves_nothing(client, vendor, iot):
    assert provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate").status_code == 201
    again = provision(client, vendor, "zz-smoke-2", "sn-0001", credentials="generate")  # case does not matter
    assert again.status_code == 409 and again.json_body["field"] == "serial"
    same_id = provision(client, vendor, "zz-smoke-1", "SN-0002", credentials="generate")
    assert same_id.status_code == 409 and same_id.json_body["field"] == "device_id"
    assert client.http.get("/v1/devices/zz-smoke-2", headers=auth(vendor)).status_code == 404
    assert [t["thingName"] for t in iot.list_things()["things"]] == [THING]
    assert len(iot.list_certificates()["certificates"]) == 1


def test_a_device_that_fails_half_way_is_undone_whole(client, vendor, iot, monkeypatch):
    def broken(self, thing, arn):
        raise IotUnavailable("AWS IoT AttachThingPrincipal failed: ThrottlingException")

    monkeypatch.setattr(IotRegistry, "bind", broken)
    r = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate")
    assert r.status_code == 503 and r.json_body["code"] == "iot_unavailable"
    assert client.http.get("/v1/devices/zz-smoke-1", headers=auth(vendor)).status_code == 404
    assert iot.list_things()["things"] == [] and iot.list_certificates()["certificates"] == []
    monkeypatch.undo()
    assert provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate").status_code == 201


def test_a_vendor_of_another_city_can_neither_provision_here_nor_see_or_touch_these_devices(client, city, vendor):
    cert_id = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate").json_body["certificate"][
        "certificate_id"]
    city.onboard("yinchuan")
    other = city.token_for("vendor", "yinchuan")
    r = provision(client, other, "zz-smoke-9", "SN-0009", credentials="generate")
    assert r.status_code == 404 and r.json_body["field"] == "community_id"
    assert certificates(client, other, "zz-smoke-1").status_code == 404
    assert rotate(client, other, "zz-smoke-1", credentials="generate").status_code == 404
    assert revoke(client, other, "zz-smoke-1", cert_id).status_code == 404
    assert client.http.get("/v1/devices/zz-smoke-1", headers=auth(other)).status_code == 404
    listed = certificates(client, vendor, "zz-smoke-1").json_body["items"]
    assert [c["status"] for c in listed] == ["active"]


def test_bulk_provisioning_reports_each_item_and_provisions_the_good_ones_whole(client, vendor):
    csr, _ = make_csr()
    items = [device_body("zz-b-0", "SN-B0", csr=csr),
             device_body("zz-b-1", "SN#B1", credentials="generate"),
             device_body("zz-b-2", "SN-B0", credentials="generate"),  # serial of item 0
             {**device_body("zz-b-3", "SN-B3", credentials="generate"), "community_id": "no-such-place"},
             "not a device",
             device_body("zz-b-5", "SN-B5", "zz-noise-zd", credentials="generate"),
             device_body("zz-b-6", "SN-B6", credentials="generate", csr=csr)]
    r = post(client, "/v1/vendor/devices/bulk", vendor, {"devices": items})
    assert r.status_code == 207, r.body
    out = r.json_body
    assert (out["created"], out["failed"]) == (2, 5)
    got = {i["index"]: (i["status"], (i["error"] or {}).get("field")) for i in out["items"]}
    assert got == {0: (201, None), 1: (400, "devices[1].serial"), 2: (409, "devices[2].serial"),
                   3: (404, "devices[3].community_id"), 4: (400, "devices[4]"), 5: (201, None),
                   6: (400, "devices[6].csr")}
    assert out["items"][0]["result"]["private_key_pem"] is None
    assert "PRIVATE KEY" in out["items"][5]["result"]["private_key_pem"]
    for device_id, status in (("zz-b-0", 200), ("zz-b-1", 404), ("zz-b-2", 404), ("zz-b-5", 200), ("zz-b-6", 404)):
        assert client.http.get(f"/v1/devices/{device_id}", headers=auth(vendor)).status_code == status


def test_bulk_limits_and_all_failed_batches(client, vendor):
    r = post(client, "/v1/vendor/devices/bulk", vendor, {"devices": [{}] * 101})
    assert r.status_code == 400 and r.json_body["field"] == "devices"
    r = post(client, "/v1/vendor/devices/bulk", vendor, {"devices": []})
    assert r.status_code == 400 and r.json_body["field"] == "devices"
    bad = {**device_body("zz-b-0", "SN-B0", credentials="generate"), "community_id": "nowhere"}
    r = post(client, "/v1/vendor/devices/bulk", vendor, {"devices": [bad, bad]})
    assert r.status_code == 404 and r.json_body["failed"] == 2
    r = post(client, "/v1/vendor/devices/bulk", vendor, {"devices": [device_body("zz-b-0", "SN-B0",
                                                                                  credentials="generate")]})
    assert r.status_code == 201 and r.json_body["created"] == 1


def test_rotation_issues_a_new_active_certificate_and_retires_the_old_one(client, vendor, iot):
    old = provision(client, vendor, "zz-smoke-1", "SN-0001", csr=make_csr()[0]).json_body["certificate"]
    r = rotate(client, vendor, "zz-smoke-1", csr=make_csr()[0])
    assert r.status_code == 201, r.body
    new = r.json_body["certificate"]
    assert new["certificate_id"] != old["certificate_id"] and new["status"] == "active"
    assert r.json_body["private_key_pem"] is None and r.json_body["connection"]["client_id"] == THING
    listed = certificates(client, vendor, "zz-smoke-1").json_body
    assert listed["thing_name"] == THING
    assert [(c["certificate_id"], c["status"]) for c in listed["items"]] == [
        (new["certificate_id"], "active"), (old["certificate_id"], "inactive")]
    assert [(e["status"], e["reason"]) for e in listed["items"][1]["history"]] == [
        ("active", "issued"), ("inactive", "rotated out")]
    assert iot.describe_certificate(certificateId=old["certificate_id"])["certificateDescription"]["status"] == (
        "INACTIVE")
    assert iot.describe_certificate(certificateId=new["certificate_id"])["certificateDescription"]["status"] == (
        "ACTIVE")
    assert set(iot.list_thing_principals(thingName=THING)["principals"]) == {old["certificate_arn"],
                                                                            new["certificate_arn"]}
    assert is_publish_allowed("zhengzhou", THING, new["certificate_id"])
    assert not is_publish_allowed("zhengzhou", THING, old["certificate_id"])  # rotated out
    fleet = rotate(client, vendor, "zz-smoke-1", credentials="fleet")
    assert fleet.status_code == 400 and fleet.json_body["field"] == "credentials"
    bad = rotate(client, vendor, "zz-smoke-1", csr="nope")
    assert bad.status_code == 400 and bad.json_body["field"] == "csr"


def test_a_revoked_device_may_no_longer_publish(client, vendor, iot):
    cert = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate").json_body["certificate"]
    assert is_publish_allowed("zhengzhou", THING, cert["certificate_id"])
    r = revoke(client, vendor, "zz-smoke-1", cert["certificate_id"], reason="设备丢失 / device lost")
    assert r.status_code == 200, r.body
    assert r.json_body["status"] == "revoked" and r.json_body["history"][-1]["reason"] == "设备丢失 / device lost"
    assert iot.describe_certificate(certificateId=cert["certificate_id"])["certificateDescription"]["status"] == (
        "REVOKED")
    assert not is_publish_allowed("zhengzhou", THING, cert["certificate_id"])
    again = revoke(client, vendor, "zz-smoke-1", cert["certificate_id"])
    assert again.status_code == 200 and len(again.json_body["history"]) == 2  # revoking twice changes nothing
    assert revoke(client, vendor, "zz-smoke-1", "0" * 64).json_body["field"] == "certificate_id"
    assert revoke(client, vendor, "zz-smoke-1", "not-an-id").status_code == 404


def test_publishing_is_allowed_only_for_a_thing_of_that_city_with_an_active_certificate(client, vendor):
    cert = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate").json_body["certificate"]
    cid = cert["certificate_id"]
    register(client, vendor, "zz-plain-1", **PLACES["zz-gas-b4"])  # registered, never provisioned
    assert is_publish_allowed("zhengzhou", THING, cid)
    assert not is_publish_allowed("zhengzhou", THING, None)
    assert not is_publish_allowed("zhengzhou", THING, "0" * 64)
    assert not is_publish_allowed("yinchuan", THING, cid)
    assert not is_publish_allowed("yinchuan", "yinchuan_zz-smoke-1", cid)
    assert not is_publish_allowed("zhengzhou", "zhengzhou_zz-plain-1", cid)
    assert not is_publish_allowed("zhengzhou", "zz-smoke-1", cid)
    assert not is_publish_allowed("Not A Tenant", THING, cid)


def test_staff_revoke_only_in_their_communities_and_do_not_provision(client, city, vendor):
    staff = city.token_for("staff", "zhengzhou")  # serves jinghu only
    mine = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate").json_body["certificate"]
    theirs = provision(client, vendor, "zz-noise-1", "SN-0002", "zz-noise-zd", credentials="generate").json_body[
        "certificate"]
    r = revoke(client, staff, "zz-noise-1", theirs["certificate_id"])
    assert r.status_code == 403 and r.json_body["field"] == "community_id"
    assert revoke(client, staff, "zz-smoke-1", mine["certificate_id"]).json_body["status"] == "revoked"
    assert provision(client, staff, "zz-smoke-3", "SN-0003", credentials="generate").status_code == 403
    assert certificates(client, staff, "zz-smoke-1").status_code == 403
    assert rotate(client, staff, "zz-smoke-1", credentials="generate").status_code == 403
    admin = city.token_for("city_admin", "zhengzhou")
    assert certificates(client, admin, "zz-noise-1").status_code == 200


def test_a_device_not_provisioned_through_the_vendor_api_has_no_certificates_to_manage(client, vendor):
    register(client, vendor, "zz-plain-1", **PLACES["zz-gas-b4"])
    r = certificates(client, vendor, "zz-plain-1")
    assert r.status_code == 409 and r.json_body["field"] == "device_id"
    assert certificates(client, vendor, "zz-none").status_code == 404


def test_a_fleet_device_is_registered_without_a_certificate_until_it_gets_one(client, vendor, iot):
    r = provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="fleet")
    assert r.status_code == 201, r.body
    assert r.json_body["certificate"] is None and r.json_body["private_key_pem"] is None
    assert r.json_body["fleet_provisioning"] == {"template_name": "cc-fleet",
                                                 "parameters": {"tenant": "zhengzhou", "serial": "SN-0001"}}
    assert tenant_group("zhengzhou") in [g["groupName"] for g in iot.list_thing_groups()["thingGroups"]]
    assert certificates(client, vendor, "zz-smoke-1").json_body["items"] == []
    r = rotate(client, vendor, "zz-smoke-1", credentials="generate")  # or it is given one through the API
    assert r.status_code == 201 and iot.describe_thing(thingName=THING)["attributes"]["tenant"] == "zhengzhou"
    assert is_publish_allowed("zhengzhou", THING, r.json_body["certificate"]["certificate_id"])
