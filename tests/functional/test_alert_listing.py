"""Staff list alerts by place (street, community, grid, building, household), state and severity,
a page at a time, with Queries on the alert index; staff only within their communities."""

from __future__ import annotations

import pytest

from tests.functional.places import HOUSEHOLD, T0, apply, list_alerts, post, register_all, transition
from tests.support import auth

TS = T0.timestamp()


@pytest.fixture
def city(aws, client):
    aws.onboard("zhengzhou")
    register_all(client, aws.token_for("city_admin", "zhengzhou"))
    apply(transition("zz-smoke-0501", "smoke.alarm", TS),  # jinghu / g1 / b1 / household
          transition("zz-smoke-0501", "smoke.battery_low", TS, severity="info"),
          transition("zz-gas-b4", "gas.leak", TS + 1),  # jinghu / g2 / b4
          transition("zz-manhole-gate", "manhole.open", TS + 2, severity="warning"),  # jinghu (public spot)
          transition("zz-noise-zd", "noise.night", TS + 3, severity="warning"),  # daxuelu street / zhengda
          transition("zz-bin-nyy", "smart_bin.full", TS + 4, severity="info"))  # jinshui district
    return aws


def _devices(items):
    return sorted(f"{a['device_id']}/{a['rule_id']}" for a in items)


def test_a_city_admin_sees_the_whole_city_by_default(client, city):
    assert len(list_alerts(client, city.token_for("city_admin", "zhengzhou"))) == 6


def test_staff_see_their_communities_by_default(client, city):
    assert _devices(list_alerts(client, city.token_for("staff", "zhengzhou"))) == [
        "zz-gas-b4/gas.leak", "zz-manhole-gate/manhole.open", "zz-smoke-0501/smoke.alarm",
        "zz-smoke-0501/smoke.battery_low"]


@pytest.mark.parametrize(("scope", "expected"), [
    ("erqi", 5), ("renhelu", 4), ("daxuelu", 1), ("jinghu", 4), ("jinghu-g1", 2), ("jinghu-g2", 1),
    ("jinghu-g2-b4", 1), (HOUSEHOLD, 2), ("jinghu-g1-b1-1-0502", 0), ("nongyeyuan", 1), ("jinshui", 1),
])
def test_a_scope_selects_a_district_street_community_grid_building_or_household(client, city, scope, expected):
    items = list_alerts(client, city.token_for("city_admin", "zhengzhou"), f"scope={scope}")
    assert len(items) == expected
    assert all(scope in a["path"] for a in items)


def test_the_severity_filter_reads_only_that_severity(client, city):
    admin = city.token_for("city_admin", "zhengzhou")
    assert _devices(list_alerts(client, admin, "severity=critical")) == ["zz-gas-b4/gas.leak",
                                                                          "zz-smoke-0501/smoke.alarm"]
    assert _devices(list_alerts(client, admin, "severity=info&scope=jinghu")) == ["zz-smoke-0501/smoke.battery_low"]


def test_the_state_filter_follows_the_lifecycle(client, city):
    staff = city.token_for("staff", "zhengzhou")
    gas = next(a for a in list_alerts(client, staff) if a["device_id"] == "zz-gas-b4")["alert_id"]
    assert post(client, f"/v1/alerts/{gas}/acknowledge", staff).status_code == 200
    assert [a["alert_id"] for a in list_alerts(client, staff, "state=acknowledged")] == [gas]
    assert len(list_alerts(client, staff, "state=open")) == 3
    assert post(client, f"/v1/alerts/{gas}/resolve", staff, {"note": "阀门已关闭"}).status_code == 200
    assert list_alerts(client, staff, "state=acknowledged") == []
    assert [a["alert_id"] for a in list_alerts(client, staff, "state=resolved&severity=critical")] == [gas]


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_pages_follow_each_other_without_gaps_or_repeats(client, city, limit):
    admin = auth(city.token_for("city_admin", "zhengzhou"))
    everything = [a["alert_id"] for a in client.http.get("/v1/alerts", headers=admin).json_body["items"]]
    seen, cursor = [], None
    for _ in range(10):
        page = client.http.get(f"/v1/alerts?limit={limit}" + (f"&cursor={cursor}" if cursor else ""),
                               headers=admin).json_body
        assert len(page["items"]) <= limit
        seen += [a["alert_id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == everything and len(seen) == 6


def test_staff_cannot_list_places_outside_their_communities(client, city):
    staff = auth(city.token_for("staff", "zhengzhou"))  # serves jinghu, the only community of renhelu
    for scope in ("daxuelu", "zhengda", "zhengda-g1", "erqi", "jinshui"):
        r = client.http.get(f"/v1/alerts?scope={scope}", headers=staff)
        assert r.status_code == 403 and r.json_body["field"] == "scope", scope
    assert client.http.get("/v1/alerts?scope=renhelu", headers=staff).status_code == 200


@pytest.mark.parametrize(("query", "field", "status"), [
    ("state=maybe", "state", 400), ("severity=loud", "severity", 400), ("limit=0", "limit", 400),
    ("limit=201", "limit", 400), ("cursor=%%%", "cursor", 400), ("scope=Jinghu", "scope", 400),
    ("scope=no-such-place", "scope", 404), ("sort=asc", "sort", 400),
])
def test_bad_list_parameters_are_refused_naming_them(client, city, query, field, status):
    r = client.http.get(f"/v1/alerts?{query}", headers=auth(city.token_for("city_admin", "zhengzhou")))
    assert r.status_code == status, r.body
    assert r.json_body["field"] == field
