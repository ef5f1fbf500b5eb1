"""Who is told at each level, decided from the manifest's staff (fakes, no AWS)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.alerts import messages
from chalicelib.alerts.routing import Router, next_escalation

USERS = [
    {"username": "admin", "role": "city_admin", "communities": [], "grids": []},
    {"username": "g1.owner", "role": "staff", "communities": ["c1"], "grids": ["c1-g1"]},
    {"username": "g2.owner", "role": "staff", "communities": ["c1"], "grids": ["c1-g2"]},
    {"username": "c1.all", "role": "staff", "communities": ["c1"], "grids": []},
    {"username": "two.places", "role": "staff", "communities": ["c1", "c2"], "grids": ["c2-g1"]},
    {"username": "c2.only", "role": "staff", "communities": ["c2"], "grids": []},
]


class FakeConfig:
    def __init__(self, users: list[dict[str, Any]]) -> None:
        self.users = users

    def list_type(self, item_type: str) -> list[dict[str, Any]]:
        return self.users if item_type == "user" else []


class FakeTenancy:
    def __init__(self, users: list[dict[str, Any]]) -> None:
        self.repo = FakeConfig(users)

    def children(self, kind: str, parent: dict[str, Any]) -> list[dict[str, Any]]:
        community = parent["path"][-1]
        return [{"id": f"{community}-g1"}, {"id": f"{community}-g2"}] if kind == "grid" else []


def router(users: list[dict[str, Any]] = USERS) -> Router:
    return Router(FakeTenancy(users), residents=None, inbox=None)  # type: ignore[arg-type]


def alert(grid: str | None = "c1-g1", community: str = "c1") -> dict[str, Any]:
    path = ["d", "s", community, *([grid] if grid else [])]
    return {"community_id": community, "grid_id": grid, "path": path, "severity": "critical"}


def test_level_one_is_the_grids_owner_and_community_staff_without_a_grid_there():
    assert router().staff(1, alert("c1-g1")) == ["c1.all", "g1.owner", "two.places"]
    assert router().staff(1, alert("c1-g2")) == ["c1.all", "g2.owner", "two.places"]


def test_a_public_spot_goes_to_the_whole_community_at_level_one():
    assert router().staff(1, alert(None)) == ["c1.all", "g1.owner", "g2.owner", "two.places"]


def test_level_two_is_the_community_and_level_three_the_city():
    assert router().staff(2, alert()) == ["c1.all", "g1.owner", "g2.owner", "two.places"]
    assert router().staff(3, alert()) == ["admin"]


def test_nobody_at_a_level_means_the_next_one_is_told():
    assert router([USERS[0]]).staff(1, alert()) == ["admin"]


@pytest.mark.parametrize(("severity", "minutes"), [("critical", 5), ("warning", 30), ("info", 240)])
def test_each_severity_waits_its_time_and_the_top_level_waits_for_nothing(severity, minutes):
    from datetime import UTC, datetime, timedelta

    at = datetime(2026, 3, 2, tzinfo=UTC)
    assert next_escalation(severity, 1, at) == at + timedelta(minutes=minutes)
    assert next_escalation(severity, 3, at) is None


def test_notification_text_is_chinese_first_then_english():
    doc = {**alert(), "household_id": "c1-g1-b1-1-0501", "device_type": "smoke", "device_id": "d-1",
           "rule_id": "smoke.alarm"}
    from datetime import timedelta

    text = messages.text(doc, 2, timedelta(minutes=5))
    assert text["zh"].startswith("【紧急】c1-g1-b1-1-0501 烟感") and "5分钟内无人确认，已升级至社区" in text["zh"]
    assert text["en"].startswith("[critical] smoke detector d-1") and "within 5 min" in text["en"]
    assert "4小时" in messages.text({**doc, "severity": "info"}, 2, timedelta(hours=4))["zh"]
