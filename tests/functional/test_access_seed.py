"""The 门禁 demo data of 荆胡社区, seeded as `make run` does, read back through the API."""

from __future__ import annotations

from tests.support import auth


def test_jinghu_has_a_week_of_passages_and_one_lead_dismissed_after_a_visit(aws, client):
    aws.onboard("zhengzhou")
    written = aws.seed("zhengzhou", "residents", "directory", "points", "access")["access"]
    assert written > 6 * 6 * 4  # six days of at least two entries and two exits for each card household
    staff = auth(aws.login("zz.wang.fang"))
    page = client.http.get("/v1/rental-leads?community_id=jinghu&status=all", headers=staff).json_body
    assert page["counts"] == {"open": 0, "confirmed": 0, "dismissed": 1}
    lead = client.http.get("/v1/rental-leads/jinghu-g2-b5-1-2201", headers=staff).json_body
    assert lead["status"] == "dismissed" and lead["reasons"] == ["busy_days"]
    assert lead["history"][-1]["dismiss_reason"] == "family" and lead["weeks"][0]["busy_days"] == 2
    ordinary = client.http.get("/v1/rental-leads/jinghu-g1-b1-1-302", headers=staff)
    assert ordinary.status_code == 404  # 张桂兰: ordinary comings and goings, no lead
    again = aws.seed("zhengzhou", "residents", "directory", "points", "access")
    assert again["access"] == 0  # a second run changes nothing
