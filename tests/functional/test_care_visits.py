"""巡访关爱: a care subject's visit level sets when the next visit is due; the community's queue puts the
overdue first and escalates the long overdue; a need found on a visit becomes a service request in the
same step; family see the next visit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.functional.test_care import get, post, register, subject_id, with_daughter, zz  # noqa: F401

TODAY = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def visit(client: Any, aws: Any, **body: Any) -> Any:
    return post(client, f"/v1/care/{subject_id(aws)}/visits", aws.login("zz.wang.fang"),
                {"visited_on": day(0), "note": "上门看望，精神不错。", **body})


def queue(client: Any, aws: Any, user: str = "zz.wang.fang") -> dict[str, Any]:
    r = get(client, "/v1/communities/jinghu/care-visits", aws.login(user))
    assert r.status_code == 200, r.body
    return r.json_body


def test_the_level_of_her_category_sets_the_next_visit_and_each_visit_moves_it(client, zz):  # noqa: F811
    r = register(client, zz)  # 独居: 重点巡访, a home visit a week
    assert r.status_code == 201, r.body
    plan = r.json_body["plan"]
    assert (plan["level"], plan["name"]["zh"], plan["every_days"], plan["mode"]) == ("focus", "重点巡访", 7, "home")
    assert plan["next_on"] == day(7)
    row = queue(client, zz)["items"][0]
    assert (row["name"], row["state"], row["days_overdue"], row["escalated"]) == ("张*兰", "planned", 0, False)

    # a home visit ten days ago (recorded late): the next was due three days ago
    r = visit(client, zz, visited_on=day(-10), note="上门探访，提醒手环充电。")
    assert r.status_code == 201 and r.json_body["plan"]["next_on"] == day(-3), r.body
    assert r.json_body["last_visit"]["mode"] == "home" and r.json_body["last_visit"]["outcome"] == "well"
    q = queue(client, zz)
    assert (q["overdue"], q["items"][0]["state"], q["items"][0]["days_overdue"]) == (1, "overdue", 3)
    # an older visit recorded afterwards changes nothing
    assert visit(client, zz, visited_on=day(-20)).json_body["plan"]["next_on"] == day(-3)
    # moved to 普遍巡访 (a phone call a month): due 30 days after the last visit
    r = client.http.put(f"/v1/care/{subject_id(zz)}/visit-plan", headers={**_h(zz, "zz.wang.fang")},
                        body=b'{"level": "general"}')
    assert r.status_code == 200 and r.json_body["plan"]["next_on"] == day(20), r.body
    # a call today asks to come back within five days, sooner than the level would
    r = visit(client, zz, mode="phone", follow_up_on=day(5))
    assert r.json_body["plan"]["next_on"] == day(5) and r.json_body["last_visit"]["follow_up_on"] == day(5)
    # nobody answered: the visit is still to be made, tomorrow
    r = visit(client, zz, mode="phone", outcome="not_reached", note="电话无人接听。")
    assert r.json_body["plan"]["next_on"] == day(1)
    assert queue(client, zz)["items"][0]["state"] == "due_soon"


def _h(aws: Any, user: str) -> dict[str, str]:
    from tests.support import JSON_HEADERS, auth

    return {**auth(aws.login(user)), **JSON_HEADERS}


def test_a_visit_overdue_by_a_whole_interval_is_escalated(client, zz):  # noqa: F811
    assert register(client, zz).status_code == 201
    assert visit(client, zz, visited_on=day(-15)).status_code == 201  # due 8 days ago, the interval is 7
    row = queue(client, zz)["items"][0]
    assert (row["state"], row["days_overdue"], row["escalated"]) == ("overdue", 8, True)
    assert queue(client, zz, "zz.admin")["items"][0]["escalated"] is True  # the city sees it too


def test_an_escalated_visit_becomes_an_alert_for_the_grid_that_recording_the_visit_closes(client, zz):  # noqa: F811
    from chalicelib.care.jobs import overdue_visits_job
    from chalicelib.care.repository import CareRepository
    from chalicelib.store.keys import TenantContext
    from tests.functional.places import list_alerts

    assert register(client, zz).status_code == 201
    assert visit(client, zz, visited_on=day(-10)).status_code == 201  # overdue 3 days: not escalated, no alert
    assert overdue_visits_job({}, None)["raised"]["zhengzhou"] == 0
    repo = CareRepository(TenantContext("zhengzhou"))
    stored = repo.get(subject_id(zz))
    assert stored is not None  # a week on: due 8 days ago, a whole interval (7) late
    repo.save({**stored.doc, "next_visit_on": day(-8)}, stored.version)
    assert overdue_visits_job({}, None)["raised"]["zhengzhou"] == 1
    assert overdue_visits_job({}, None)["raised"]["zhengzhou"] == 0  # one alert while it is open
    staff = zz.login("zz.wang.fang")
    found = [a for a in list_alerts(client, staff) if a["device_type"] == "care_visit"]
    assert len(found) == 1
    alert = found[0]
    assert alert["rule_name"]["zh"] == "巡访逾期：张*兰 已逾期 8 天" and alert["severity"] == "warning"
    assert alert["state"] == "open" and alert["household_id"] == "jinghu-g1-b1-1-302"
    inbox = get(client, "/v1/me/notifications", staff).json_body["items"]
    assert any(n.get("alert_id") == alert["alert_id"] for n in inbox), inbox
    assert visit(client, zz).status_code == 201  # the visit is made: the alert closes by itself
    closed = get(client, f"/v1/alerts/{alert['alert_id']}", staff).json_body
    assert closed["state"] == "resolved" and closed["timeline"][-1]["by"] == "zz.wang.fang"
    assert "巡访已完成" in closed["timeline"][-1]["note"]
    assert overdue_visits_job({}, None)["raised"]["zhengzhou"] == 0


def test_a_need_found_on_a_visit_becomes_a_service_request_for_her_home(client, zz):  # noqa: F811
    assert register(client, zz).status_code == 201
    r = visit(client, zz, outcome="needs_help")
    assert r.status_code == 400 and r.json_body["field"] == "need", r.body
    r = visit(client, zz, outcome="needs_help", need={"category": "no-such", "description": "卫生间水龙头漏水"})
    assert r.status_code == 400 and r.json_body["field"].startswith("need"), r.body
    assert get(client, f"/v1/care/{subject_id(zz)}", zz.login("zz.wang.fang")).json_body["last_visit"] is None

    r = visit(client, zz, outcome="needs_help", note="卫生间水龙头漏水，老人行动不便。",
              need={"category": "water-electric-repair", "description": "卫生间水龙头漏水，需上门维修。"})
    assert r.status_code == 201, r.body
    last = r.json_body["last_visit"]
    assert last["outcome"] == "needs_help" and last["need"] == "卫生间水龙头漏水，需上门维修。"
    request = get(client, f"/v1/requests/{last['request_id']}", zz.login("zz.wang.fang")).json_body
    assert request["channel"] == "visit" and request["location"]["household_id"] == "jinghu-g1-b1-1-302"
    assert request["on_behalf_of"] == "张*兰"
    mine = get(client, "/v1/me/requests", zz.login("zz.zhang.guilan")).json_body["items"]
    assert last["request_id"] in {m["request_id"] for m in mine}  # she follows it like her own


@pytest.mark.parametrize(("body", "field"), [
    ({"mode": "video"}, "mode"),
    ({"outcome": "fine"}, "outcome"),
    ({"follow_up_on": "2020-01-01"}, "follow_up_on"),
    ({"visited_on": day(1)}, "visited_on"),
])
def test_bad_visits_are_refused_naming_the_field(client, zz, body, field):  # noqa: F811
    assert register(client, zz).status_code == 201
    r = visit(client, zz, **body)
    assert r.status_code == 400 and field in r.json_body["field"], r.body


def test_family_see_the_next_visit_and_other_places_see_no_queue(client, zz):  # noqa: F811
    sid, na = with_daughter(client, zz)
    assert visit(client, zz, visited_on=day(-1)).status_code == 201
    status = get(client, f"/v1/care/{sid}/status", na).json_body
    assert status["next_visit"]["next_on"] == day(6) and status["next_visit"]["name"]["zh"] == "重点巡访"
    assert get(client, "/v1/communities/jinghu/care-visits", na).status_code == 403  # residents: no queue
    assert get(client, "/v1/communities/jinghu/care-visits", zz.login("zz.zhang.lei")).status_code == 403
    zz.onboard("yinchuan")
    assert get(client, "/v1/communities/jinghu/care-visits", zz.login("yc.admin")).status_code == 404
    r = client.http.put(f"/v1/care/{sid}/visit-plan", headers=_h(zz, "zz.wang.fang"), body=b'{"level": "weekly"}')
    assert r.status_code == 400 and r.json_body["field"] == "level"


def test_an_sos_puts_her_first_as_an_urgent_visit_until_a_visit_is_recorded(client, zz):  # noqa: F811
    from tests.functional.places import T0, apply, transition

    assert register(client, zz).status_code == 201
    assert apply(transition("zz-band-zgl", "wristband.sos", T0.timestamp())).raised == 1
    q = queue(client, zz)
    row = q["items"][0]
    assert (q["urgent"], row["state"], row["alert"]["rule_id"]) == (1, "urgent", "wristband.sos")
    assert visit(client, zz, note="接到呼救后上门，老人摔倒后已扶起，无大碍。").status_code == 201
    q = queue(client, zz)
    assert (q["urgent"], q["items"][0]["state"], q["items"][0]["alert"]) == (0, "planned", None)


def test_the_dashboard_counts_the_months_visits_and_how_many_were_on_time(client, zz):  # noqa: F811
    assert register(client, zz).status_code == 201  # 重点巡访: the first visit due in 7 days
    for body in ({"visited_on": day(-20)},  # on time (before day 7); the next due day(-13)
                 {"visited_on": day(-5)},  # late: due day(-13)
                 {"outcome": "not_reached", "note": "敲门无人应答。"},  # not a visit made; due tomorrow
                 {"outcome": "needs_help", "note": "老人说厨房灯坏了。",  # on time, a need filed
                  "need": {"category": "water-electric-repair", "description": "厨房顶灯不亮，需要更换。"}}):
        assert visit(client, zz, **body).status_code == 201
    admin = zz.login("zz.admin")
    months = sorted({day(-20)[:7], day(-5)[:7], day(0)[:7]})
    figures = [get(client, f"/v1/dashboard?month={m}", admin).json_body["care_visits"] for m in months]
    summed = [sum(f["totals"][k] for f in figures) for k in ("visits", "on_time", "not_reached", "needs")]
    assert summed == [3, 2, 1, 1]
    assert all(c["community_id"] == "jinghu" for f in figures for c in f["communities"])
    if len(months) == 1:
        assert figures[0]["communities"][0]["on_time_rate"] == 0.667
    # other communities' staff see none of it
    other = get(client, f"/v1/dashboard?month={months[-1]}", zz.login("zz.zhang.lei")).json_body["care_visits"]
    assert other["communities"] == [] and other["totals"]["visits"] == 0 and other["totals"]["on_time_rate"] is None


def test_a_visit_made_by_a_volunteer_or_a_doctor_is_recorded_with_who_made_it(client, zz):  # noqa: F811
    assert register(client, zz).status_code == 201
    r = visit(client, zz, visitor="volunteer", visitor_name="刘志强", note="志愿者上门陪老人聊天，帮忙买菜。")
    assert r.status_code == 201, r.body
    last = r.json_body["last_visit"]
    assert (last["visitor"], last["visitor_name"], last["by"]) == ("volunteer", "刘*强", "zz.wang.fang")
    for body in ({"visitor": "doctor"}, {"visitor_name": "刘志强"}, {"visitor": "nurse", "visitor_name": "王"}):
        r = visit(client, zz, **body)
        assert r.status_code == 400 and r.json_body["field"].startswith("visitor"), r.body
