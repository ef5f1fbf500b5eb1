"""The 垃圾分类积分 demo data of 荆胡社区, seeded as `make run` does, read back through the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support import auth


def test_jinghu_households_have_two_weeks_of_points_a_ranking_and_a_stocked_exchange(aws, client):
    aws.onboard("zhengzhou")
    written = aws.seed("zhengzhou", "residents", "directory", "points")["points"]
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
    assert aws.seed("zhengzhou", "residents", "directory", "points")["points"] == 0  # a second run changes nothing
