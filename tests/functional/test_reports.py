"""The city dashboard (一屏统览): the month's requests by state and department with their rates, open
alerts by type and community, devices online, trends and the communities for the map — for a city
admin the whole city, for staff their communities, for another city nothing of this one."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from tests.functional.places import CITY, apply, list_alerts, post, register_all, transition
from tests.support import auth

ZONE = timezone(timedelta(hours=8))
NOW = datetime.now(UTC)
MONTH = f"{NOW.astimezone(ZONE):%Y-%m}"
STATES = ("submitted", "accepted", "assigned", "in_progress", "resolved", "closed", "rejected", "duplicate",
          "reopened")


@pytest.fixture
def city(aws, client):
    """郑州 with its demo residents and requests, five devices, four active alerts and one resolved."""
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents", "requests")
    register_all(client, aws.token_for("city_admin", "zhengzhou"))
    ts = NOW.timestamp()
    apply(transition("zz-smoke-0501", "smoke.alarm", ts),  # jinghu
          transition("zz-gas-b4", "gas.leak", ts + 1),  # jinghu
          transition("zz-manhole-gate", "manhole.open", ts + 2, severity="warning"),  # jinghu
          transition("zz-noise-zd", "noise.night", ts + 3, severity="warning"),  # zhengda
          transition("zz-bin-nyy", "smart_bin.full", ts + 4, severity="info"),  # nongyeyuan
          now=NOW)
    staff = aws.token_for("staff", "zhengzhou")
    alerts = {a["device_id"]: a["alert_id"] for a in list_alerts(client, aws.token_for("city_admin", "zhengzhou"))}
    assert post(client, f"/v1/alerts/{alerts['zz-gas-b4']}/acknowledge", staff, {}).status_code == 200
    resolved = post(client, f"/v1/alerts/{alerts['zz-manhole-gate']}/resolve", staff, {"note": "盖板已复位"})
    assert resolved.status_code == 200
    return aws


def dashboard(client, token, query=""):
    r = client.http.get(f"/v1/dashboard{query}", headers=auth(token))
    assert r.status_code == 200, r.body
    return r.json_body


def counts(items):
    return {i["id"]: i["count"] for i in items}


def states_of_the_month(client, token, communities):
    """The oracle: every community's queue in every state, kept to the requests filed this month."""
    found = Counter()
    for c in communities:
        for state in STATES:
            r = client.http.get(f"/v1/communities/{c}/requests?state={state}&limit=100", headers=auth(token))
            found[state] += sum(datetime.fromisoformat(i["created_at"]).astimezone(ZONE).strftime("%Y-%m") == MONTH
                                for i in r.json_body["items"])
    return found


def test_a_city_admin_sees_the_months_requests_by_state_and_department_with_the_rates(client, city):
    admin = city.login("zz.admin")
    d = dashboard(client, admin)
    assert (d["month"], d["scope"]) == (MONTH, "city")
    stats = client.http.get(f"/v1/requests/stats?month={MONTH}", headers=auth(admin)).json_body
    assert d["requests"]["total"] == {**stats["total"]}
    assert {r["id"]: r for r in d["requests"]["by_department"]} == {r["id"]: r for r in stats["rows"]}

    oracle = states_of_the_month(client, admin, ["jinghu", "zhengda", "nongyeyuan", "jingqilu"])
    by_state = counts(d["requests"]["by_state"])
    assert list(by_state) == ["submitted", "accepted", "assigned", "in_progress", "reopened", "resolved", "closed",
                              "rejected_or_duplicate"]
    assert by_state == {**{s: oracle[s] for s in by_state if s != "rejected_or_duplicate"},
                        "rejected_or_duplicate": oracle["rejected"] + oracle["duplicate"]}
    assert sum(by_state.values()) == d["requests"]["total"]["filed"] > 0

    overdue = client.http.get("/v1/departments/property/requests?overdue=true", headers=auth(admin)).json_body
    assert d["requests"]["overdue_all"] >= len(overdue["items"]) >= 1
    trend = d["requests"]["trend"]
    assert [t["month"] for t in trend][-1] == MONTH and len(trend) == 6
    assert trend[-1]["filed"] == d["requests"]["total"]["filed"]
    assert sum(t["filed"] for t in trend) == 13  # every demo request is at most 200 h old
    assert sum(c["requests_filed"] for c in d["communities"]) == d["requests"]["total"]["filed"]


def test_open_alerts_count_by_type_severity_community_and_day(client, city):
    d = dashboard(client, city.login("zz.admin"))["alerts"]
    assert (d["open"], d["unacknowledged"]) == (4, 3)  # the manhole alert was resolved, the gas one acknowledged
    assert counts(d["by_type"]) == {"smoke": 1, "gas": 1, "noise": 1, "smart_bin": 1}
    assert next(t for t in d["by_type"] if t["id"] == "gas")["name"]["zh"]
    assert counts(d["by_severity"]) == {"critical": 2, "warning": 1, "info": 1}
    assert counts(d["by_community"]) == {"zhengda": 1, "jinghu": 2, "nongyeyuan": 1, "jingqilu": 0}
    days = d["raised_per_day"]
    assert len(days) == 14 and days[-1] == {"date": f"{NOW.astimezone(ZONE):%Y-%m-%d}", "count": 4}


def test_the_map_has_every_community_with_its_location_alerts_and_devices_online(client, city):
    from chalicelib.telemetry.pipeline import process_batch

    now_ms = int(time.time() * 1000)
    process_batch(CITY, [orjson.dumps({"device": "zz-noise-zd", "ts": now_ms - 60_000, "metrics": {"laeq": 48.0}}),
                         orjson.dumps({"device": "zz-bin-nyy", "ts": now_ms - 5 * 3_600_000,
                                       "metrics": {"fillingLevel": 0.2}})], now_ms)
    from chalicelib.reports.repository import DashboardReader

    assert set(DashboardReader(CITY).last_samples(["zz-noise-zd", "zz-bin-nyy"])) == {"zz-noise-zd", "zz-bin-nyy"}
    d = dashboard(client, city.login("zz.admin"))
    places = {c["id"]: c for c in d["communities"]}
    assert set(places) == {"jinghu", "zhengda", "nongyeyuan", "jingqilu"}
    assert places["jinghu"]["location"] == {"lat": 34.7036, "lng": 113.6288}
    assert places["jinghu"]["name"] == {"zh": "荆胡社区", "en": "Jinghu Community"}
    assert (places["jinghu"]["open_alerts"], places["jinghu"]["devices"]) == (2, 3)
    # a noise meter heard a minute ago is online; a smart bin (hourly heartbeat) silent for 5 h is not
    assert (places["zhengda"]["devices_online"], places["nongyeyuan"]["devices_online"]) == (1, 0)
    assert (d["devices"]["total"], d["devices"]["online"]) == (5, 1)
    assert counts(d["devices"]["by_type"])["smoke"] == 1


def test_staff_see_their_communities_and_their_own_departments_row_only(client, city):
    d = dashboard(client, city.login("zz.wang.fang"))
    assert d["scope"] == "communities"
    assert [c["id"] for c in d["communities"]] == ["jinghu"]
    assert counts(d["alerts"]["by_community"]) == {"jinghu": 2} and d["alerts"]["open"] == 2
    assert d["devices"]["total"] == 3
    assert [r["id"] for r in d["requests"]["by_department"]] == ["community-service"]
    stats = client.http.get(f"/v1/requests/stats?month={MONTH}&by=community",
                            headers=auth(city.login("zz.wang.fang"))).json_body
    assert d["requests"]["total"] == stats["total"]
    oracle = states_of_the_month(client, city.login("zz.admin"), ["jinghu"])
    assert sum(counts(d["requests"]["by_state"]).values()) == sum(oracle.values())


def test_another_citys_admin_sees_only_their_city(client, city):
    city.onboard("yinchuan")
    d = dashboard(client, city.token_for("city_admin", "yinchuan"))
    assert {c["id"] for c in d["communities"]} == {c.id for dist in city.manifests["yinchuan"].hierarchy.districts
                                                    for s in dist.streets for c in s.communities}
    assert (d["alerts"]["open"], d["devices"]["total"], d["requests"]["total"]["filed"]) == (0, 0, 0)
    assert "jinghu" not in str(d) and "荆胡" not in str(d)


def test_an_earlier_month_and_bad_input(client, city):
    admin = city.login("zz.admin")
    d = dashboard(client, admin, "?month=2025-01")
    assert d["month"] == "2025-01" and d["requests"]["total"]["filed"] == 0
    assert [t["month"] for t in d["requests"]["trend"]] == ["2024-08", "2024-09", "2024-10", "2024-11", "2024-12",
                                                            "2025-01"]
    assert d["alerts"]["open"] == 4  # alerts and devices are as of now, whatever the month
    bad = client.http.get("/v1/dashboard?month=2026-13", headers=auth(admin))
    assert bad.status_code == 400 and bad.json_body["field"] == "month"
    bad = client.http.get("/v1/dashboard?by=grid", headers=auth(admin))
    assert bad.status_code == 400
    assert client.http.get("/v1/dashboard", headers=auth(city.login("zz.zhang.guilan"))).status_code == 403


def test_the_dashboard_is_a_bounded_number_of_queries_and_batch_reads_never_a_scan(client, city, monkeypatch):
    from pynamodb.connection.base import Connection

    admin = city.login("zz.admin")
    dashboard(client, admin)  # warm: the caller's city status is cached after the first request
    calls: list[str] = []
    original = Connection.dispatch

    def counting(self, operation_name, operation_kwargs):
        calls.append(operation_name)
        return original(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "dispatch", counting)
    dashboard(client, admin)
    ops = Counter(calls)
    departments, communities = 11, 4
    # profile + staff record (GetItem); communities, departments, every department's open queue, the
    # resolved-in-window index, 2 states × 3 severities of alerts, the device census (none yet: the health job
    # has not run) and so each community's devices, the month's sorting and caring-visit figures (Query);
    # counters and device states (BatchGetItem, ≤ 100 keys each)
    assert ops == {"GetItem": 2, "Query": 2 + departments + 1 + 6 + 1 + communities + 2, "BatchGetItem": 2}, ops
    assert sum(ops.values()) == 31

    # once the city health job has counted them, the devices are one Query, whatever the city's size
    from chalicelib.ops.health import city_gauges

    city_gauges("zhengzhou", datetime.now(UTC))
    calls.clear()
    d = dashboard(client, admin)
    assert Counter(calls) == {"GetItem": 2, "Query": 2 + departments + 1 + 6 + 1 + 2, "BatchGetItem": 1}
    assert (d["devices"]["total"], d["devices"]["online"]) == (5, 0)  # none has reported in this city


def _census(at, **rows):
    from chalicelib.reports.repository import CommunityDevices, DashboardReader

    DashboardReader(CITY).save_census({c: CommunityDevices(total, online, Counter(by_type), at)
                                       for c, (total, online, by_type) in rows.items()})


def test_the_dashboard_reads_the_health_jobs_census_while_it_is_fresh_and_counts_anew_after(client, city,
                                                                                            monkeypatch):
    """The census the city health job wrote is what the dashboard shows, with its time; once it is
    older than two runs (10 minutes), or misses a community, the devices are counted again — and the
    operators' metric says so."""
    from chalicelib.reports import service

    counted: list[tuple[str, dict]] = []
    monkeypatch.setattr(service, "emit", lambda tenant, values: counted.append((tenant, values)))
    admin = city.login("zz.admin")
    live = dashboard(client, admin)
    assert (live["devices"]["total"], live["devices"]["online"]) == (5, 0)  # none has reported in this city
    communities = [c["id"] for c in live["communities"]]
    rows = {c: (2, 1, {"smoke": 2}) for c in communities}
    at = datetime.now(UTC) - timedelta(minutes=4)
    _census(at, **rows)
    d = dashboard(client, admin)
    assert (d["devices"]["total"], d["devices"]["online"]) == (2 * len(communities), len(communities))
    assert counts(d["devices"]["by_type"])["smoke"] == 2 * len(communities)
    assert datetime.fromisoformat(d["devices"]["as_of"]) == at
    assert {c["id"]: c["devices"] for c in d["communities"]} == dict.fromkeys(communities, 2)
    assert counted == [("zhengzhou", {"DashboardDevicesCounted": 1})]  # the first load only: no census yet
    # a community the census does not have (onboarded since it ran): counted anew
    from chalicelib.reports.repository import DashboardReader
    from chalicelib.store.models import DeviceCensusItem

    DeviceCensusItem(CITY.device_census_pk(), communities[0]).delete()
    assert DashboardReader(CITY).census().keys() == set(communities[1:])
    again = dashboard(client, admin)
    assert (again["devices"]["total"], again["devices"]["online"]) == (5, 0)
    # older than 10 minutes: counted anew
    _census(datetime.now(UTC) - timedelta(minutes=11), **rows)
    stale = dashboard(client, admin)
    assert (stale["devices"]["total"], stale["devices"]["online"]) == (5, 0)
    assert datetime.now(UTC) - datetime.fromisoformat(stale["devices"]["as_of"]) < timedelta(minutes=1)
    assert len(counted) == 3


def test_a_citys_census_is_its_own(client, city):
    """A census under 郑州's key, even one naming 银川's communities, is not 银川's: its dashboard counts
    its own devices (none), and 郑州's shows 郑州's census."""
    city.onboard("yinchuan")
    theirs = [c["id"] for c in dashboard(client, city.token_for("city_admin", "yinchuan"))["communities"]]
    ours = [c["id"] for c in dashboard(client, city.login("zz.admin"))["communities"]]
    assert theirs and not set(theirs) & set(ours)
    _census(datetime.now(UTC), **dict.fromkeys([*theirs, *ours], (99, 99, {"smoke": 99})))
    yinchuan = dashboard(client, city.token_for("city_admin", "yinchuan"))
    assert (yinchuan["devices"]["total"], yinchuan["devices"]["online"]) == (0, 0)
    zhengzhou = dashboard(client, city.login("zz.admin"))
    assert zhengzhou["devices"]["total"] == 99 * len(ours)
