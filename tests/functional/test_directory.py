"""Nearby services directory: staff keep a community's service points; the city's users read them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import JSON_HEADERS, auth, jbody

JINGHU = (34.7036, 113.6288)  # 荆胡社区 (tenants/zhengzhou.yaml)
POINTS = "/v1/communities/jinghu/services"


def point(**changes: Any) -> dict[str, Any]:
    """A valid service point near 荆胡社区; ``changes`` replace its fields."""
    body: dict[str, Any] = {
        "category": "canteen", "name": {"zh": "荆胡社区长者食堂", "en": "Jinghu Seniors' Canteen"},
        "address": "荆胡街荆胡社区党群服务中心一楼", "location": {"lat": JINGHU[0] + 0.0009, "lng": JINGHU[1]},
        "opening_hours": {"mon-fri": "10:30-13:00,16:30-18:30", "sat-sun": "11:00-13:00"},
        "phone": "0371-67181234", "tags": ["助老", "助餐"], "elderly_friendly": True}
    body.update(changes)
    return body


def create(client: Any, token: str, body: dict[str, Any], community: str = "jinghu") -> Any:
    return client.http.post(f"/v1/communities/{community}/services", headers={**auth(token), **JSON_HEADERS},
                            body=jbody(body))


def put(client: Any, token: str, service_point_id: str, body: dict[str, Any]) -> Any:
    return client.http.put(f"{POINTS}/{service_point_id}", headers={**auth(token), **JSON_HEADERS},
                           body=jbody(body))


@pytest.fixture
def city(aws: Any) -> Any:
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    return aws


def test_grid_staff_add_a_point_that_residents_of_the_community_then_find_in_its_directory(city, client):
    r = create(client, city.login("zz.wang.fang"), point())
    assert r.status_code == 201, r.body
    created = r.json_body
    assert created["service_point_id"].startswith("sp-") and created["status"] == "active"
    assert created["created_by"] == "zz.wang.fang" and created["phone"] == "0371-67181234"
    create(client, city.login("zz.admin"), point(category="clinic", name={"zh": "荆胡社区卫生服务站", "en": "Clinic"}))
    resident = auth(city.login("zz.zhang.guilan"))
    listed = client.http.get(POINTS, headers=resident).json_body["items"]
    assert [p["category"] for p in listed] == ["canteen", "clinic"]
    canteens = client.http.get(f"{POINTS}?category=canteen", headers=resident).json_body["items"]
    assert [p["name"]["zh"] for p in canteens] == ["荆胡社区长者食堂"]
    one = client.http.get(f"{POINTS}/{created['service_point_id']}", headers=resident)
    assert one.status_code == 200 and one.json_body["opening_hours"]["sat-sun"] == "11:00-13:00"


def test_the_directory_pages_with_a_cursor(city, client):
    token = city.login("zz.wang.fang")
    for n in range(3):
        assert create(client, token, point(name={"zh": f"垃圾分类投放点{n}", "en": f"Sorting point {n}"},
                                           category="garbage_point")).status_code == 201
    first = client.http.get(f"{POINTS}?limit=2", headers=auth(token)).json_body
    second = client.http.get(f"{POINTS}?limit=2&cursor={first['next_cursor']}", headers=auth(token)).json_body
    names = [p["name"]["zh"] for p in first["items"] + second["items"]]
    assert sorted(names) == ["垃圾分类投放点0", "垃圾分类投放点1", "垃圾分类投放点2"]
    bad = client.http.get(f"{POINTS}?cursor=not-a-cursor", headers=auth(token))
    assert bad.status_code == 400 and bad.json_body["field"] == "cursor"


def test_staff_update_a_point_and_retire_it_and_a_retired_point_leaves_the_directory(city, client):
    token = city.login("zz.li.jianguo")
    sp = create(client, token, point()).json_body["service_point_id"]
    r = put(client, token, sp, point(name={"zh": "荆胡社区食堂", "en": "Jinghu Community Canteen"}, tags=[]))
    assert r.status_code == 200 and r.json_body["name"]["zh"] == "荆胡社区食堂" and r.json_body["tags"] == []
    assert r.json_body["updated_by"] == "zz.li.jianguo" and r.json_body["created_by"] == "zz.li.jianguo"
    r = client.http.delete(f"{POINTS}/{sp}", headers=auth(token))
    assert r.status_code == 200 and r.json_body["status"] == "retired"
    assert client.http.get(POINTS, headers=auth(token)).json_body["items"] == []
    assert client.http.get(f"{POINTS}/{sp}", headers=auth(token)).json_body["status"] == "retired"
    again = put(client, token, sp, point())
    assert again.status_code == 409 and again.json_body["field"] == "service_point_id"
    assert client.http.delete(f"{POINTS}/{sp}", headers=auth(token)).status_code == 409


def test_staff_of_another_community_may_not_change_this_ones_directory(city, client):
    own = create(client, city.login("zz.wang.fang"), point()).json_body["service_point_id"]
    outsider = city.login("zz.zhang.lei")  # 郑大社区
    for r in (create(client, outsider, point()), put(client, outsider, own, point()),
              client.http.delete(f"{POINTS}/{own}", headers=auth(outsider))):
        assert r.status_code == 403 and r.json_body["field"] == "community_id"
    assert client.http.get(f"{POINTS}/{own}", headers=auth(outsider)).status_code == 200  # reading is fine


def test_residents_read_only_their_own_communitys_directory(city, client):
    create(client, city.login("zz.wang.fang"), point())
    r = client.http.get(POINTS, headers=auth(city.login("zz.ma.lan")))  # 郑大社区
    assert r.status_code == 403 and r.json_body["field"] == "community_id"
    r = client.http.get(POINTS, headers=auth(city.token_for("resident")))  # not registered
    assert r.status_code == 404 and r.json_body["field"] == "registration"
    r = create(client, city.login("zz.zhang.guilan"), point())
    assert r.status_code == 403


def test_a_point_is_addressed_only_through_its_own_community(city, client):
    sp = create(client, city.login("zz.admin"), point()).json_body["service_point_id"]
    r = client.http.get(f"/v1/communities/zhengda/services/{sp}", headers=auth(city.login("zz.admin")))
    assert r.status_code == 404 and r.json_body["field"] == "service_point_id"
    for unknown in ("sp-0000000000", "nope", "sp-%23x"):
        r = client.http.get(f"{POINTS}/{unknown}", headers=auth(city.login("zz.admin")))
        assert r.status_code == 404 and r.json_body["field"] == "service_point_id"
    r = create(client, city.login("zz.admin"), point(), community="nowhere")
    assert r.status_code == 404 and r.json_body["field"] == "community_id"


@pytest.mark.parametrize(("changes", "field"), [
    ({"category": "casino"}, "category"),
    ({"opening_hours": {"mon-fri": "25:00-26:00"}}, "opening_hours.mon-fri"),
    ({"opening_hours": {"mon-fri": "19:00-07:00"}}, "opening_hours.mon-fri"),
    ({"opening_hours": {"mon-fri": "08:00-12:00,11:00-14:00"}}, "opening_hours.mon-fri"),
    ({"opening_hours": {"mon-fri": "7:00-19:00"}}, "opening_hours.mon-fri"),
    ({"opening_hours": {"monday": "07:00-19:00"}}, "opening_hours.monday.[key]"),
    ({"opening_hours": {"mon-fri": "07:00-19:00", "fri-sun": "08:00-12:00"}}, "opening_hours"),
    ({"opening_hours": {"sun-mon": "07:00-19:00"}}, "opening_hours"),
    ({"opening_hours": {}}, "opening_hours"),
    ({"location": {"lat": 51.5, "lng": -0.12}}, "location.lng"),
    ({"location": {"lat": 34.7036}}, "location.lng"),
    ({"location": {"lat": 34.80, "lng": 113.6288}}, "location"),  # 11 km north: not this community's circle
    ({"phone": "call us"}, "phone"),
    ({"tags": ["助老", "助老"]}, "tags"),
    ({"name": {"zh": "食堂"}}, "name.en"),
    ({"owner": "someone"}, "owner"),
])
def test_bad_points_are_refused_naming_the_field(city, client, changes, field):
    r = create(client, city.login("zz.wang.fang"), point(**changes))
    assert r.status_code == 400, r.body
    assert r.json_body["field"] == field
