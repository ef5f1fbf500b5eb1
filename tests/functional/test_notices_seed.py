"""The demo notices of both cities, seeded as staff and residents would have made them."""

from __future__ import annotations

import pytest

from tests.functional.test_notices import get, titles


@pytest.fixture
def cities(aws):
    written = {}
    for tenant in ("zhengzhou", "yinchuan"):
        aws.onboard(tenant)
        written[tenant] = aws.seed(tenant, "residents", "notices")["notices"]
    assert written == {"zhengzhou": 8 + 8 + 1, "yinchuan": 5 + 3 + 1}  # notices + reads + follow-ups
    return aws


def _notice(client, token, title):
    items = get(client, "/v1/notices?limit=100", token).json_body["items"]
    return next(i for i in items if i["title"]["zh"] == title)


def test_zhengzhou_residents_see_the_live_notices_and_staff_follow_up_the_past_rainstorm(client, cities):
    zhang = cities.login("zz.zhang.guilan")
    mine = get(client, "/v1/me/notices", zhang).json_body
    assert [i["title"]["zh"] for i in mine["items"]] == [
        "2026年第三季度社区公共收益公示", "寒潮蓝色预警", "重阳节敬老活动", "老旧小区改造征求意见通知",
        "城乡居民医保缴费提醒"]
    assert [i["read"] for i in mine["items"]] == [False, False, True, False, False] and mine["unread"] == 4
    cold = _notice(client, cities.login("zz.li.jianguo"), "寒潮蓝色预警")
    assert (cold["state"], cold["severity"], cold["stats"]["readers"]) == ("live", "blue", 1)
    assert "2号楼电梯维保停运通知" in titles(client, cities.login("zz.zhao.min"))  # building 2 only
    assert titles(client, cities.login("zz.ma.lan")) == ["郑大社区周末义诊", "城乡居民医保缴费提醒"]

    staff = cities.login("zz.wang.fang")
    storm = _notice(client, staff, "暴雨橙色预警")
    assert (storm["state"], storm["severity"], storm["stats"]["readers"]) == ("expired", "orange", 4)
    r = get(client, f"/v1/notices/{storm['notice_id']}/receipts", staff).json_body
    assert (r["households"], r["read"], r["unread"], r["read_rate"]) == (8, 4, 4, 0.5)
    assert [(h["household_id"], h["members"]) for h in r["items"]] == [
        ("jinghu-g1-b2-1-801", ["王*军"]), ("jinghu-g1-b2-2-1203", ["赵*"]), ("jinghu-g2-b4-2-1502", ["李*"]),
        ("jinghu-g2-b6-1-3001", ["陈*"])]
    read = get(client, f"/v1/notices/{storm['notice_id']}/receipts?state=read", staff).json_body["items"]
    visit = next(h for h in read if h["household_id"] == "jinghu-g1-b3-3-601")
    assert (visit["read_by"], visit["read_via"], len(visit["followups"])) == ("zz.wang.fang", "visit", 1)


def test_yinchuan_has_a_live_gale_warning_with_receipts_for_aolinpike(client, cities):
    fengying = cities.login("yc.ma.fengying")
    mine = get(client, "/v1/me/notices", fengying).json_body["items"]
    assert [(i["title"]["zh"], i["severity"]) for i in mine][:2] == [("大风蓝色预警", "blue"), ("供暖季开始通知", None)]
    staff = cities.login("yc.ma.xiaoyan")
    gale = _notice(client, staff, "大风蓝色预警")
    r = get(client, f"/v1/notices/{gale['notice_id']}/receipts", staff).json_body
    assert (r["households"], r["read"], r["unread"]) == (5, 3, 2)
    assert [h["household_id"] for h in r["items"]] == ["aolinpike-g3-b6-3-401", "aolinpike-g3-b7-2-301"]
    assert titles(client, cities.login("yc.li.hong")) == ["悦海社区2026年第三季度公共收益公示",
                                                          "冬季清洁取暖补贴政策解读"]


def test_seeding_again_adds_nothing(client, cities):
    from infra.local.seed import seed
    from tests.support import PASSWORD

    assert seed(cities.manifests["zhengzhou"], PASSWORD, ("notices",)) == {"notices": 0}
    items = get(client, "/v1/notices?limit=100", cities.login("zz.admin")).json_body["items"]
    assert len(items) == 8
