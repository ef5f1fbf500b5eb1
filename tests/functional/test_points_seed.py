"""The 垃圾分类积分 and 门禁 demo data of 荆胡社区 (the household cards both read), seeded as `make run` does,
read back through the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support import auth


def test_jinghu_households_have_two_weeks_of_points_a_week_of_passages_and_a_dismissed_lead(aws, client):
    aws.onboard("zhengzhou")
    seeded = aws.seed("zhengzhou", "residents", "directory", "points", "access")
    written = seeded["points"]
    assert written > 7 * 14  # cards, drops, stock, a redemption
    me = client.http.get("/v1/me/points", headers=auth(aws.login("zz.zhang.guilan"))).json_body
    assert me["balance"] > 0 and me["credentials"][0]["masked"] == "******0001"
    assert me["ranking"]["households"] >= 1 and me["ranking"]["building"]["zh"] == "1号楼"
    assert {g["id"] for g in me["goods"]} >= {"salt", "detergent"}
    jianjun = client.http.get("/v1/me/points", headers=auth(aws.login("zz.wang.jianjun"))).json_body
    assert jianjun["redeemed"] == 50 and jianjun["ledger"]["items"][0]["kind"] in ("redemption", "deposit")
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).strftime("%Y-%m")
    d = client.http.get(f"/v1/points/diversion?month={yesterday}", headers=auth(aws.login("zz.admin"))).json_body
    assert [c["community_id"] for c in d["communities"]] == ["jinghu"] and d["totals"]["total_kg"] > 1
    # 门禁: six days of ordinary comings and goings; one lead, dismissed after a visit
    assert seeded["access"] > 6 * 6 * 4  # six days of at least two entries and two exits for each card household
    staff = auth(aws.login("zz.wang.fang"))
    page = client.http.get("/v1/rental-leads?community_id=jinghu&status=all", headers=staff).json_body
    assert page["counts"] == {"open": 0, "confirmed": 0, "dismissed": 1}
    lead = client.http.get("/v1/rental-leads/jinghu-g2-b5-1-2201", headers=staff).json_body
    assert lead["status"] == "dismissed" and lead["reasons"] == ["busy_days"]
    assert lead["history"][-1]["dismiss_reason"] == "family" and lead["weeks"][0]["busy_days"] == 2
    ordinary = client.http.get("/v1/rental-leads/jinghu-g1-b1-1-302", headers=staff)
    assert ordinary.status_code == 404  # 张桂兰: ordinary comings and goings, no lead
    again = aws.seed("zhengzhou", "residents", "directory", "points", "access")
    assert (again["points"], again["access"]) == (0, 0)  # a second run changes nothing
