"""Open311 GeoReport v2, driven as a generic Open311 client would: form-encoded POST, ``.json``/``.xml``
suffixes, the city as ``jurisdiction_id``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from chalicelib.apikeys.models import ApiKeyIn
from chalicelib.apikeys.service import ApiKeyService
from tests.functional.test_requests import file, get, post
from tests.support import auth

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SPOT = {"service_code": "streetlight-fault", "lat": "34.7050", "long": "113.6300",
        "address_string": "荆胡街与人和路交叉口", "description": "路口路灯整晚不亮，老人晚上散步看不清",
        "media_url": "https://img.example.cn/lamp.jpg", "first_name": "建华", "last_name": "刘",
        "phone": "13700001111", "email": "liu.jianhua@example.cn"}


@pytest.fixture
def cities(aws):
    aws.onboard("zhengzhou")
    aws.onboard("yinchuan")
    return aws


def issue_key(aws, tenant):
    from chalicelib.auth.principal import Principal
    from chalicelib.auth.roles import Role

    admin = Principal("admin", f"{tenant[:2]}.admin", tenant, frozenset({Role.CITY_ADMIN}))
    return ApiKeyService(admin).create(ApiKeyIn(name="12345热线对接", scopes=["open311"])).api_key


def submit(client, fields, headers=None):
    return client.http.post("/open311/v2/requests.json", headers={**FORM, **(headers or {})},
                            body=urlencode(fields).encode())


def test_a_generic_client_files_a_request_and_staff_see_it_in_their_queue(client, cities):
    key = issue_key(cities, "zhengzhou")
    services = client.http.get("/open311/v2/services.json?jurisdiction_id=zhengzhou")
    assert services.status_code == 200
    lamp = next(s for s in services.json_body if s["service_code"] == "streetlight-fault")
    assert lamp == {"service_code": "streetlight-fault", "service_name": "路灯故障 / Streetlight Fault",
                    "description": lamp["description"], "metadata": False, "type": "realtime",
                    "keywords": lamp["keywords"], "group": "市政管理 / Municipal Works"}
    definition = client.http.get("/open311/v2/services/streetlight-fault.json?jurisdiction_id=zhengzhou")
    assert definition.json_body == {"service_code": "streetlight-fault", "attributes": []}

    r = submit(client, {"jurisdiction_id": "zhengzhou", "api_key": key, **SPOT})
    assert r.status_code == 201, r.body
    [created] = r.json_body
    rid = created["service_request_id"]
    assert created["account_id"] is None and "24 小时内响应" in created["service_notice"]

    [back] = client.http.get(f"/open311/v2/requests/{rid}.json?jurisdiction_id=zhengzhou").json_body
    assert back["status"] == "open" and back["service_code"] == "streetlight-fault"
    assert (back["lat"], back["long"], back["address"]) == (34.705, 113.63, "荆胡街与人和路交叉口")
    assert back["agency_responsible"] == "市政管理 / Municipal Works"
    assert back["requested_datetime"].endswith("+08:00") and back["expected_datetime"].endswith("+08:00")
    assert back["media_url"] == "https://img.example.cn/lamp.jpg"
    assert set(back) == {"service_request_id", "status", "status_notes", "service_name", "service_code",
                         "description", "agency_responsible", "service_notice", "requested_datetime",
                         "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
                         "long", "media_url"}
    assert "13700001111" not in str(back) and "刘" not in str(back)

    queue = get(client, "/v1/communities/jinghu/requests?state=submitted", cities.login("zz.wang.fang"))
    item = next(i for i in queue.json_body["items"] if i["request_id"] == rid)
    assert item["channel"] == "open311" and item["filed_by"] == "12345热线对接"
    assert "13700001111" not in queue.body.decode()
    listed = client.http.get("/open311/v2/requests.json?jurisdiction_id=zhengzhou&status=open").json_body
    assert [x["service_request_id"] for x in listed] == [rid]
    assert client.http.get("/open311/v2/requests.json?jurisdiction_id=zhengzhou&status=closed").json_body == []


def test_services_and_requests_also_come_as_xml(client, cities):
    xml = client.http.get("/open311/v2/services.xml?jurisdiction_id=zhengzhou")
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(xml.body)
    assert root.tag == "services" and root.find("service/service_code") is not None
    assert root.find("service/metadata").text == "false"
    missing = client.http.get("/open311/v2/requests/ZH-20200101-0001.xml?jurisdiction_id=zhengzhou")
    assert missing.status_code == 404
    err = ET.fromstring(missing.body)
    assert err.tag == "errors" and err.find("error/code").text == "404"
    assert err.find("error/description").text.startswith("service_request_id:")


def test_a_resident_files_with_their_id_token_and_follows_it_in_the_portal(client, cities):
    cities.seed("zhengzhou", "residents")
    token = cities.login("zz.wang.jianjun")
    r = submit(client, {"jurisdiction_id": "zhengzhou", **SPOT}, auth(token))
    assert r.status_code == 201, r.body
    rid = r.json_body[0]["service_request_id"]
    mine = get(client, "/v1/me/requests", token).json_body["items"]
    assert [(m["request_id"], m["channel"]) for m in mine] == [(rid, "open311")]


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"service_code": "dragon-sighting"}, 400, "service_code"),
    ({"lat": "", "long": ""}, 400, "lat"),
    ({"lat": "abc"}, 400, "lat"),
    ({"lat": "34.95", "long": "113.20"}, 400, "lat"),  # 30 km out of town
    ({"description": "灯"}, 400, "description"),
    ({"media_url": "ftp://x.example.cn/a.jpg"}, 400, "media_url"),
    ({"api_key": "cc_not-a-real-key-000000000000000000"}, 403, "api_key"),
    ({"jurisdiction_id": "atlantis"}, 404, "jurisdiction_id"),
    ({"jurisdiction_id": ""}, 400, "jurisdiction_id"),
])
def test_bad_posts_answer_in_the_open311_error_format_naming_the_field(client, cities, change, status, field):
    key = issue_key(cities, "zhengzhou")
    r = submit(client, {"jurisdiction_id": "zhengzhou", "api_key": key, **SPOT, **change})
    assert r.status_code == status, r.body
    [problem] = r.json_body
    assert problem["code"] == status and problem["description"].startswith(f"{field}:")


def test_unknown_resources_and_formats_are_404s(client, cities):
    for path in ("/open311/v2/services.csv", "/open311/v2/widgets.json", "/open311/v2/services/nope.json",
                 "/open311/v2/requests/not-an-id.json", "/open311/v2/things/x.json"):
        r = client.http.get(f"{path}?jurisdiction_id=zhengzhou")
        assert r.status_code == 404, path
        assert r.json_body[0]["code"] == 404
    assert client.http.get("/open311/v2/services.json").json_body[0]["description"].startswith("jurisdiction_id:")
    bad = client.http.get("/open311/v2/requests.json?jurisdiction_id=zhengzhou&start_date=yesterday")
    assert bad.status_code == 400 and bad.json_body[0]["description"].startswith("start_date:")


def test_another_city_cannot_file_read_or_list_through_open311(client, cities):
    zz_key, yc_key = issue_key(cities, "zhengzhou"), issue_key(cities, "yinchuan")
    rid = submit(client, {"jurisdiction_id": "zhengzhou", "api_key": zz_key, **SPOT}).json_body[0][
        "service_request_id"]
    wrong = submit(client, {"jurisdiction_id": "zhengzhou", "api_key": yc_key, **SPOT})
    assert wrong.status_code == 403 and wrong.json_body[0]["description"].startswith("api_key:")
    token = cities.token_for("city_admin", "yinchuan")
    foreign = submit(client, {"jurisdiction_id": "zhengzhou", **SPOT}, auth(token))
    assert foreign.status_code == 403
    nothing = submit(client, {"jurisdiction_id": "zhengzhou", **SPOT})
    assert nothing.status_code == 403 and nothing.json_body[0]["description"].startswith("api_key:")
    # the request is 郑州's: 银川 as jurisdiction does not know it, and lists nothing of it
    assert client.http.get(f"/open311/v2/requests/{rid}.json?jurisdiction_id=yinchuan").status_code == 404
    assert client.http.get(f"/open311/v2/requests.json?jurisdiction_id=yinchuan&service_request_id={rid}"
                           ).json_body == []
    assert client.http.get("/open311/v2/requests.json?jurisdiction_id=yinchuan").json_body == []
    # a 郑州 point filed into 银川 with 银川's key is outside that city
    out = submit(client, {"jurisdiction_id": "yinchuan", "api_key": yc_key, **SPOT})
    assert out.status_code == 400 and out.json_body[0]["description"].startswith("lat:")
    assert get(client, f"/v1/requests/{rid}", token).status_code == 404


def test_a_resolved_request_shows_closed_with_the_staff_note(client, cities):
    cities.seed("zhengzhou", "residents")
    rid = file(client, cities.login("zz.zhang.guilan"))["request_id"]
    grid = cities.login("zz.wang.fang")
    post(client, f"/v1/requests/{rid}/accept", grid, {})
    post(client, f"/v1/requests/{rid}/resolve", grid, {"note": "已更换阀芯"})
    [shown] = client.http.get(f"/open311/v2/requests.json?jurisdiction_id=zhengzhou&service_request_id={rid}"
                              ).json_body
    assert (shown["status"], shown["status_notes"], shown["address_id"]) == ("closed", "已更换阀芯", None)
    assert shown["address"] == "郑州市二七区人和路街道荆胡街荆胡社区党群服务中心"  # a home shows as its community
