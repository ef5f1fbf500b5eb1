"""Notices and emergency broadcasts: a 郑州 broadcast with one verified household that read it."""

from __future__ import annotations

from chalicelib.auth import users
from chalicelib.auth.roles import Role
from tests.functional.isolation import OTHER, Other, Samples
from tests.support import JSON_HEADERS, PASSWORD, auth, jbody

TITLE = "荆胡社区隔离测试暴雨预警"
HOUSEHOLD = "jinghu-g2-b4-1-0702"
# Households the broadcast reached (other modules verify households in 荆胡 too).
_REACHED: dict[str, int] = {}


def _post(other: Other, path: str, token: str, payload: dict[str, object]) -> dict[str, object]:
    r = other.client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))
    assert r.status_code in (200, 201), r.body
    body: dict[str, object] = r.json_body
    return body


def _resident(other: Other) -> str:
    """A 郑州 resident verified into a household (the matrix's generic resident stays pending)."""
    username = "zhengzhou.notices.test"
    users.ensure_user(users.NewUser(username, OTHER, Role.RESIDENT, password=PASSWORD))
    token = other.world.login(username)
    reg = _post(other, "/v1/me/registration", token, {
        "community_id": "jinghu", "building_id": "jinghu-g2-b4", "unit": 1, "room": "0702", "name": "郝建平",
        "phone": "13700002222", "relation": "owner"})
    _post(other, f"/v1/residents/{reg['resident_id']}/verification", other.token("staff"), {"decision": "approve"})
    return token


def samples(other: Other) -> Samples:
    resident = _resident(other)
    broadcast = {"scope": {"level": "community", "id": "jinghu"}, "category": "emergency", "severity": "orange",
                 "title": {"zh": TITLE}, "body": {"zh": "请勿前往地下车库。"}}
    notice = _post(other, "/v1/notices", other.token("city_admin"), broadcast)
    notice_id = str(notice["notice_id"])
    _REACHED["households"] = notice["stats"]["households"]  # type: ignore[index]
    _post(other, f"/v1/notices/{notice_id}/read", resident, {})
    edit = {"title": {"zh": "改"}, "body": {"zh": "改"}, "severity": "red"}
    return Samples(
        params={"notice_id": notice_id},
        bodies={
            ("POST", "/v1/notices"): (JSON_HEADERS, jbody(broadcast)),
            ("PUT", "/v1/notices/{notice_id}"): (JSON_HEADERS, jbody(edit)),
            ("POST", "/v1/notices/{notice_id}/withdraw"): (JSON_HEADERS, jbody({"reason": "isolation test"})),
            ("POST", "/v1/notices/{notice_id}/read"): (JSON_HEADERS, b""),
            ("POST", "/v1/notices/{notice_id}/followups"): (
                JSON_HEADERS, jbody({"household_id": HOUSEHOLD, "method": "phone", "note": "isolation test"})),
        },
        markers=[notice_id, TITLE, HOUSEHOLD, "郝*平"],
    )


def unchanged(other: Other) -> None:
    admin = auth(other.token("city_admin"))
    items = other.client.http.get("/v1/notices", headers=admin).json_body["items"]
    assert [(i["title"]["zh"], i["state"], i["revision"], i["severity"]) for i in items] == [
        (TITLE, "live", 1, "orange")]
    notice_id = items[0]["notice_id"]
    receipts = other.client.http.get(f"/v1/notices/{notice_id}/receipts?state=read", headers=admin).json_body
    assert (receipts["households"], receipts["read"]) == (_REACHED["households"], 1)
    assert [(h["household_id"], h["read_via"], h["followups"]) for h in receipts["items"]] == [(HOUSEHOLD, "app", [])]
