"""The demo directory of both cities, seeded as `make run` does, seen through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import auth


@pytest.fixture
def cities(aws: Any) -> Any:
    for tenant in ("zhengzhou", "yinchuan"):
        aws.onboard(tenant)
        written = aws.seed(tenant, "residents", "directory")
        assert written["directory"] == {"zhengzhou": 20, "yinchuan": 13}[tenant]
    return aws


def _names(page: dict[str, Any]) -> list[str]:
    return [i["name"]["zh"] for i in page["items"]]


def test_a_jinghu_resident_sees_the_circle_around_home_nearest_first(cities, client):
    me = auth(cities.login("zz.zhang.guilan"))
    page = client.http.get("/v1/services/nearby?limit=50", headers=me).json_body
    distances = [i["distance_m"] for i in page["items"]]
    assert distances == sorted(distances) and max(distances) <= 1200
    names = _names(page)
    assert names[0] == "荆胡社区长者食堂" and "荆胡社区卫生服务站" in names and "菜鸟驿站（荆胡街店）" in names
    assert "洁丽干洗店" not in names and not any("郑大" in n or "奥林匹克" in n for n in names)
    wider = client.http.get("/v1/services/nearby?radius_m=2000&category=laundry", headers=me).json_body
    assert _names(wider) == ["洁丽干洗店"] and wider["items"][0]["walk_minutes"] == 18
    sorting = client.http.get("/v1/services/nearby?category=garbage_point", headers=me).json_body
    assert len(sorting["items"]) == 4 and "荆胡社区垃圾分类积分兑换站" in _names(sorting)


def test_a_yinchuan_resident_sees_only_yinchuans_points(cities, client):
    me = auth(cities.login("yc.ma.fengying"))
    names = _names(client.http.get("/v1/services/nearby?limit=50", headers=me).json_body)
    assert "奥林匹克公园小区老年餐桌" in names and len(names) == 11
    assert not any("荆胡" in n or "阅海" in n for n in names)
    directory = client.http.get("/v1/communities/aolinpike/services?category=canteen", headers=me).json_body
    assert [i["tags"] for i in directory["items"]] == [["助老", "助餐", "清真", "送餐上门"]]


def test_seeding_again_adds_nothing(cities):
    assert cities.seed("zhengzhou", "directory") == {"directory": 0}
