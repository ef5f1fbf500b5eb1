"""Care visitors (社工、志愿者、家庭医生): staff assign them to a care subject; a visitor sees only the subjects
assigned to them — her visit task, her record without her family, her status — records their own visits (a
need found filed as a service request), opens her phone for a phone visit under audit, and reaches nothing
else of the city."""

from __future__ import annotations

from typing import Any

import pytest

from tests.functional.test_care import get, post, register, subject_id, with_daughter, zz  # noqa: F401
from tests.functional.test_care_visits import day
from tests.support import JSON_HEADERS, auth, jbody


def assign(client: Any, aws: Any, visitors: list[str], user: str = "zz.wang.fang") -> Any:
    return client.http.put(f"/v1/care/{subject_id(aws)}/visitors", headers={**auth(aws.login(user)), **JSON_HEADERS},
                           body=jbody({"visitors": visitors}))


def tasks(client: Any, aws: Any, user: str) -> dict[str, Any]:
    r = get(client, "/v1/me/care-visits", aws.login(user))
    assert r.status_code == 200, r.body
    return r.json_body


def test_staff_assign_care_visitors_of_her_community_and_nobody_else(client, zz):  # noqa: F811
    assert register(client, zz).status_code == 201
    r = assign(client, zz, ["zz.vol.liu", "zz.doc.chen"])
    assert r.status_code == 200, r.body
    shown = [(v["username"], v["name"], v["kind"], v["organisation"]) for v in r.json_body["visitors"]]
    assert shown == [("zz.vol.liu", "刘*芳", "volunteer", "荆胡社区志愿者服务队"),
                     ("zz.doc.chen", "陈*远", "doctor", "二七区人民医院家庭医生签约团队")]
    queue = get(client, "/v1/communities/jinghu/care-visits", zz.login("zz.wang.fang")).json_body
    assert [v["username"] for v in queue["items"][0]["visitors"]] == ["zz.vol.liu", "zz.doc.chen"]
    assert queue["items"][0]["place"] == "1号楼 1单元 302"
    assert [v["username"] for v in queue["visitors"]] == ["zz.doc.chen", "zz.sw.zhou", "zz.vol.liu"]
    zz.onboard("yinchuan")
    for visitors, field in ((["zz.wang.fang"], "visitors[0]"),  # a grid worker is no care visitor
                            (["zz.vol.liu", "zz.nobody"], "visitors[1]"),
                            (["yc.vol.ma"], "visitors[0]"),  # another city's
                            (["zz.vol.liu", "zz.vol.liu"], "visitors"),
                            (["zz.vol.liu"] * 6, "visitors")):
        r = assign(client, zz, visitors)
        assert r.status_code == 400 and r.json_body["field"] == field, (visitors, r.body)
    # only the community's staff assign: not the visitor, not staff of another community
    assert assign(client, zz, [], "zz.vol.liu").status_code == 403
    assert assign(client, zz, [], "zz.zhang.lei").status_code == 404


def test_a_visitor_sees_only_the_subjects_assigned_to_them_and_nothing_else(client, zz):  # noqa: F811
    sid, _ = with_daughter(client, zz)
    vol = zz.login("zz.vol.liu")
    assert tasks(client, zz, "zz.vol.liu")["items"] == []
    assert get(client, f"/v1/care/{sid}", vol).status_code == 404  # not assigned: no such subject to them
    assert assign(client, zz, ["zz.vol.liu"]).status_code == 200

    mine = tasks(client, zz, "zz.vol.liu")
    row = mine["items"][0]
    assert (row["subject_id"], row["name"], row["place"], row["state"]) == (sid, "张*兰", "1号楼 1单元 302", "planned")
    assert row["plan"]["next_on"] == day(7) and [lv["level"] for lv in mine["levels"]] == ["general", "focus"]
    record = get(client, f"/v1/care/{sid}", vol).json_body
    assert record["name"] == "张*兰" and record["plan"]["level"] == "focus"
    assert record["contacts"] == [] and record["history"] == []  # her family and consent history: not theirs
    assert get(client, f"/v1/care/{sid}", zz.login("zz.wang.fang")).json_body["contacts"]  # staff see them
    status = get(client, f"/v1/care/{sid}/status", vol).json_body
    assert status["summary"] and all(a["kind"] != "subject" for a in status["actions"])

    # nothing else of the city: no queues, no lists, no alerts, no requests, no residents, no plan changes
    for path in ("/v1/communities/jinghu/care-visits", "/v1/communities/jinghu/care-subjects", "/v1/alerts",
                 "/v1/communities/jinghu/requests", "/v1/communities/jinghu/registrations", "/v1/dashboard",
                 "/v1/communities/jinghu/devices", "/v1/me/care", "/v1/rental-leads"):
        assert get(client, path, vol).status_code == 403, path
    assert client.http.put(f"/v1/care/{sid}/visit-plan", headers={**auth(vol), **JSON_HEADERS},
                           body=b'{"level": "general"}').status_code == 403
    assert post(client, f"/v1/care/{sid}/contacts", vol, {"name": "刘强", "phone": "13900001111",
                                                           "relation": "neighbour"}).status_code == 403
    assert post(client, f"/v1/care/{sid}/consent/withdraw", vol, {"reason": "x"}).status_code == 403
    # another visitor of the same community, not assigned to her, sees nothing of her
    sw = zz.login("zz.sw.zhou")
    assert get(client, f"/v1/care/{sid}", sw).status_code == 404
    assert get(client, f"/v1/care/{sid}/status", sw).status_code == 404
    assert tasks(client, zz, "zz.sw.zhou")["items"] == []
    # unassigned: gone from their tasks and their reach
    assert assign(client, zz, []).json_body["visitors"] == []
    assert tasks(client, zz, "zz.vol.liu")["items"] == []
    assert get(client, f"/v1/care/{sid}/status", vol).status_code == 404


def test_a_visitor_records_their_own_visit_and_a_need_found_becomes_a_request(client, zz):  # noqa: F811
    assert register(client, zz).status_code == 201
    sid, doc = subject_id(zz), zz.login("zz.doc.chen")
    assert post(client, f"/v1/care/{sid}/visits", doc, {"visited_on": day(0), "note": "测量血压"}).status_code == 404
    assert assign(client, zz, ["zz.doc.chen"]).status_code == 200
    for body, field in (({"visitor": "volunteer"}, "visitor"), ({"visitor_name": "王医生"}, "visitor")):
        r = post(client, f"/v1/care/{sid}/visits", doc, {"visited_on": day(0), "note": "测量血压", **body})
        assert r.status_code == 400 and r.json_body["field"] == field, r.body
    r = post(client, f"/v1/care/{sid}/visits", doc, {
        "visited_on": day(0), "note": "上门测量血压 150/95，偏高，嘱按时服药。", "outcome": "needs_help",
        "need": {"category": "water-electric-repair", "description": "家中血压计电源插座松动，需要维修。"}})
    assert r.status_code == 201, r.body
    last = r.json_body["last_visit"]
    shown = (last["visitor"], last["visitor_name"], last["by"], last["mode"])
    assert shown == ("doctor", "陈*远", "zz.doc.chen", "home")
    assert r.json_body["contacts"] == [] and r.json_body["plan"]["next_on"] == day(7)
    staff = zz.login("zz.wang.fang")
    request = get(client, f"/v1/requests/{last['request_id']}", staff).json_body
    assert request["channel"] == "visit" and request["location"]["household_id"] == "jinghu-g1-b1-1-302"
    assert get(client, f"/v1/requests/{last['request_id']}", doc).status_code == 403  # filed, then the city's
    row = get(client, "/v1/communities/jinghu/care-visits", staff).json_body["items"][0]
    assert row["last_visit"]["visitor"] == "doctor" and row["last_visit"]["by"] == "zz.doc.chen"
    # a visitor is no request handler either
    r = client.http.post(f"/v1/requests/{last['request_id']}/assign", headers={**auth(staff), **JSON_HEADERS},
                         body=jbody({"assignee": "zz.doc.chen"}))
    assert r.status_code == 400 and r.json_body["field"] == "assignee", r.body


def test_a_visitor_opens_her_phone_only_for_a_visit_and_it_is_in_her_access_log(client, zz):  # noqa: F811
    assert register(client, zz).status_code == 201
    sid, vol = subject_id(zz), zz.login("zz.vol.liu")

    def reveal(resident_id: str = sid, field: str = "phone", reason: str = "care_visit") -> Any:
        return post(client, f"/v1/residents/{resident_id}/reveal", vol, {"field": field, "reason": reason})

    assert reveal().status_code == 404  # not assigned yet
    assert assign(client, zz, ["zz.vol.liu"]).status_code == 200
    r = reveal()
    assert r.status_code == 200 and r.json_body["value"].startswith("1"), r.body
    assert (r := reveal(reason="call_back")).status_code == 403 and r.json_body["field"] == "field"
    assert reveal(field="name").status_code == 403
    other = subject_of(zz, "zz.li.na")
    assert reveal(other).status_code == 404  # a resident who is no subject of theirs
    log = get(client, "/v1/audit/personal-data", zz.login("zz.admin")).json_body["items"]
    assert [(e["viewer"], e["reason"], e["reason_zh"]) for e in log] == [("zz.vol.liu", "care_visit", "巡访关爱")]
    seen = get(client, "/v1/me/data-access", zz.login("zz.zhang.guilan")).json_body["items"]
    assert [(e["viewer_role"], e["viewer_role_zh"], e["reason_zh"]) for e in seen] == [
        ("visitor", "巡访人员", "巡访关爱")]


def subject_of(aws: Any, username: str) -> str:
    from chalicelib.auth import users

    info = users.lookup(username)
    assert info is not None
    return info.user_id


@pytest.mark.parametrize(("change", "problem"), [
    ({"visitor_kind": None}, "visitor_kind"),
    ({"grids": ["jinghu-g1"]}, "grid"),
    ({"communities": []}, "communities"),
])
def test_a_manifest_visitor_needs_a_kind_and_communities_and_owns_no_grid(change, problem):
    from pydantic import ValidationError

    from chalicelib.tenancy.models import User

    base = {"username": "zz.vol.x", "name": "刘桂芳", "email": "x@zhengzhou.example.cn", "role": "visitor",
            "visitor_kind": "volunteer", "communities": ["jinghu"]}
    User.model_validate(base)
    with pytest.raises(ValidationError, match=problem):
        User.model_validate({**base, **change})
    with pytest.raises(ValidationError, match="visitor_kind"):
        User.model_validate({**base, "role": "staff"})


def test_a_grid_worker_made_a_visitor_in_the_manifest_keeps_no_staff_rights(aws, client):
    from chalicelib.tenancy.apply import apply_manifest
    from chalicelib.tenancy.models import TenantManifest
    from tests.support import load_manifest

    aws.onboard("zhengzhou")
    staff = aws.login("zz.li.jianguo")
    assert get(client, "/v1/communities/jinghu/care-visits", staff).status_code == 200
    m = load_manifest("zhengzhou").model_dump(mode="json")
    for u in m["users"]:
        if u["username"] == "zz.li.jianguo":
            u.update(role="visitor", visitor_kind="volunteer", grids=[], department=None)
    apply_manifest(TenantManifest.model_validate(m))
    token = aws.login("zz.li.jianguo")
    assert get(client, "/v1/me", token).json_body["roles"] == ["visitor"]
    assert get(client, "/v1/communities/jinghu/care-visits", token).status_code == 403
    assert get(client, "/v1/me/care-visits", token).status_code == 200
