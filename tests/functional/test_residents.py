"""A resident registers into a household of a community; staff of that community verify it."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.config import get_settings
from tests.support import JSON_HEADERS, auth, jbody

GOOD = {"community_id": "jinghu", "building_id": "jinghu-g1-b1", "unit": 2, "room": "1203",
        "name": "张秀兰", "phone": "13912345678", "relation": "owner"}


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    return aws


def _post(client, path, token, payload):
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def test_registration_is_pending_until_staff_of_the_community_approve_it(client, city):
    resident, staff = city.token_for("resident", "zhengzhou"), city.token_for("staff", "zhengzhou")
    r = _post(client, "/v1/me/registration", resident, GOOD)
    assert r.status_code == 201, r.body
    assert r.json_body["status"] == "pending"
    assert r.json_body["household_id"] == "jinghu-g1-b1-2-1203"
    me = client.http.get("/v1/me", headers=auth(resident)).json_body["registration"]
    assert (me["status"], me["name"], me["phone"]) == ("pending", "张*兰", "139****5678")
    own = client.http.get("/v1/me/registration", headers=auth(resident)).json_body
    assert (own["name"], own["phone"]) == ("张秀兰", "13912345678")  # her own, as she gave them

    queue = client.http.get("/v1/communities/jinghu/registrations", headers=auth(staff)).json_body["items"]
    assert [q["resident_id"] for q in queue] == [r.json_body["resident_id"]]
    assert queue[0]["phone"] == "139****5678" and queue[0]["name"] == "张*兰"

    v = _post(client, f"/v1/residents/{r.json_body['resident_id']}/verification", staff, {"decision": "approve"})
    assert v.status_code == 200, v.body
    assert v.json_body["status"] == "verified" and v.json_body["decided_by"] == "zz.wang.fang"
    assert client.http.get("/v1/me", headers=auth(resident)).json_body["registration"]["status"] == "verified"
    assert client.http.get("/v1/communities/jinghu/registrations", headers=auth(staff)).json_body["items"] == []
    verified = client.http.get("/v1/communities/jinghu/registrations?status=verified", headers=auth(staff))
    assert len(verified.json_body["items"]) == 1


def test_a_registration_is_decided_only_once(client, city):
    r = _post(client, "/v1/me/registration", city.token_for("resident", "zhengzhou"), GOOD)
    path = f"/v1/residents/{r.json_body['resident_id']}/verification"
    staff = city.token_for("staff", "zhengzhou")
    assert _post(client, path, staff, {"decision": "approve"}).status_code == 200
    again = _post(client, path, staff, {"decision": "reject", "reason": "重复"})
    assert again.status_code == 409


def test_rejection_needs_a_reason_and_lets_the_resident_correct_and_resubmit(client, city):
    resident, admin = city.token_for("resident", "zhengzhou"), city.token_for("city_admin", "zhengzhou")
    rid = _post(client, "/v1/me/registration", resident, GOOD).json_body["resident_id"]
    path = f"/v1/residents/{rid}/verification"
    no_reason = _post(client, path, admin, {"decision": "reject"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json_body["message"]
    rejected = _post(client, path, admin, {"decision": "reject", "reason": "门牌号与房产登记不符"})
    assert rejected.json_body["status"] == "rejected"
    assert _post(client, "/v1/me/registration", resident, {**GOOD, "room": "1204"}).status_code == 201


def test_a_second_registration_while_pending_is_a_conflict(client, city):
    resident = city.token_for("resident", "zhengzhou")
    assert _post(client, "/v1/me/registration", resident, GOOD).status_code == 201
    r = _post(client, "/v1/me/registration", resident, {**GOOD, "room": "0101"})
    assert r.status_code == 409


def test_staff_cannot_see_or_decide_registrations_outside_their_communities(client, city):
    rid = _post(client, "/v1/me/registration", city.token_for("resident", "zhengzhou"),
                {**GOOD, "community_id": "zhengda", "building_id": _first_building(city, "zhengda")}).json_body[
        "resident_id"]
    staff = city.token_for("staff", "zhengzhou")  # serves jinghu only
    assert client.http.get("/v1/communities/zhengda/registrations", headers=auth(staff)).status_code == 403
    assert _post(client, f"/v1/residents/{rid}/verification", staff, {"decision": "approve"}).status_code == 403
    # The city admin acts city-wide.
    admin = city.token_for("city_admin", "zhengzhou")
    assert _post(client, f"/v1/residents/{rid}/verification", admin, {"decision": "approve"}).status_code == 200


def _first_building(world, community_id: str) -> str:
    m = world.manifests["zhengzhou"]
    c = next(c for d in m.hierarchy.districts for s in d.streets for c in s.communities if c.id == community_id)
    return c.grids[0].buildings[0].id


@pytest.mark.parametrize(("change", "field", "status"), [
    ({"phone": "12345"}, "phone", 400),
    ({"phone": None}, "phone", 400),
    ({"unit": 0}, "unit", 400),
    ({"unit": 9}, "unit", 400),  # the building has 2 units
    ({"room": "12a"}, "room", 400),
    ({"relation": "landlord"}, "relation", 400),
    ({"name": ""}, "name", 400),
    ({"surprise": 1}, "surprise", 400),
    ({"building_id": "zhengda-g1-b1"}, "building_id", 400),  # exists, but in another community
    ({"community_id": "no-such-place"}, "community_id", 404),
])
def test_bad_registration_input_is_refused_naming_the_field(client, city, change, field, status):
    payload = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    r = _post(client, "/v1/me/registration", city.token_for("resident", "zhengzhou"), payload)
    assert r.status_code == status, r.body
    assert r.json_body["field"] == field


def test_malformed_json_is_a_400_naming_the_body(client, city):
    r = client.http.post("/v1/me/registration", headers={**auth(city.token_for("resident", "zhengzhou")),
                                                         **JSON_HEADERS}, body=b"{not json")
    assert r.status_code == 400 and r.json_body["field"] == "body"


def test_unknown_status_filter_is_a_400(client, city):
    r = client.http.get("/v1/communities/jinghu/registrations?status=maybe",
                        headers=auth(city.token_for("staff", "zhengzhou")))
    assert r.status_code == 400 and r.json_body["field"] == "status"


def test_phone_and_name_are_stored_encrypted(client, city):
    _post(client, "/v1/me/registration", city.token_for("resident", "zhengzhou"), GOOD)
    s = get_settings()
    raw = boto3.client("dynamodb", region_name=s.region).scan(TableName=s.table_name)["Items"]
    dump = repr(raw)
    assert "13912345678" not in dump and "张秀兰" not in dump
    assert "139****5678" in dump


def test_residents_cannot_verify(client, city):
    resident = city.token_for("resident", "zhengzhou")
    rid = _post(client, "/v1/me/registration", resident, GOOD).json_body["resident_id"]
    assert _post(client, f"/v1/residents/{rid}/verification", resident, {"decision": "approve"}).status_code == 403


def test_the_queue_is_paged_oldest_first_without_gaps_or_repeats(client, city):
    from chalicelib.auth import users
    from chalicelib.auth.roles import Role

    submitted = []
    for n in range(5):
        name = f"jinghu.resident{n}"
        users.ensure_user(users.NewUser(name, "zhengzhou", Role.RESIDENT, password="Testing2026x"))
        r = _post(client, "/v1/me/registration", city.login(name), {**GOOD, "room": f"{n + 1}01"})
        submitted.append(r.json_body["resident_id"])
    staff, seen, cursor = auth(city.token_for("staff", "zhengzhou")), [], None
    for _ in range(5):
        page = client.http.get("/v1/communities/jinghu/registrations?limit=2" + (f"&cursor={cursor}" if cursor else ""),
                               headers=staff).json_body
        seen += [i["resident_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == submitted


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("limit=500", "limit"), ("cursor=%%%", "cursor"),
                                              ("sort=asc", "sort")])
def test_bad_queue_parameters_are_400_naming_them(client, city, query, field):
    r = client.http.get(f"/v1/communities/jinghu/registrations?{query}",
                        headers=auth(city.token_for("staff", "zhengzhou")))
    assert r.status_code == 400, r.body
    assert r.json_body["field"] == field


def test_staff_see_their_name_department_communities_and_grids_in_me(client, city):
    me = client.http.get("/v1/me", headers=auth(city.login("zz.wang.fang"))).json_body
    assert (me["name"], me["department"], me["communities"], me["grids"]) == (
        "王芳", "community-service", ["jinghu"], ["jinghu-g1"])
    admin = client.http.get("/v1/me", headers=auth(city.login("zz.admin"))).json_body
    assert admin["name"] and "communities" not in admin  # the whole city
