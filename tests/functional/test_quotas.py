"""Count quotas of a city's tier are enforced where they are used: a 409 naming the quota, nothing written."""

from __future__ import annotations

import pytest

from chalicelib.store.keys import TenantContext
from chalicelib.store.models import QuotaItem
from chalicelib.tenancy.apply import apply_manifest
from chalicelib.tenancy.manifest import ManifestError
from chalicelib.usage.quotas import quota_use
from tests.functional.places import PLACES, post, register
from tests.functional.quota_support import new_user, onboard_with, stored_items, things
from tests.functional.vendor import device_body, provision
from tests.support import auth, load_manifest, manifest_text

ZZ = TenantContext("zhengzhou")
REGISTRATION = {"community_id": "jinghu", "building_id": "jinghu-g1-b1", "unit": 2, "room": "1203",
                "name": "张秀兰", "phone": "13912345678", "relation": "owner"}


def test_a_device_beyond_the_citys_quota_is_refused_naming_the_quota_and_nothing_is_written(client, aws):
    onboard_with(aws, "zhengzhou", devices=2)
    admin = aws.token_for("city_admin", "zhengzhou")
    for device_id in ("zz-smoke-0501", "zz-gas-b4"):
        assert register(client, admin, device_id, **PLACES[device_id]).status_code == 201
    before = stored_items()
    r = register(client, admin, "zz-noise-zd", **PLACES["zz-noise-zd"])
    assert r.status_code == 409
    assert r.json_body == {"code": "quota_exceeded", "message": "设备数已达上限 / device quota reached",
                           "field": "devices", "limit": 2, "used": 2}
    assert stored_items() == before
    assert client.http.get("/v1/devices/zz-noise-zd", headers=auth(admin)).status_code == 404
    assert quota_use(ZZ)["devices"] == {"limit": 2, "used": 2}


def test_a_vendor_device_beyond_the_quota_gets_no_thing_certificate_or_item(client, aws):
    onboard_with(aws, "zhengzhou", devices=1)
    vendor = aws.token_for("vendor", "zhengzhou")
    assert provision(client, vendor, "zz-v-1", "SN-V1", credentials="generate").status_code == 201
    before_items, before_things = stored_items(), things()
    r = provision(client, vendor, "zz-v-2", "SN-V2", credentials="generate")
    assert r.status_code == 409 and r.json_body["field"] == "devices" and r.json_body["code"] == "quota_exceeded"
    assert (r.json_body["limit"], r.json_body["used"]) == (1, 1)
    assert stored_items() == before_items and things() == before_things


def test_bulk_provisioning_creates_devices_up_to_the_quota_and_refuses_the_rest_whole(client, aws):
    onboard_with(aws, "zhengzhou", devices=2)
    vendor = aws.token_for("vendor", "zhengzhou")
    devices = [device_body(f"zz-b-{n}", f"SN-B{n}", credentials="generate") for n in range(4)]
    r = post(client, "/v1/vendor/devices/bulk", vendor, {"devices": devices})
    assert r.status_code == 207
    assert [i["status"] for i in r.json_body["items"]] == [201, 201, 409, 409]
    refused = r.json_body["items"][2]["error"]
    assert refused["code"] == "quota_exceeded" and refused["field"] == "devices[2].devices"
    assert things() == ["zhengzhou_zz-b-0", "zhengzhou_zz-b-1"]
    admin = auth(aws.token_for("city_admin", "zhengzhou"))
    assert client.http.get("/v1/devices/zz-b-2", headers=admin).status_code == 404
    assert quota_use(ZZ)["devices"]["used"] == 2


def test_a_failed_provisioning_gives_its_place_in_the_quota_back(client, aws):
    onboard_with(aws, "zhengzhou", devices=1)
    vendor = aws.token_for("vendor", "zhengzhou")
    bad = provision(client, vendor, "zz-v-1", "SN-V1", credentials="csr", csr="not a csr")
    assert bad.status_code == 400
    assert provision(client, vendor, "zz-v-1", "SN-V1", credentials="generate").status_code == 201


def test_devices_stored_before_the_counter_existed_are_counted_when_it_is_first_needed(client, aws):
    onboard_with(aws, "zhengzhou", devices=3)
    admin = aws.token_for("city_admin", "zhengzhou")
    for device_id in ("zz-smoke-0501", "zz-gas-b4"):
        assert register(client, admin, device_id, **PLACES[device_id]).status_code == 201
    QuotaItem(ZZ.quota_pk(), "devices").delete()  # as before quotas were enforced
    assert register(client, admin, "zz-noise-zd", **PLACES["zz-noise-zd"]).status_code == 201
    r = register(client, admin, "zz-bin-nyy", **PLACES["zz-bin-nyy"])
    assert r.status_code == 409 and (r.json_body["limit"], r.json_body["used"]) == (3, 3)


def test_a_resident_registration_beyond_the_quota_is_refused_until_a_place_is_given_back(client, aws):
    onboard_with(aws, "zhengzhou", residents=1)
    first = aws.token_for("resident", "zhengzhou")
    second = new_user(aws, "zz.second.resident", "zhengzhou", "resident")
    r = post(client, "/v1/me/registration", first, REGISTRATION)
    assert r.status_code == 201
    before = stored_items()
    refused = post(client, "/v1/me/registration", second, {**REGISTRATION, "room": "1204"})
    assert refused.status_code == 409
    assert refused.json_body == {"code": "quota_exceeded", "message": "居民登记数已达上限 / resident quota reached",
                                 "field": "residents", "limit": 1, "used": 1}
    assert stored_items() == before
    staff = aws.token_for("staff", "zhengzhou")
    rejected = post(client, f"/v1/residents/{r.json_body['resident_id']}/verification", staff,
                    {"decision": "reject", "reason": "not this building"})
    assert rejected.status_code == 200, rejected.body
    assert post(client, "/v1/me/registration", second, {**REGISTRATION, "room": "1204"}).status_code == 201
    assert quota_use(ZZ)["residents"] == {"limit": 1, "used": 1}


def test_a_manifest_with_more_staff_users_than_its_quota_is_refused_whole_before_writing(aws):
    m = load_manifest("zhengzhou")
    small = m.model_copy(update={"tier": m.tier.model_copy(update={
        "quotas": m.tier.quotas.model_copy(update={"staff_users": 2})})})
    before = stored_items()
    with pytest.raises(ManifestError) as refused:
        apply_manifest(small)
    assert refused.value.field == "tier.quotas.staff_users" and refused.value.status == 400
    assert "staff_users" in refused.value.message and f"{len(m.users)} staff users" in refused.value.message
    assert stored_items() == before


def test_the_onboarding_route_refuses_a_manifest_over_its_staff_quota_with_a_400_naming_it(client, aws):
    text = manifest_text("yinchuan").replace("staff_users: 1000", "staff_users: 3")
    r = client.http.post("/v1/platform/tenants", body=text.encode(), headers={
        **auth(aws.token_for("platform_admin", "platform")), "Content-Type": "application/yaml"})
    assert r.status_code == 400 and r.json_body["field"] == "tier.quotas.staff_users"
    assert r.json_body["errors"][0]["line"] == 14
    assert client.http.get("/v1/platform/tenants/yinchuan",
                           headers=auth(aws.token_for("platform_admin", "platform"))).status_code == 404
