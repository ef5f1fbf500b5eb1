"""接诉即办: residents, family and staff file requests; they are routed by category and place,
handled through their states by staff, and followed by the residents they concern."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.auth import users
from tests.support import JSON_HEADERS, auth, jbody

HOME = {"household": True}
LEAK = {"category": "water-electric-repair", "description": "厨房水龙头一直滴水，关不紧", "location": HOME}


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    return aws


def post(client, path, token, payload):
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def get(client, path, token):
    return client.http.get(path, headers=auth(token))


def file(client, token, **changes):
    r = post(client, "/v1/requests", token, {**LEAK, **changes})
    assert r.status_code == 201, r.body
    return r.json_body


def test_a_resident_files_from_home_and_it_reaches_the_department_and_the_grid(client, city):
    guilan = city.login("zz.zhang.guilan")
    req = file(client, guilan, photos=["https://img.example.cn/leak-1.jpg"])
    assert req["request_id"].startswith("ZH-") and len(req["request_id"]) == len("ZH-20261126-0001")
    assert (req["state"], req["department"], req["category_name"]["zh"]) == ("submitted", "property", "水电维修")
    assert req["location"]["community_id"] == "jinghu" and req["location"]["grid_id"] == "jinghu-g1"
    assert req["location"]["household_id"] == "jinghu-g1-b1-1-302"
    assert req["channel"] == "resident" and req["filed_by"] == "张*兰" and req["overdue"] is False
    assert req["timeline"][0]["action"] == "file" and req["timeline"][0]["by"] == "张*兰"
    # 4 h to respond, 48 h to resolve (the category's SLA)
    filed = datetime.fromisoformat(req["created_at"])
    assert (datetime.fromisoformat(req["due_respond_at"]) - filed).total_seconds() == 4 * 3600
    assert (datetime.fromisoformat(req["due_resolve_at"]) - filed).total_seconds() == 48 * 3600

    rid = req["request_id"]
    grid_staff, property_staff = city.login("zz.wang.fang"), city.login("zz.zhao.wuye")
    queue = get(client, "/v1/communities/jinghu/requests?state=submitted", grid_staff).json_body["items"]
    assert [q["request_id"] for q in queue] == [rid]
    dept = get(client, "/v1/departments/property/requests", property_staff).json_body["items"]
    assert [q["request_id"] for q in dept] == [rid]
    mine = get(client, "/v1/me/requests", guilan).json_body["items"]
    assert [m["request_id"] for m in mine] == [rid]
    assert get(client, f"/v1/requests/{rid}", city.login("zz.admin")).status_code == 200


def test_requests_are_numbered_one_after_another_within_a_day(client, city):
    guilan = city.login("zz.zhang.guilan")
    first, second = file(client, guilan)["request_id"], file(client, guilan)["request_id"]
    assert first[:-4] == second[:-4] and int(second[-4:]) == int(first[-4:]) + 1


@pytest.mark.parametrize(("change", "field"), [
    ({"category": "dragon-sighting"}, "category"),
    ({"description": "漏水"}, "description"),
    ({"photos": ["http://img.example.cn/a.jpg"]}, "photos[0]"),
    ({"photos": [f"https://img.example.cn/{n}.jpg" for n in range(7)]}, "photos"),
    ({"location": {"point": {"lat": 34.70, "lng": 113.63}}}, "location.address"),
    ({"location": {"household": True, "community_id": "jinghu"}}, "location"),
    ({"location": {"building_id": "no-such-building"}}, "location.building_id"),
    ({"location": {"community_id": "aolinpike"}}, "location.community_id"),
    ({"location": {"point": {"lat": 34.9, "lng": 113.2}, "address": "郑州西北郊"}}, "location.point"),
    ({"on_behalf_of": "not-a-resident"}, "on_behalf_of"),
    ({"priority": "high"}, "priority"),
])
def test_bad_requests_are_refused_naming_the_field(client, city, change, field):
    r = post(client, "/v1/requests", city.login("zz.zhang.guilan"), {**LEAK, **change})
    assert r.status_code in (400, 404), r.body
    assert r.json_body["field"] == field
    assert get(client, "/v1/me/requests", city.login("zz.zhang.guilan")).json_body["items"] == []


def test_a_point_is_matched_to_the_nearest_community_within_the_city(client, city):
    spot = {"point": {"lat": 34.7050, "lng": 113.6300}, "address": "荆胡街与人和路交叉口东北角"}
    req = file(client, city.login("zz.wang.jianjun"), category="streetlight-fault",
               description="路口两盏路灯晚上不亮，行人过马路看不清", location=spot)
    loc = req["location"]
    assert (loc["kind"], loc["community_id"], req["department"]) == ("point", "jinghu", "municipal")
    assert 0.1 < loc["distance_km"] < 0.3 and loc.get("grid_id") is None
    staff = city.login("zz.li.jianguo")  # a grid worker of 荆胡 who does not own that grid still sees it
    assert get(client, f"/v1/requests/{req['request_id']}", staff).status_code == 200


def test_family_file_for_a_member_of_their_household_but_not_for_another_one(client, city):
    son, mother = city.login("zz.wu.dawei"), city.login("zz.wu.xiuying")
    mother_id = uid("zz.wu.xiuying")
    req = file(client, son, on_behalf_of=mother_id, description="母亲家卫生间插座没电，麻烦上门看看")
    assert req["channel"] == "proxy" and req["on_behalf_of"] == "吴*英" and req["filed_by"] == "吴*伟"
    assert [m["request_id"] for m in get(client, "/v1/me/requests", mother).json_body["items"]] == [req["request_id"]]
    stranger = post(client, "/v1/requests", city.login("zz.chen.yu"), {**LEAK, "on_behalf_of": mother_id})
    assert stranger.status_code == 403 and stranger.json_body["field"] == "on_behalf_of"


def test_a_daughter_linked_as_family_files_for_her_mother_in_another_building(client, city):
    city.seed("zhengzhou", "care")  # 李娜 is the active family contact of 张桂兰 (tenants/demo/zhengzhou/care.yaml)
    daughter, mother_id = city.login("zz.li.na"), uid("zz.zhang.guilan")
    req = file(client, daughter, on_behalf_of=mother_id, description="母亲家暖气不热，老人怕冷，请尽快上门")
    assert req["channel"] == "proxy" and req["on_behalf_of"] == "张*兰" and req["filed_by"] == "李*"
    assert req["location"]["building_id"] == "jinghu-g1-b1"  # her mother's home, not her own
    mine = get(client, "/v1/me/requests", city.login("zz.zhang.guilan")).json_body["items"]
    assert [m["request_id"] for m in mine] == [req["request_id"]]


def test_staff_file_for_a_caller_and_only_in_their_communities(client, city):
    guilan_id = uid("zz.zhang.guilan")
    call = {**LEAK, "on_behalf_of": guilan_id, "description": "张阿姨来电：家里电闸跳了合不上"}
    r = post(client, "/v1/requests", city.login("zz.wang.fang"), call)
    assert r.status_code == 201, r.body
    assert (r.json_body["channel"], r.json_body["filed_by"], r.json_body["on_behalf_of"]) == (
        "staff", "zz.wang.fang", "张*兰")
    mine = get(client, "/v1/me/requests", city.login("zz.zhang.guilan")).json_body["items"]
    assert [m["request_id"] for m in mine] == [r.json_body["request_id"]]
    outside = post(client, "/v1/requests", city.login("zz.zhang.lei"), call)  # serves 郑大 only
    assert outside.status_code == 403 and outside.json_body["field"] == "location"
    nobody = post(client, "/v1/requests", city.login("zz.wang.fang"), LEAK)
    assert nobody.status_code == 400 and nobody.json_body["field"] == "location.household"


def uid(username):
    info = users.lookup(username)
    assert info is not None
    return info.user_id
