"""The demo requests of both cities seed through the use cases and read back through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tests.functional.test_requests import get


def test_both_cities_demo_requests_show_queues_timelines_and_rates(client, aws):
    for tenant in ("zhengzhou", "yinchuan"):
        aws.onboard(tenant)
    assert aws.seed("zhengzhou", "residents", "requests")["requests"] == 13
    assert aws.seed("yinchuan", "residents", "requests")["requests"] == 5
    assert aws.seed("zhengzhou", "requests")["requests"] == 0  # seeding again adds nothing

    admin = aws.login("zz.admin")
    states = {}
    for state in ("submitted", "accepted", "assigned", "in_progress", "resolved", "closed", "rejected",
                  "duplicate"):
        items = get(client, f"/v1/communities/jinghu/requests?state={state}", admin).json_body["items"]
        states[state] = len(items)
    assert states == {"submitted": 2, "accepted": 0, "assigned": 2, "in_progress": 2, "resolved": 1,
                      "closed": 3, "rejected": 1, "duplicate": 1}
    overdue = get(client, "/v1/departments/property/requests?overdue=true", admin).json_body["items"]
    assert [i["category"] for i in overdue] == ["house-leak"] and overdue[0]["channel"] == "staff"
    mine = get(client, "/v1/me/requests", aws.login("zz.zhang.guilan")).json_body["items"]
    assert {m["category"] for m in mine} == {"water-electric-repair", "house-leak", "pipe-leak"}
    lift = next(i for i in get(client, "/v1/communities/jinghu/requests?state=in_progress", admin).json_body[
        "items"] if i["category"] == "elevator-fault")
    assert [s["action"] for s in lift["timeline"]][-3:] == ["reopen", "accept", "start"]
    zone = timezone(timedelta(hours=8))  # the demo requests go back 200 h: this month and maybe the last
    months = {f"{(datetime.now(UTC) - timedelta(hours=h)).astimezone(zone):%Y-%m}" for h in (0, 201)}
    totals = [get(client, f"/v1/requests/stats?month={m}", admin).json_body["total"] for m in months]
    assert sum(t["filed"] for t in totals) == 13 and sum(t["rated"] for t in totals) == 4
    assert sum(t["satisfied"] for t in totals) == 3

    yc = get(client, "/v1/communities/aolinpike/requests?state=closed", aws.login("yc.admin")).json_body["items"]
    assert [i["category"] for i in yc] == ["heating-fault"] and yc[0]["rating"]["value"] == "satisfied"
    assert get(client, "/v1/communities/jinghu/requests", aws.login("yc.admin")).status_code == 404
