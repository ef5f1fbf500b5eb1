"""Staff move a request through its states; residents follow the timeline, rate it and reopen it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from tests.functional.test_requests import city, file, get, post

__all__ = ["city"]


def later(monkeypatch, **delta):
    at = datetime.now(UTC) + timedelta(**delta)
    monkeypatch.setattr("chalicelib.requests.service._now", lambda: at)
    return at


def resolved(client, city, **changes):
    """A request of 张桂兰 handled by the grid worker and the property staff, up to resolved."""
    rid = file(client, city.login("zz.zhang.guilan"), **changes)["request_id"]
    grid, wuye = city.login("zz.wang.fang"), city.login("zz.zhao.wuye")
    assert post(client, f"/v1/requests/{rid}/accept", grid, {"note": "已联系居民"}).status_code == 200
    assert post(client, f"/v1/requests/{rid}/assign", grid, {"assignee": "zz.zhao.wuye"}).status_code == 200
    assert post(client, f"/v1/requests/{rid}/start", wuye, {}).status_code == 200
    r = post(client, f"/v1/requests/{rid}/resolve", wuye, {"note": "更换水龙头阀芯，已不滴水"})
    assert r.status_code == 200, r.body
    return rid


def test_a_request_goes_from_filing_to_closed_and_the_resident_sees_every_step(client, city):
    rid = resolved(client, city)
    guilan = city.login("zz.zhang.guilan")
    req = get(client, f"/v1/requests/{rid}", guilan).json_body
    assert req["state"] == "resolved" and req["assignee"] == "zz.zhao.wuye" and req["department"] == "property"
    steps = [(s["action"], s["state"], s["by"]) for s in req["timeline"]]
    assert steps == [("file", "submitted", "张*兰"), ("accept", "accepted", "zz.wang.fang"),
                     ("assign", "assigned", "zz.wang.fang"), ("start", "in_progress", "zz.zhao.wuye"),
                     ("resolve", "resolved", "zz.zhao.wuye")]
    assert req["timeline"][1]["by_name"] == "王芳" and req["timeline"][-1]["note"] == "更换水龙头阀芯，已不滴水"
    assert req["reopen_until"] is not None and "phone" not in str(req)
    r = post(client, f"/v1/requests/{rid}/rating", guilan, {"value": "satisfied", "comment": "师傅很专业"})
    assert r.status_code == 201, r.body
    assert r.json_body["state"] == "closed" and r.json_body["rating"]["value"] == "satisfied"


def test_the_assignee_and_then_the_resident_hear_of_it_in_their_inbox(client, city):
    rid = resolved(client, city)
    staff = get(client, "/v1/me/notifications", city.login("zz.zhao.wuye")).json_body["items"]
    assert [(n["kind"], n["request_id"]) for n in staff] == [("request", rid)]
    assert staff[0]["text"]["zh"].startswith(f"诉求 {rid}") and "派给您" in staff[0]["text"]["zh"]
    mine = get(client, "/v1/me/notifications", city.login("zz.zhang.guilan")).json_body["items"]
    assert [(n["kind"], n["request_id"]) for n in mine] == [("request", rid)] and "请评价" in mine[0]["text"]["zh"]
    assert get(client, "/v1/me/notifications", city.login("zz.wang.jianjun")).json_body["items"] == []


def test_rejecting_needs_a_reason_and_a_rejected_request_cannot_be_accepted(client, city):
    rid = file(client, city.login("zz.zhang.guilan"))["request_id"]
    grid = city.login("zz.wang.fang")
    r = post(client, f"/v1/requests/{rid}/reject", grid, {})
    assert r.status_code == 400 and r.json_body["field"] == "note"
    r = post(client, f"/v1/requests/{rid}/reject", grid, {"note": "属户内自有设施，请联系物业有偿维修"})
    assert r.status_code == 200 and r.json_body["state"] == "rejected"
    again = post(client, f"/v1/requests/{rid}/accept", grid, {})
    assert again.status_code == 409 and again.json_body["field"] == "state"
    assert "rejected" in again.json_body["message"]


def test_a_duplicate_links_the_first_request_of_the_city(client, city):
    guilan = city.login("zz.zhang.guilan")
    first, second = file(client, guilan)["request_id"], file(client, guilan)["request_id"]
    grid = city.login("zz.wang.fang")
    missing = post(client, f"/v1/requests/{second}/duplicate", grid, {"duplicate_of": "ZH-20200101-9999"})
    assert missing.status_code == 404 and missing.json_body["field"] == "duplicate_of"
    itself = post(client, f"/v1/requests/{second}/duplicate", grid, {"duplicate_of": second})
    assert itself.status_code == 400 and itself.json_body["field"] == "duplicate_of"
    bad = post(client, f"/v1/requests/{second}/duplicate", grid, {"duplicate_of": "first"})
    assert bad.status_code == 400 and bad.json_body["field"] == "duplicate_of"
    r = post(client, f"/v1/requests/{second}/duplicate", grid, {"duplicate_of": first})
    assert r.status_code == 200 and (r.json_body["state"], r.json_body["duplicate_of"]) == ("duplicate", first)


def test_staff_return_a_request_to_dispatch_and_reassign_it_to_another_department(client, city):
    rid = file(client, city.login("zz.zhang.guilan"), category="house-leak",
               description="楼上渗水，卧室天花板发霉")["request_id"]
    grid, wuye = city.login("zz.wang.fang"), city.login("zz.zhao.wuye")
    post(client, f"/v1/requests/{rid}/accept", grid, {})
    post(client, f"/v1/requests/{rid}/assign", grid, {"assignee": "zz.zhao.wuye"})
    no_reason = post(client, f"/v1/requests/{rid}/return", wuye, {"note": ""})
    assert no_reason.status_code == 400 and no_reason.json_body["field"] == "note"
    back = post(client, f"/v1/requests/{rid}/return", wuye, {"note": "系邻里纠纷，物业无法处理"})
    assert back.status_code == 200 and (back.json_body["state"], back.json_body["assignee"]) == ("accepted", None)
    nobody = post(client, f"/v1/requests/{rid}/assign", grid, {"note": "?"})
    assert nobody.status_code == 400 and nobody.json_body["field"] == "assignee"
    wrong = post(client, f"/v1/requests/{rid}/assign", grid, {"department": "ministry-of-magic"})
    assert wrong.status_code == 400 and wrong.json_body["field"] == "department"
    r = post(client, f"/v1/requests/{rid}/assign", grid, {"department": "community-service"})
    assert r.json_body["department"] == "community-service"
    r = post(client, f"/v1/requests/{rid}/reassign", grid, {"assignee": "zz.li.jianguo", "note": "调解"})
    assert r.status_code == 200 and (r.json_body["state"], r.json_body["assignee"]) == ("assigned", "zz.li.jianguo")
    assert [s["action"] for s in r.json_body["timeline"]] == ["file", "accept", "assign", "return", "assign",
                                                            "reassign"]
    # the property queue no longer holds it; the community service's does
    assert get(client, "/v1/departments/property/requests", wuye).json_body["items"] == []
    early = post(client, f"/v1/requests/{rid}/reassign", grid, {"department": "water"})
    assert early.status_code == 200
    illegal = post(client, f"/v1/requests/{rid}/assign", grid, {"department": "water"})
    assert illegal.status_code == 409 and "assigned" in illegal.json_body["message"]


def test_rating_comes_once_after_resolution_and_unsatisfied_may_reopen(client, city):
    guilan = city.login("zz.zhang.guilan")
    early_id = file(client, guilan)["request_id"]
    early = post(client, f"/v1/requests/{early_id}/rating", guilan, {"value": "satisfied"})
    assert early.status_code == 409 and early.json_body["field"] == "state"
    rid = resolved(client, city)
    why = post(client, f"/v1/requests/{rid}/rating", guilan, {"value": "unsatisfied"})
    assert why.status_code == 400 and why.json_body["field"] == "comment"
    r = post(client, f"/v1/requests/{rid}/rating", guilan,
             {"value": "unsatisfied", "comment": "第二天又开始滴水", "reopen": True})
    assert r.status_code == 201 and r.json_body["state"] == "reopened"
    assert r.json_body["rating"]["value"] == "unsatisfied"
    twice = post(client, f"/v1/requests/{rid}/rating", guilan, {"value": "satisfied"})
    assert twice.status_code == 409 and twice.json_body["field"] == "rating"
    other = post(client, f"/v1/requests/{rid}/rating", city.login("zz.chen.yu"), {"value": "satisfied"})
    assert other.status_code == 404


def test_the_filer_reopens_within_seven_days_but_not_after(client, city, monkeypatch):
    guilan = city.login("zz.zhang.guilan")
    first, second = resolved(client, city), resolved(client, city)
    r = post(client, f"/v1/requests/{first}/reopen", guilan, {"note": "又坏了"})
    assert r.status_code == 200 and r.json_body["state"] == "reopened"
    assert post(client, f"/v1/requests/{first}/accept", city.login("zz.wang.fang"), {}).status_code == 200
    later(monkeypatch, days=7, hours=1)
    late = post(client, f"/v1/requests/{second}/reopen", guilan, {"note": "又坏了"})
    assert late.status_code == 409 and late.json_body["field"] == "resolved_at"


def test_unrated_resolved_requests_close_by_themselves_after_the_window(client, city, monkeypatch):
    from chalicelib.requests.jobs import close_resolved

    rid = resolved(client, city)
    assert close_resolved("zhengzhou") == 0
    later(monkeypatch, days=8)
    assert close_resolved("zhengzhou") == 1 and close_resolved("zhengzhou") == 0
    req = get(client, f"/v1/requests/{rid}", city.login("zz.zhang.guilan")).json_body
    assert req["state"] == "closed" and req["timeline"][-1]["by"] == "system"


def test_a_department_lists_its_overdue_requests_by_due_time(client, city, monkeypatch):
    guilan = city.login("zz.zhang.guilan")
    slow = file(client, guilan, category="house-leak", description="外墙渗水，墙皮脱落")["request_id"]  # 8 h
    fast = file(client, guilan)["request_id"]  # 4 h to respond
    wuye = city.login("zz.zhao.wuye")
    assert get(client, "/v1/departments/property/requests?overdue=true", wuye).json_body["items"] == []
    later(monkeypatch, hours=5)
    items = get(client, "/v1/departments/property/requests?overdue=true", wuye).json_body["items"]
    assert [(i["request_id"], i["overdue"]) for i in items] == [(fast, True)]
    later(monkeypatch, hours=9)
    items = get(client, "/v1/departments/property/requests?overdue=true", wuye).json_body["items"]
    assert [i["request_id"] for i in items] == [fast, slow]
    page = get(client, "/v1/departments/property/requests?limit=1", wuye).json_body
    rest = get(client, f"/v1/departments/property/requests?limit=1&cursor={page['next_cursor']}", wuye).json_body
    assert [page["items"][0]["request_id"], rest["items"][0]["request_id"]] == [fast, slow]
    r = get(client, "/v1/departments/property/requests?cursor=bm90LWEta2V5", wuye)
    assert r.status_code == 400 and r.json_body["field"] == "cursor"


def test_who_may_see_and_handle_a_request(client, city):
    rid = file(client, city.login("zz.zhang.guilan"))["request_id"]
    assert get(client, f"/v1/requests/{rid}", city.login("zz.chen.yu")).status_code == 404  # another household
    assert get(client, f"/v1/requests/{rid}", city.login("zz.zhang.lei")).status_code == 403  # 郑大 staff
    municipal = city.login("zz.sun.shizheng")  # another department, based elsewhere
    assert get(client, f"/v1/requests/{rid}", municipal).status_code == 403
    assert get(client, f"/v1/requests/{rid}", city.login("zz.zhao.wuye")).status_code == 200  # its department
    assert get(client, "/v1/departments/property/requests", municipal).status_code == 403
    assert get(client, "/v1/communities/zhengda/requests", city.login("zz.wang.fang")).status_code == 403
    assert get(client, "/v1/requests/not-an-id", city.login("zz.admin")).status_code == 404
    assert get(client, "/v1/departments/nope/requests", city.login("zz.admin")).status_code == 404
    r = post(client, f"/v1/requests/{rid}/accept", city.login("zz.zhang.lei"), {})
    assert r.status_code == 403
    assert post(client, f"/v1/requests/{rid}/accept", city.login("zz.zhang.guilan"), {}).status_code == 403


def test_two_staff_accepting_at_once_cannot_both_win(client, city, atomic_dynamodb):
    rid = file(client, city.login("zz.zhang.guilan"))["request_id"]
    tokens = [city.login("zz.wang.fang"), city.login("zz.li.jianguo"), city.login("zz.zhao.wuye")]
    statuses: list[int] = []
    barrier = threading.Barrier(len(tokens))

    def accept(token: str) -> None:
        barrier.wait()
        statuses.append(post(client, f"/v1/requests/{rid}/accept", token, {}).status_code)

    threads = [threading.Thread(target=accept, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409, 409]
    req = get(client, f"/v1/requests/{rid}", city.login("zz.admin")).json_body
    assert [s["action"] for s in req["timeline"]] == ["file", "accept"]


@pytest.mark.parametrize("path", ["accept", "start", "resolve", "reopen"])
def test_an_empty_body_is_refused_naming_the_body(client, city, path):
    rid = file(client, city.login("zz.zhang.guilan"))["request_id"]
    token = city.login("zz.zhang.guilan" if path == "reopen" else "zz.wang.fang")
    r = client.http.post(f"/v1/requests/{rid}/{path}", headers={"Authorization": f"Bearer {token}"}, body=b"")
    assert r.status_code == 400 and r.json_body["field"] == "body"
