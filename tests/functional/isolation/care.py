"""Care subjects: a 郑州 resident registered as a care subject with a door sensor, and a pending
invitation to another 郑州 resident (in 经七路社区, so other samples' counts of 荆胡 stay as they are)."""

from __future__ import annotations

from typing import Any

from chalicelib.auth import users
from chalicelib.auth.roles import Role
from tests.functional.isolation import OTHER, Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

CONSENT = {"given_by": "self", "given_at": "2026-03-01T09:30:00+08:00", "method": "paper_form", "monitors": ["door"]}


def _post(other: Other, path: str, token: str, payload: Any) -> Any:
    r = other.client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))
    assert r.status_code in (200, 201), r.body
    return r.json_body


def _resident(other: Other, username: str, room: str, name: str) -> tuple[str, str]:
    users.ensure_user(users.NewUser(username, OTHER, Role.RESIDENT))
    token = other.world.login(username)
    reg = _post(other, "/v1/me/registration", token, {"community_id": "jingqilu", "building_id": "jingqilu-g1-b1",
                                                       "unit": 2, "room": room, "name": name,
                                                       "phone": "13700002222", "relation": "owner"})
    _post(other, f"/v1/residents/{reg['resident_id']}/verification", other.token("city_admin"),
          {"decision": "approve"})
    return reg["resident_id"], token


def samples(other: Other) -> Samples:
    admin = other.token("city_admin")
    subject, _ = _resident(other, "zz.care.iso.subject", "0602", "欧阳秀兰")
    _resident(other, "zz.care.iso.family", "0603", "欧阳明")
    _post(other, "/v1/devices", admin, {"device_id": "zz-door-care-iso", "type": "door", "serial": "SN-CARE-ISO",
                                        "community_id": "jingqilu", "household_id": "jingqilu-g1-b1-2-0602"})
    _post(other, "/v1/care", admin, {"resident_id": subject, "category": "living_alone", "consent": CONSENT,
                                     "device_ids": ["zz-door-care-iso"]})
    link = _post(other, f"/v1/care/{subject}/contacts", admin, {"username": "zz.care.iso.family",
                                                                "relation": "child"})["link_id"]
    contact = {"name": "欧阳强", "phone": "13900003333", "relation": "child"}
    return Samples(
        params={"subject_id": subject, "link_id": link},
        bodies={
            ("POST", "/v1/care"): (JSON_HEADERS, jbody({"resident_id": subject, "category": "living_alone",
                                                        "consent": CONSENT, "device_ids": []})),
            ("POST", "/v1/care/{subject_id}/consent/withdraw"): (JSON_HEADERS, jbody({"reason": "isolation test"})),
            ("POST", "/v1/care/{subject_id}/consent"): (JSON_HEADERS, jbody({"consent": CONSENT})),
            ("POST", "/v1/care/{subject_id}/contacts"): (JSON_HEADERS, jbody(contact)),
            ("POST", "/v1/care/{subject_id}/visits"): (JSON_HEADERS, jbody({"visited_on": "2026-03-01",
                                                                            "note": "isolation test"})),
            ("POST", "/v1/me/care-invitations/{link_id}/accept"): (JSON_HEADERS, jbody({})),
            ("PUT", "/v1/care/{subject_id}/visit-plan"): (JSON_HEADERS, jbody({"level": "general"})),
            ("PUT", "/v1/care/{subject_id}/visitors"): (JSON_HEADERS, jbody({"visitors": ["zz.vol.liu"]})),
        },
        markers=[subject, link, "zz-door-care-iso", "欧*兰"],
    )


def unchanged(other: Other) -> None:
    admin = auth(other.token("city_admin"))
    rows = other.client.http.get("/v1/communities/jingqilu/care-subjects", headers=admin).json_body["items"]
    assert [r["consent_state"] for r in rows] == ["active"]
    record = other.client.http.get(f"/v1/care/{rows[0]['subject_id']}", headers=admin).json_body
    assert [(c["status"], c["kind"]) for c in record["contacts"]] == [("pending", "resident")]
    assert record["last_visit"] is None and [e["action"] for e in record["history"]] == ["given"]
    assert record["device_ids"] == ["zz-door-care-iso"]
    assert record["plan"]["level"] == "focus"  # 独居: 重点巡访, as registered
    assert record["visitors"] == []  # nobody assigned from outside
