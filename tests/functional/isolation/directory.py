"""Nearby services directory: a 郑州 service point in 荆胡社区."""

from __future__ import annotations

from tests.functional.isolation import Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

NAME = {"zh": "荆胡隔离测试便利店", "en": "Isolation Test Store"}
POINT = {"category": "supermarket", "name": NAME, "address": "荆胡街隔离测试路1号",
         "location": {"lat": 34.7045, "lng": 113.6290}, "opening_hours": {"mon-sun": "07:00-22:00"},
         "phone": "0371-67180001", "tags": ["便民"], "elderly_friendly": True}
POINTS = "/v1/communities/{community_id}/services"


def samples(other: Other) -> Samples:
    r = other.client.http.post("/v1/communities/jinghu/services",
                               headers={**auth(other.token("city_admin")), **JSON_HEADERS}, body=jbody(POINT))
    assert r.status_code == 201, r.body
    point_id = r.json_body["service_point_id"]
    changed = {**POINT, "name": {"zh": "被改名的便利店", "en": "Renamed"}}
    return Samples(
        params={"service_point_id": point_id},
        bodies={("POST", POINTS): (JSON_HEADERS, jbody(POINT)),
                ("PUT", POINTS + "/{service_point_id}"): (JSON_HEADERS, jbody(changed))},
        markers=[point_id, NAME["zh"], "隔离测试路"],
    )


def unchanged(other: Other) -> None:
    admin = auth(other.token("city_admin"))
    items = other.client.http.get("/v1/communities/jinghu/services", headers=admin).json_body["items"]
    assert [(p["name"], p["status"], p["updated_by"]) for p in items] == [(NAME, "active", "zz.admin")]
