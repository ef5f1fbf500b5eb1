"""Sorting points: a 郑州 household (in 经七路社区) with a bound card and a deposit credited, and goods in
stock at the directory sample's service point in 荆胡社区."""

from __future__ import annotations

import time
from typing import Any

from chalicelib.auth import users
from chalicelib.auth.roles import Role
from chalicelib.telemetry.handler import handle_event
from tests.functional.isolation import OTHER, Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

CARD, HOUSEHOLD = "88770001", "jingqilu-g1-b1-1-0501"
REDEEM = {"service_point_id": "-", "household_id": HOUSEHOLD, "items": [{"goods_id": "salt", "quantity": 1}]}


def _post(other: Other, path: str, token: str, payload: Any) -> Any:
    r = other.client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))
    assert r.status_code in (200, 201), r.body
    return r.json_body


def samples(other: Other) -> Samples:
    admin = other.token("city_admin")
    users.ensure_user(users.NewUser("zz.points.iso", OTHER, Role.RESIDENT))
    token = other.world.login("zz.points.iso")
    reg = _post(other, "/v1/me/registration", token, {"community_id": "jingqilu", "building_id": "jingqilu-g1-b1",
                                                       "unit": 1, "room": "0501", "name": "上官积分",
                                                       "phone": "13700003333", "relation": "owner"})
    _post(other, f"/v1/residents/{reg['resident_id']}/verification", admin, {"decision": "approve"})
    card = _post(other, "/v1/me/points/cards", token, {"card": CARD})
    _post(other, "/v1/devices", admin, {"device_id": "zz-sort-iso", "type": "sorting_bin", "serial": "SN-SORT-ISO",
                                        "community_id": "jingqilu", "spot": "隔离测试分类点"})
    now = int(time.time() * 1000)
    out = handle_event({"tenant": OTHER, "device": f"{OTHER}_zz-sort-iso", "received_at": now, "ts": now,
                        "deposit": {"id": "iso-1", "category": "recyclable", "weight": 1.7, "card": CARD}}, None)
    assert out == {"deposit": "credited"}, out
    stations = other.client.http.get("/v1/communities/jinghu/services", headers=auth(admin)).json_body["items"]
    station = stations[0]["service_point_id"]
    _post(other, f"/v1/points/stations/{station}/stock", admin, {"goods_id": "detergent", "add": 7})
    return Samples(
        params={"household_id": HOUSEHOLD, "credential_id": card["credential_id"]},
        bodies={("POST", "/v1/me/points/cards"): (JSON_HEADERS, jbody({"card": CARD})),
                ("POST", "/v1/points/households/{household_id}/cards"): (JSON_HEADERS, jbody({"card": "55660001"})),
                ("POST", "/v1/points/lookup"): (JSON_HEADERS, jbody({"card": CARD})),
                ("POST", "/v1/points/redemptions"): (JSON_HEADERS, jbody({**REDEEM, "service_point_id": station})),
                ("POST", "/v1/points/stations/{service_point_id}/stock"):
                    (JSON_HEADERS, jbody({"goods_id": "salt", "add": 3}))},
        markers=[card["credential_id"], "jingqilu-g1-b1-1-0501", "隔离测试分类点", "洗衣液"],
    )


def unchanged(other: Other) -> None:
    admin = auth(other.token("city_admin"))
    got = other.client.http.get(f"/v1/points/households/{HOUSEHOLD}", headers=admin).json_body
    assert (got["balance"], len(got["credentials"]), len(got["ledger"]["items"])) == (17, 1, 1)
    stations = other.client.http.get("/v1/communities/jinghu/services", headers=admin).json_body["items"]
    stock = other.client.http.get(f"/v1/points/stations/{stations[0]['service_point_id']}/stock",
                                  headers=admin).json_body
    assert {i["goods_id"]: i["quantity"] for i in stock["items"]} == {
        "salt": 0, "bin-bags": 0, "tissues": 0, "soap": 0, "detergent": 7}
