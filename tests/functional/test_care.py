"""Care subjects (居家养老): consent, family contacts, safety status and family routing of alerts."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest

from chalicelib.auth import users
from tests.functional.places import CITY, T0, apply, transition
from tests.support import JSON_HEADERS, auth, jbody, last_afternoon

HOME = "jinghu-g1-b1-1-302"  # 张桂兰, 独居
CONSENT = {"given_by": "self", "given_at": "2026-03-01T09:30:00+08:00", "method": "paper_form",
           "monitors": ["door", "wristband"]}
DEVICES = {"zz-door-zgl": ("door", HOME), "zz-band-zgl": ("wristband", HOME),
           "zz-door-801": ("door", "jinghu-g1-b2-1-801")}


def post(client: Any, path: str, token: str, payload: Any) -> Any:
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def get(client: Any, path: str, token: str) -> Any:
    return client.http.get(path, headers=auth(token))


@pytest.fixture
def zz(aws, client):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    admin = aws.login("zz.admin")
    for device_id, (kind, household) in DEVICES.items():
        r = post(client, "/v1/devices", admin, {"device_id": device_id, "type": kind, "serial": f"SN-{device_id}",
                                                "community_id": "jinghu", "household_id": household})
        assert r.status_code == 201, r.body
    return aws


def subject_id(aws: Any) -> str:
    info = users.lookup("zz.zhang.guilan")
    assert info is not None
    return info.user_id


def register(client: Any, aws: Any, **changes: Any) -> Any:
    body = {"resident_id": subject_id(aws), "category": "living_alone", "consent": CONSENT,
            "device_ids": ["zz-door-zgl", "zz-band-zgl"], **changes}
    return post(client, "/v1/care", aws.login("zz.wang.fang"), body)


def with_daughter(client: Any, aws: Any) -> tuple[str, str]:
    """张桂兰 registered, her daughter 李娜 invited by staff and accepted: (subject id, 李娜's token)."""
    assert register(client, aws).status_code == 201
    sid, na = subject_id(aws), aws.login("zz.li.na")
    r = post(client, f"/v1/care/{sid}/contacts", aws.login("zz.wang.fang"), {"username": "zz.li.na",
                                                                              "relation": "child"})
    assert r.status_code == 201 and r.json_body["status"] == "pending", r.body
    assert post(client, f"/v1/me/care-invitations/{r.json_body['link_id']}/accept", na, {}).status_code == 200
    return sid, na


def test_staff_register_a_resident_with_consent_and_her_devices_become_care_devices(client, zz):
    r = register(client, zz)
    assert r.status_code == 201, r.body
    body = r.json_body
    assert body["name"] == "张*兰" and body["household_id"] == HOME and body["consent_state"] == "active"
    assert body["consent"]["monitors"] == ["door", "wristband"] and body["consent"]["recorded_by"] == "zz.wang.fang"
    assert [e["action"] for e in body["history"]] == ["given"]
    device = get(client, "/v1/devices/zz-door-zgl", zz.login("zz.admin")).json_body
    assert device["care_subject"] is True
    assert register(client, zz).status_code == 409


@pytest.mark.parametrize(("changes", "field"), [
    ({"consent": None}, "consent"),
    ({"device_ids": ["zz-door-801"]}, "device_ids"),
    ({"device_ids": ["zz-nothing"]}, "device_ids"),
    ({"consent": {**CONSENT, "monitors": ["door"]}}, "device_ids"),
    ({"consent": {**CONSENT, "given_by": "guardian"}}, "consent"),
    ({"consent": {**CONSENT, "given_at": "2099-01-01T00:00:00+08:00"}}, "consent.given_at"),
    ({"consent": {**CONSENT, "given_at": "2026-03-01T09:30:00"}}, "consent.given_at"),
    ({"consent": {**CONSENT, "monitors": []}}, "consent.monitors"),
    ({"category": "lonely"}, "category"),
])
def test_registration_without_valid_consent_or_with_a_foreign_device_is_refused(client, zz, changes, field):
    body = {k: v for k, v in changes.items() if v is not None}
    if changes.get("consent", "") is None:
        r = post(client, "/v1/care", zz.login("zz.wang.fang"),
                 {"resident_id": subject_id(zz), "category": "living_alone", "device_ids": []})
    else:
        r = register(client, zz, **body)
    assert r.status_code == 400, r.body
    assert r.json_body["field"] == field
    assert get(client, "/v1/devices/zz-door-zgl", zz.login("zz.admin")).json_body["care_subject"] is False


def test_staff_of_another_community_cannot_register_a_care_subject(client, zz):
    body = {"resident_id": subject_id(zz), "category": "living_alone", "consent": CONSENT, "device_ids": []}
    r = post(client, "/v1/care", zz.login("zz.zhang.lei"), body)
    assert r.status_code == 403 and r.json_body["field"] == "community_id"


def test_an_invited_daughter_sees_her_mothers_status_only_after_accepting(client, zz):
    assert register(client, zz).status_code == 201
    sid, na = subject_id(zz), zz.login("zz.li.na")
    r = post(client, f"/v1/care/{sid}/contacts", zz.login("zz.wang.fang"), {"username": "zz.li.na",
                                                                             "relation": "child"})
    link = r.json_body
    assert (link["status"], link["name"], link["kind"]) == ("pending", "李*", "resident")
    assert get(client, f"/v1/care/{sid}/status", na).status_code == 404
    mine = get(client, "/v1/me/care", na).json_body
    assert mine["subject"] is None and [(w["name"], w["status"]) for w in mine["watching"]] == [("张*兰", "pending")]
    assert post(client, f"/v1/me/care-invitations/{link['link_id']}/accept", na, {}).status_code == 200
    again = post(client, f"/v1/me/care-invitations/{link['link_id']}/accept", na, {})
    assert again.status_code == 409 and again.json_body["field"] == "link_id"
    status = get(client, f"/v1/care/{sid}/status", na)
    assert status.status_code == 200, status.body
    assert status.json_body["summary"] == "attention"  # no door data yet
    assert status.json_body["message"]["zh"] == "还没有收到门磁的开门记录，请确认老人是否安好"
    # the grid worker with the work phone posted on the community's board: one tap to call
    assert [(a["name"], a["phone"]) for a in status.json_body["actions"] if a["kind"] == "grid_worker"] == [
        ("王芳", "13903711101")]
    assert get(client, "/v1/me/care", zz.login("zz.zhang.guilan")).json_body["subject"]["subject_id"] == sid


def test_a_contact_the_subject_adds_herself_is_active_and_phone_contacts_are_masked(client, zz):
    assert register(client, zz).status_code == 201
    sid, me = subject_id(zz), zz.login("zz.zhang.guilan")
    r = post(client, f"/v1/care/{sid}/contacts", me, {"username": "zz.li.na", "relation": "child"})
    assert r.status_code == 201 and r.json_body["status"] == "active"
    r = post(client, f"/v1/care/{sid}/contacts", me, {"name": "李强", "phone": "13903712299", "relation": "child"})
    assert (r.json_body["name"], r.json_body["phone"], r.json_body["status"]) == ("李*", "139****2299", "active")
    assert "13903712299" not in get(client, f"/v1/care/{sid}", zz.login("zz.wang.fang")).body.decode()
    assert get(client, f"/v1/care/{sid}/status", zz.login("zz.li.na")).status_code == 200


@pytest.mark.parametrize(("payload", "field"), [
    ({"relation": "child", "name": "李强"}, "phone"),
    ({"relation": "child", "phone": "13903712299"}, "name"),
    ({"relation": "child", "username": "zz.li.na", "phone": "13903712299"}, "username"),
    ({"relation": "child", "username": "zz.nobody"}, "username"),
    ({"relation": "child", "resident_id": "not-a-resident"}, "resident_id"),
    ({"relation": "cousin", "username": "zz.li.na"}, "relation"),
    ({"relation": "child", "name": "李强", "phone": "12345"}, "phone"),
])
def test_a_contact_must_be_a_verified_resident_or_a_name_and_mobile_number(client, zz, payload, field):
    assert register(client, zz).status_code == 201
    r = post(client, f"/v1/care/{subject_id(zz)}/contacts", zz.login("zz.wang.fang"), payload)
    assert r.status_code == 400 and r.json_body["field"] == field, r.body


def test_an_sos_reaches_the_daughters_inbox_and_she_may_open_the_alert(client, zz):
    sid, na = with_daughter(client, zz)
    assert apply(transition("zz-band-zgl", "wristband.sos", T0.timestamp())).raised == 1
    notes = get(client, "/v1/me/notifications", na).json_body["items"]
    assert [(n["device_id"], n["rule_id"]) for n in notes] == [("zz-band-zgl", "wristband.sos")]
    alert = get(client, f"/v1/alerts/{notes[0]['alert_id']}", na)
    assert alert.status_code == 200 and alert.json_body["timeline"][0]["to"] == []  # staff names not shown
    status = get(client, f"/v1/care/{sid}/status", na).json_body
    assert status["summary"] == "alert" and [a["alert_id"] for a in status["open_alerts"]] == [notes[0]["alert_id"]]
    assert status["actions"][0] == {"kind": "emergency", "label": {"zh": "一键呼救：请立即拨打120",
                                                                   "en": "SOS: call 120 now"},
                                    "name": None, "phone": "120"}
    # then her mother, at her own number (family see it; staff and the subject herself do not get it)
    assert (status["actions"][1]["kind"], status["actions"][1]["name"]) == ("subject", "张*兰")
    assert status["actions"][1]["phone"] == "13803711201"
    assert not any(a["kind"] == "subject" for a in get(client, f"/v1/care/{sid}/status",
                                                       zz.login("zz.wang.fang")).json_body["actions"])
    assert not any(a["kind"] == "subject" for a in get(client, f"/v1/care/{sid}/status",
                                                       zz.login("zz.zhang.guilan")).json_body["actions"])
    stranger = zz.login("zz.wang.jianjun")
    assert get(client, f"/v1/alerts/{notes[0]['alert_id']}", stranger).status_code == 404
    assert get(client, f"/v1/care/{sid}/status", stranger).status_code == 404
    assert get(client, f"/v1/care/{sid}", stranger).status_code == 404

    # the grid worker opening the alert sees who to call: the subject herself, her daughter (a resident,
    # whose number is revealed under audit) and a son with only a phone number, all masked
    staff = zz.login("zz.wang.fang")
    assert post(client, f"/v1/care/{sid}/contacts", staff, {"name": "李强", "phone": "13903712299",
                                                           "relation": "child"}).status_code == 201
    opened = get(client, f"/v1/alerts/{notes[0]['alert_id']}", staff).json_body
    who = {(c["kind"], c["name"], c["relation"], c["subject"], c["resident_id"] is not None)
           for c in opened["contacts"]}
    assert {("household", "张*兰", "owner", True, True), ("family", "李*", "child", False, True),
            ("family", "李*", "child", False, False), ("staff", "王芳", None, False, False)} <= who, who
    son = next(c for c in opened["contacts"] if c["kind"] == "family" and c["resident_id"] is None)
    assert son["phone_masked"] == "139****2299" and "13903712299" not in str(opened)


def test_door_activity_from_telemetry_shows_in_the_status(client, zz):
    from chalicelib.telemetry.pipeline import process_batch

    sid, na = with_daughter(client, zz)
    opened = last_afternoon(int(time.time() * 1000))  # by day: at night an opened door is an alert of its own
    message = orjson.dumps({"device": "zz-door-zgl", "ts": opened, "metrics": {"opened": 1.0}})
    process_batch(CITY, [message], opened + 60_000)
    status = get(client, f"/v1/care/{sid}/status", na).json_body
    assert status["summary"] == "ok" and status["message"]["zh"].endswith("有开门活动")
    assert status["last_door_activity"] is not None


def test_withdrawing_consent_stops_family_routing_and_visibility_until_consent_is_given_again(client, zz):
    sid, na = with_daughter(client, zz)
    assert apply(transition("zz-band-zgl", "wristband.sos", T0.timestamp())).raised == 1
    first = get(client, "/v1/me/notifications", na).json_body["items"][0]["alert_id"]
    r = post(client, f"/v1/care/{sid}/consent/withdraw", zz.login("zz.zhang.guilan"), {"reason": "本人不再需要"})
    assert r.status_code == 200 and [e["action"] for e in r.json_body["history"]] == ["given", "withdrawn"]
    gone = get(client, f"/v1/care/{sid}/status", na)
    assert gone.status_code == 403 and gone.json_body["field"] == "consent"
    assert get(client, f"/v1/alerts/{first}", na).status_code == 404
    assert get(client, "/v1/devices/zz-band-zgl", zz.login("zz.admin")).json_body["care_subject"] is False
    assert apply(transition("zz-band-zgl", "wristband.fall", T0.timestamp() + 60)).raised == 1
    assert len(get(client, "/v1/me/notifications", na).json_body["items"]) == 1
    again = post(client, f"/v1/care/{sid}/consent/withdraw", zz.login("zz.wang.fang"), {"reason": "x"})
    assert again.status_code == 409 and again.json_body["field"] == "consent"
    r = post(client, f"/v1/care/{sid}/consent", zz.login("zz.wang.fang"),
             {"consent": CONSENT, "device_ids": ["zz-band-zgl"]})
    assert r.status_code == 200 and r.json_body["consent_state"] == "active"
    assert get(client, f"/v1/care/{sid}/status", na).status_code == 200


def test_family_cannot_withdraw_consent_or_add_contacts(client, zz):
    sid, na = with_daughter(client, zz)
    r = post(client, f"/v1/care/{sid}/consent/withdraw", na, {"reason": "不想"})
    assert r.status_code == 403 and r.json_body["field"] == "subject_id"
    r = post(client, f"/v1/care/{sid}/contacts", na, {"name": "李强", "phone": "13903712299", "relation": "child"})
    assert r.status_code == 403


def test_staff_list_their_communitys_care_subjects_with_summaries_and_record_visits(client, zz):
    sid, _ = with_daughter(client, zz)
    staff = zz.login("zz.wang.fang")
    r = post(client, f"/v1/care/{sid}/visits", staff, {"visited_on": "2026-03-01", "note": "上门探望，身体良好"})
    assert r.status_code == 201 and r.json_body["last_visit"]["note"] == "上门探望，身体良好"
    bad = post(client, f"/v1/care/{sid}/visits", staff, {"visited_on": "2999-01-01", "note": "x"})
    assert bad.status_code == 400 and bad.json_body["field"] == "visited_on"
    assert apply(transition("zz-band-zgl", "wristband.sos", T0.timestamp())).raised == 1
    rows = get(client, "/v1/communities/jinghu/care-subjects", staff).json_body["items"]
    assert [(row["subject_id"], row["summary"], row["open_alerts"]) for row in rows] == [(sid, "alert", 1)]
    other = get(client, "/v1/communities/jinghu/care-subjects", zz.login("zz.zhang.lei"))
    assert other.status_code == 403 and other.json_body["field"] == "community_id"
    assert get(client, "/v1/communities/nowhere/care-subjects", staff).json_body["field"] == "community_id"


def test_accepting_an_unknown_invitation_is_not_found(client, zz):
    r = post(client, "/v1/me/care-invitations/0123456789abcdef/accept", zz.login("zz.li.na"), {})
    assert r.status_code == 404 and r.json_body["field"] == "link_id"


@pytest.mark.parametrize("bad", ["%23x", "a" * 65, "x%2Fy"])
def test_odd_ids_in_the_path_are_simply_not_found(client, zz, bad):
    r = get(client, f"/v1/care/{bad}/status", zz.login("zz.wang.fang"))
    assert r.status_code == 404 and r.json_body["field"] == "subject_id"
    r = post(client, f"/v1/me/care-invitations/{bad}/accept", zz.login("zz.li.na"), {})
    assert r.status_code == 404 and r.json_body["field"] == "link_id"


def test_after_consent_is_withdrawn_the_no_exit_warning_no_longer_fires(client, zz):
    from chalicelib.telemetry.absence import sweep_tenant
    from chalicelib.telemetry.pipeline import process_batch

    sid, _ = with_daughter(client, zz)
    now_ms = int(time.time() * 1000)
    process_batch(CITY, [orjson.dumps({"device": "zz-door-zgl", "ts": now_ms, "metrics": {"opened": 1.0}})], now_ms)
    post(client, f"/v1/care/{sid}/consent/withdraw", zz.login("zz.zhang.guilan"), {"reason": "搬去女儿家住"})
    two_days = now_ms + 2 * 86_400_000
    assert sweep_tenant(CITY, two_days).raised == 0
    assert sweep_tenant(CITY, two_days + 60_000).raised == 0  # and it does not come back every minute


def test_while_consent_is_active_the_no_exit_warning_fires_after_a_day_without_the_door_opening(client, zz):
    from chalicelib.telemetry.absence import sweep_tenant
    from chalicelib.telemetry.pipeline import process_batch

    with_daughter(client, zz)
    now_ms = int(time.time() * 1000)
    process_batch(CITY, [orjson.dumps({"device": "zz-door-zgl", "ts": now_ms, "metrics": {"opened": 1.0}})], now_ms)
    assert sweep_tenant(CITY, now_ms + 2 * 86_400_000).raised == 1
