"""Response, resolution and satisfaction rates, checked exactly on a small known history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.functional.test_requests import city, file, get, post

__all__ = ["city"]
T0 = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def at(monkeypatch):
    """Move the requests service's clock to ``T0 + hours``."""
    def move(hours: float) -> None:
        monkeypatch.setattr("chalicelib.requests.service._now", lambda: T0 + timedelta(hours=hours))

    move(0)
    return move


def history(client, city, at):
    """A (on time, satisfied), B (answered late, unsatisfied), C (rejected), D (never answered),
    E (streetlight, municipal), F (resolved, then reopened by an unsatisfied rating)."""
    guilan, grid = city.login("zz.zhang.guilan"), city.login("zz.wang.fang")
    ids = {k: file(client, guilan)["request_id"] for k in "ABCF"}
    ids["D"] = file(client, guilan, category="house-leak", description="卫生间顶部渗水")["request_id"]
    ids["E"] = file(client, guilan, category="streetlight-fault", description="小区门口路灯不亮",
                    location={"community_id": "jinghu"})["request_id"]

    def act(key, action, body, token=grid):
        r = post(client, f"/v1/requests/{ids[key]}/{action}", token, body)
        assert r.status_code in (200, 201), r.body

    at(1)
    act("A", "accept", {})
    act("A", "resolve", {"note": "已修好"})
    act("A", "rating", {"value": "satisfied"}, guilan)
    act("C", "reject", {"note": "不属于报修范围"})
    act("F", "accept", {})
    act("F", "resolve", {"note": "已修好"})
    act("F", "rating", {"value": "unsatisfied", "comment": "没修好", "reopen": True}, guilan)
    at(5)
    act("B", "accept", {})  # respond SLA was 4 h
    act("B", "resolve", {"note": "已修好"})
    act("B", "rating", {"value": "unsatisfied", "comment": "拖太久"}, guilan)
    return ids


def rows(client, token, by):
    month = f"{T0.astimezone(timezone(timedelta(hours=8))):%Y-%m}"
    r = get(client, f"/v1/requests/stats?month={month}&by={by}", token)
    assert r.status_code == 200, r.body
    return {row["id"]: row for row in r.json_body["rows"]}, r.json_body["total"]


def test_rates_per_department_and_community_follow_the_definitions(client, city, at):
    history(client, city, at)
    admin = city.login("zz.admin")
    at(10)
    depts, total = rows(client, admin, "department")
    prop = depts["property"]
    assert {k: prop[k] for k in ("filed", "responded", "responded_on_time", "waiting_past_due", "resolved",
                                 "resolved_on_time", "open_past_due", "rated", "satisfied")} == {
        "filed": 5, "responded": 4, "responded_on_time": 3, "waiting_past_due": 1, "resolved": 2,
        "resolved_on_time": 2, "open_past_due": 0, "rated": 3, "satisfied": 1}
    assert (prop["response_rate"], prop["resolution_rate"], prop["satisfaction_rate"]) == (0.6, 1.0, 0.3333)
    muni = depts["municipal"]
    assert (muni["filed"], muni["response_rate"], muni["resolution_rate"]) == (1, None, None)
    assert depts["gas"]["filed"] == 0 and total["filed"] == 6
    communities, _ = rows(client, admin, "community")
    assert communities["jinghu"]["filed"] == 6 and communities["jinghu"]["response_rate"] == 0.6
    assert communities["zhengda"]["filed"] == 0

    at(50)  # F (reopened at 1 h) is now past its new 48 h; E has waited past its 24 h to respond
    depts, _ = rows(client, admin, "department")
    assert (depts["property"]["open_past_due"], depts["property"]["resolution_rate"]) == (1, 0.6667)
    assert (depts["municipal"]["waiting_past_due"], depts["municipal"]["response_rate"]) == (1, 0.0)


def test_staff_see_the_rates_of_their_department_or_their_communities_only(client, city, at):
    history(client, city, at)
    depts, _ = rows(client, city.login("zz.zhao.wuye"), "department")
    assert list(depts) == ["property"] and depts["property"]["filed"] == 5
    communities, total = rows(client, city.login("zz.wang.fang"), "community")
    assert list(communities) == ["jinghu"] and total["filed"] == 6
    bad = get(client, "/v1/requests/stats?month=2026-13", city.login("zz.admin"))
    assert bad.status_code == 400 and bad.json_body["field"] == "month"
    bad = get(client, "/v1/requests/stats?by=grid", city.login("zz.admin"))
    assert bad.status_code == 400 and bad.json_body["field"] == "by"
    assert get(client, "/v1/requests/stats", city.login("zz.zhang.guilan")).status_code == 403
