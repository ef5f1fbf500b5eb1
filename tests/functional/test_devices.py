"""Vendors and staff register devices at a place of their city; staff read them in their communities."""

from __future__ import annotations

import pytest

from chalicelib.devices.models import Device
from chalicelib.devices.repository import DeviceRepository
from tests.functional.places import CITY, HOUSEHOLD, PLACES, register
from tests.support import auth


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    return aws


def test_staff_register_a_device_in_a_household_and_its_path_is_computed(client, city):
    staff = city.token_for("staff", "zhengzhou")
    r = register(client, staff, "zz-smoke-0501", type="smoke", community_id="jinghu", household_id=HOUSEHOLD,
                 name="厨房烟感", care_subject=True)
    assert r.status_code == 201, r.body
    d = r.json_body
    assert d["path"] == ["erqi", "renhelu", "jinghu", "jinghu-g1", "jinghu-g1-b1", HOUSEHOLD]
    assert (d["grid_id"], d["building_id"], d["care_subject"]) == ("jinghu-g1", "jinghu-g1-b1", True)
    assert d["registered_by"] == "zz.wang.fang"
    got = client.http.get("/v1/devices/zz-smoke-0501", headers=auth(staff))
    assert got.status_code == 200 and got.json_body == d


def test_a_vendor_registers_a_public_spot_device_at_community_level(client, city):
    r = register(client, city.token_for("vendor", "zhengzhou"), "zz-manhole-gate", **PLACES["zz-manhole-gate"])
    assert r.status_code == 201, r.body
    assert r.json_body["path"] == ["erqi", "renhelu", "jinghu"] and r.json_body["grid_id"] is None


def test_a_device_id_is_registered_only_once_in_a_city(client, city):
    admin = city.token_for("city_admin", "zhengzhou")
    assert register(client, admin, "zz-gas-b4", **PLACES["zz-gas-b4"]).status_code == 201
    again = register(client, admin, "zz-gas-b4", type="smoke", community_id="zhengda")
    assert again.status_code == 409 and again.json_body["field"] == "device_id"


@pytest.mark.parametrize(("change", "field", "status"), [
    ({"grid_id": "zhengda-g1"}, "grid_id", 400),  # exists, in another community
    ({"grid_id": "no-such-grid"}, "grid_id", 400),
    ({"grid_id": "jinghu-g2", "building_id": "jinghu-g1-b1"}, "building_id", 400),  # building of another grid
    ({"building_id": "zhengda-g1-b1"}, "building_id", 400),
    ({"household_id": "zhengda-g1-b1-1-0101"}, "household_id", 400),
    ({"building_id": "jinghu-g1-b2", "household_id": HOUSEHOLD}, "household_id", 400),
    ({"household_id": "jinghu-g1-b1-7-0101"}, "household_id", 400),  # the building has 2 units
    ({"household_id": HOUSEHOLD, "spot": "北门"}, "spot", 400),
    ({"community_id": "no-such-place"}, "community_id", 404),
    ({"type": "toaster"}, "type", 400),
    ({"device_id": "a#b"}, "device_id", 400),
    ({"device_id": "ab"}, "device_id", 400),
    ({"serial": ""}, "serial", 400),
    ({"care_subject": "maybe"}, "care_subject", 400),
    ({"owner": "me"}, "owner", 400),
])
def test_bad_device_input_is_refused_naming_the_field(client, city, change, field, status):
    payload = {"type": "smoke", "community_id": "jinghu", **change}
    r = register(client, city.token_for("city_admin", "zhengzhou"), change.get("device_id", "zz-dev-1"),
                 **{k: v for k, v in payload.items() if k != "device_id"})
    assert r.status_code == status, r.body
    assert r.json_body["field"] == field


def test_staff_cannot_register_or_read_devices_outside_their_communities(client, city):
    staff = city.token_for("staff", "zhengzhou")  # serves jinghu only
    r = register(client, staff, "zz-noise-zd", **PLACES["zz-noise-zd"])
    assert r.status_code == 403 and r.json_body["field"] == "community_id"
    assert register(client, city.token_for("vendor", "zhengzhou"), "zz-noise-zd",
                    **PLACES["zz-noise-zd"]).status_code == 201
    assert client.http.get("/v1/devices/zz-noise-zd", headers=auth(staff)).status_code == 403
    assert client.http.get("/v1/communities/zhengda/devices", headers=auth(staff)).status_code == 403


def test_residents_cannot_register_or_read_devices(client, city):
    resident = city.token_for("resident", "zhengzhou")
    assert register(client, resident, "zz-smoke-0501", **PLACES["zz-smoke-0501"]).status_code == 403
    assert client.http.get("/v1/devices/zz-smoke-0501", headers=auth(resident)).status_code == 403


def test_an_unknown_or_malformed_device_id_is_a_404(client, city):
    admin = auth(city.token_for("city_admin", "zhengzhou"))
    assert client.http.get("/v1/devices/zz-none", headers=admin).status_code == 404
    assert client.http.get("/v1/devices/a%23b", headers=admin).status_code == 404


def test_a_communitys_devices_are_listed_in_place_order_a_page_at_a_time(client, city):
    admin = city.token_for("city_admin", "zhengzhou")
    for n in range(5):
        assert register(client, admin, f"zz-door-{n}", type="door", community_id="jinghu",
                        household_id=f"jinghu-g1-b1-1-0{n + 1}01").status_code == 201
    register(client, admin, "zz-noise-zd", **PLACES["zz-noise-zd"])
    seen, cursor = [], None
    for _ in range(5):
        page = client.http.get("/v1/communities/jinghu/devices?limit=2" + (f"&cursor={cursor}" if cursor else ""),
                               headers=auth(admin)).json_body
        seen += [d["device_id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"zz-door-{n}" for n in range(5)]
    bad = client.http.get("/v1/communities/jinghu/devices?limit=0", headers=auth(admin))
    assert bad.status_code == 400 and bad.json_body["field"] == "limit"


def test_the_telemetry_side_reads_many_devices_in_batches_and_skips_unknown_ones(client, city):
    repo = DeviceRepository(CITY)
    stored = Device(device_id="zz-x-000", type="door", serial="s", community_id="jinghu",
                    path=["erqi", "renhelu", "jinghu"], registered_at="2026-03-02T08:00:00Z", registered_by="test")
    for n in range(130):  # more than one BatchGetItem holds
        repo.put(stored.model_copy(update={"device_id": f"zz-x-{n:03d}"}))
    found = repo.get_many([f"zz-x-{n:03d}" for n in range(130)] + ["zz-unknown", "bad#id", "zz-x-001"])
    assert sorted(found) == [f"zz-x-{n:03d}" for n in range(130)]
    assert found["zz-x-007"].community_id == "jinghu"
