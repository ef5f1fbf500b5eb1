"""One active alert per (device, rule): raised by the engine's transitions, attached to while
active, acknowledged and resolved by staff, or auto-cleared — exactly once under redelivery
and concurrency."""

from __future__ import annotations

import math
import threading
from datetime import timedelta

import pytest

from chalicelib.alerts.models import ApplyResult
from tests.functional.places import HOUSEHOLD, T0, apply, list_alerts, post, transition
from tests.support import auth

SMOKE = "zz-smoke-0501"
TS = T0.timestamp()


def _get(client, token, alert_id):
    return client.http.get(f"/v1/alerts/{alert_id}", headers=auth(token))


def _only_alert(client, city, state="open"):
    items = list_alerts(client, city.token_for("city_admin", "zhengzhou"), f"state={state}&scope={HOUSEHOLD}")
    assert len(items) == 1, items
    return items[0]


def test_a_raise_opens_one_alert_routed_to_the_grids_staff(client, city):
    result = apply(transition(SMOKE, "smoke.alarm", TS, value=0.31))
    assert result == ApplyResult(raised=1)
    alert = _only_alert(client, city)
    assert (alert["state"], alert["severity"], alert["occurrences"], alert["level"]) == ("open", "critical", 1, 1)
    assert alert["path"][-1] == HOUSEHOLD and alert["device_type"] == "smoke" and alert["last_value"] == 0.31
    assert alert["timeline"][0]["action"] == "raised" and alert["timeline"][0]["by"] == "system"
    assert alert["timeline"][0]["to"] == ["zz.wang.fang"]  # owns jinghu-g1; zz.li.jianguo owns jinghu-g2
    assert alert["escalate_at"] == "2026-03-02T08:05:00Z"


def test_a_redelivered_raise_is_ignored_and_a_new_sample_is_counted_as_an_occurrence(client, city):
    first = transition(SMOKE, "smoke.alarm", TS)
    assert apply(first, first) == ApplyResult(raised=1, ignored=1)
    assert apply(first) == ApplyResult(ignored=1)
    assert apply(transition(SMOKE, "smoke.alarm", TS + 60, value=0.5)) == ApplyResult(attached=1)
    alert = _only_alert(client, city)
    assert alert["occurrences"] == 2 and alert["last_value"] == 0.5
    assert alert["last_seen"] == "2026-03-02T08:01:00Z"


@pytest.mark.parametrize("same_sample", [False, True], ids=["distinct samples", "one sample redelivered"])
def test_concurrent_batches_open_exactly_one_alert(client, city, atomic_dynamodb, same_sample):
    threads, results, start = 8, [], threading.Barrier(8)

    def worker(n: int) -> None:
        start.wait()
        results.append(apply(transition(SMOKE, "smoke.alarm", TS + (0 if same_sample else n))))

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=60)
    assert len(results) == threads
    assert sum(r.raised for r in results) == 1
    alert = _only_alert(client, city)
    if same_sample:
        assert sum(r.ignored for r in results) == threads - 1 and alert["occurrences"] == 1
    else:
        assert sum(r.attached for r in results) == threads - 1 and alert["occurrences"] == threads
        assert alert["last_seen"] == "2026-03-02T08:00:07Z"  # the newest sample, whatever the order of arrival


def test_a_clear_auto_clears_and_releases_the_lock_for_the_next_raise(client, city):
    """Below critical, the device saying normal closes the alert (critical ones wait for a person: below)."""
    apply(transition(SMOKE, "smoke.alarm", TS, severity="warning"))
    first = _only_alert(client, city)["alert_id"]
    assert apply(transition(SMOKE, "smoke.alarm", TS + 30, kind="clear", severity="warning")) == ApplyResult(cleared=1)
    cleared = _only_alert(client, city, "auto_cleared")
    assert cleared["alert_id"] == first and cleared["closed_at"] and cleared["timeline"][-1]["by"] == "system"
    assert cleared["timeline"][-1]["sample_at"] == "2026-03-02T08:00:30Z" and cleared["duration_s"] == 30
    # Redelivered transitions of the closed episode change nothing …
    assert apply(transition(SMOKE, "smoke.alarm", TS + 30, kind="clear", severity="warning"),
                 transition(SMOKE, "smoke.alarm", TS, severity="warning")) == ApplyResult(ignored=2)
    assert list_alerts(client, city.token_for("city_admin", "zhengzhou"), "state=open") == []
    # … and a new sample opens a new alert.
    assert apply(transition(SMOKE, "smoke.alarm", TS + 600, severity="warning")) == ApplyResult(raised=1)
    assert _only_alert(client, city)["alert_id"] != first


def test_a_clear_older_than_the_latest_raise_is_ignored(client, city):
    apply(transition(SMOKE, "smoke.alarm", TS), transition(SMOKE, "smoke.alarm", TS + 60))
    assert apply(transition(SMOKE, "smoke.alarm", TS + 30, kind="clear")) == ApplyResult(ignored=1)
    assert _only_alert(client, city)["state"] == "open"


def test_alerts_of_different_rules_or_devices_are_separate(client, city):
    result = apply(transition(SMOKE, "smoke.alarm", TS), transition(SMOKE, "smoke.battery_low", TS, severity="info"),
                   transition("zz-gas-b4", "gas.leak", TS))
    assert result == ApplyResult(raised=3)


def test_transitions_for_unknown_devices_or_malformed_ones_are_ignored(client, city):
    result = apply(transition("zz-nobody", "smoke.alarm", TS), transition(SMOKE, "smoke.alarm", TS, severity="loud"),
                   transition(SMOKE, "smoke#alarm", TS), transition(SMOKE, "smoke.alarm", math.nan))
    assert result == ApplyResult(ignored=4)


def test_an_absence_alert_has_no_value(client, city):
    apply(transition(SMOKE, "smoke.no_heartbeat", TS, value=math.nan, severity="warning"))
    assert _only_alert(client, city)["last_value"] is None


def test_staff_acknowledge_then_resolve_and_the_timeline_records_who_and_when(client, city):
    apply(transition(SMOKE, "smoke.alarm", TS))
    alert_id = _only_alert(client, city)["alert_id"]
    staff = city.token_for("staff", "zhengzhou")
    ack = post(client, f"/v1/alerts/{alert_id}/acknowledge", staff, {"note": "已电话联系住户"})
    assert ack.status_code == 200, ack.body
    assert ack.json_body["state"] == "acknowledged" and ack.json_body["escalate_at"] is None
    done = post(client, f"/v1/alerts/{alert_id}/resolve", staff, {"note": "厨房油烟，已通风 / kitchen smoke"})
    assert done.status_code == 200, done.body
    timeline = done.json_body["timeline"]
    assert [e["action"] for e in timeline] == ["raised", "acknowledged", "resolved"]
    assert [e["by"] for e in timeline[1:]] == ["zz.wang.fang", "zz.wang.fang"]
    assert timeline[1]["note"] == "已电话联系住户" and all(e["at"] for e in timeline)
    assert done.json_body["state"] == "resolved" and done.json_body["closed_at"]
    # The lock is released: the next sample raises a new alert.
    assert apply(transition(SMOKE, "smoke.alarm", TS + 3600)) == ApplyResult(raised=1)


def test_acknowledging_needs_no_body(client, city):
    apply(transition(SMOKE, "smoke.alarm", TS))
    alert_id = _only_alert(client, city)["alert_id"]
    r = post(client, f"/v1/alerts/{alert_id}/acknowledge", city.token_for("city_admin", "zhengzhou"))
    assert r.status_code == 200 and r.json_body["timeline"][-1]["by"] == "zz.admin"


@pytest.mark.parametrize("body", [None, {}, {"note": ""}, {"note": "   "}])
def test_resolving_without_a_note_is_a_400_naming_the_note(client, city, body):
    apply(transition(SMOKE, "smoke.alarm", TS))
    alert_id = _only_alert(client, city)["alert_id"]
    r = post(client, f"/v1/alerts/{alert_id}/resolve", city.token_for("staff", "zhengzhou"), body)
    assert r.status_code == 400, r.body
    assert r.json_body["field"] == "note"


def test_acting_on_a_resolved_or_auto_cleared_alert_is_a_conflict(client, city):
    staff = city.token_for("staff", "zhengzhou")
    apply(transition(SMOKE, "smoke.alarm", TS))
    resolved = _only_alert(client, city)["alert_id"]
    assert post(client, f"/v1/alerts/{resolved}/resolve", staff, {"note": "误报"}).status_code == 200
    assert post(client, f"/v1/alerts/{resolved}/acknowledge", staff).status_code == 409
    assert post(client, f"/v1/alerts/{resolved}/resolve", staff, {"note": "again"}).status_code == 409
    apply(transition("zz-gas-b4", "gas.leak", TS, severity="warning"),
          transition("zz-gas-b4", "gas.leak", TS + 60, kind="clear", severity="warning"))
    cleared = list_alerts(client, staff, "state=auto_cleared")[0]["alert_id"]
    assert post(client, f"/v1/alerts/{cleared}/acknowledge", staff).status_code == 409
    # Comments are still welcome on a closed alert.
    r = post(client, f"/v1/alerts/{resolved}/comments", staff, {"text": "已回访 / followed up"})
    assert r.status_code == 201 and r.json_body["timeline"][-1]["action"] == "comment"


def test_residents_cannot_acknowledge_or_resolve(client, city):
    apply(transition(SMOKE, "smoke.alarm", TS))
    alert_id = _only_alert(client, city)["alert_id"]
    resident = city.token_for("resident", "zhengzhou")
    assert post(client, f"/v1/alerts/{alert_id}/acknowledge", resident).status_code == 403
    assert post(client, f"/v1/alerts/{alert_id}/resolve", resident, {"note": "x"}).status_code == 403


def test_staff_of_another_community_cannot_see_or_act_on_an_alert(client, city):
    apply(transition(SMOKE, "smoke.alarm", TS))
    alert_id = _only_alert(client, city)["alert_id"]
    other = city.login("zz.zhang.lei")  # serves zhengda
    assert _get(client, other, alert_id).status_code == 403
    assert post(client, f"/v1/alerts/{alert_id}/acknowledge", other).status_code == 403
    assert post(client, f"/v1/alerts/{alert_id}/comments", other, {"text": "?"}).status_code == 403
    assert list_alerts(client, other) == []


@pytest.mark.parametrize("alert_id", ["0" * 32, "not-an-alert", "a%23b"])
def test_an_unknown_alert_is_a_404(client, city, alert_id):
    admin = city.token_for("city_admin", "zhengzhou")
    assert _get(client, admin, alert_id).status_code == 404
    assert post(client, f"/v1/alerts/{alert_id}/acknowledge", admin).status_code == 404


@pytest.mark.parametrize(("body", "field"), [({"text": ""}, "text"), ({"words": "x"}, "text"), (None, "body")])
def test_a_bad_comment_is_a_400_naming_the_field(client, city, body, field):
    apply(transition(SMOKE, "smoke.alarm", TS))
    alert_id = _only_alert(client, city)["alert_id"]
    r = post(client, f"/v1/alerts/{alert_id}/comments", city.token_for("staff", "zhengzhou"), body)
    assert r.status_code == 400 and r.json_body["field"] == field


def test_a_critical_alarm_that_clears_by_itself_waits_for_a_persons_outcome(client, city):
    """The detector resets before anyone looked: the alert stays open, recovered (已恢复待确认), still
    escalating, until a person closes it with what they found — counted in the false-alarm rate."""
    staff = city.token_for("staff", "zhengzhou")
    apply(transition(SMOKE, "smoke.alarm", TS, value=1.0))
    assert apply(transition(SMOKE, "smoke.alarm", TS + 90, kind="clear")) == ApplyResult(cleared=1)
    alert = _only_alert(client, city)
    assert alert["state"] == "open" and alert["recovered_at"] == "2026-03-02T08:01:30Z"
    assert alert["escalate_at"] is not None and alert["duration_s"] == 90
    assert [e["action"] for e in alert["timeline"]] == ["raised", "recovered"]
    # a repeated clear changes nothing; it can be acknowledged (no 409), then closed with an outcome
    assert apply(transition(SMOKE, "smoke.alarm", TS + 120, kind="clear")) == ApplyResult(ignored=1)
    ack = post(client, f"/v1/alerts/{alert['alert_id']}/acknowledge", staff, {"note": "电话联系住户"})
    assert ack.status_code == 200
    bad = post(client, f"/v1/alerts/{alert['alert_id']}/resolve", staff, {"note": "x", "outcome": "maybe"})
    assert bad.status_code == 400 and bad.json_body["field"] == "outcome"
    r = post(client, f"/v1/alerts/{alert['alert_id']}/resolve", staff,
             {"note": "上门核实：做饭油烟触发", "outcome": "false_alarm"})
    assert r.status_code == 200 and r.json_body["state"] == "resolved" and r.json_body["outcome"] == "false_alarm"
    stats = client.http.get("/v1/alert-stats", headers=auth(staff))
    assert stats.status_code == 200, stats.body
    body = stats.json_body
    assert (body["resolved"], body["false_alarms"], body["false_alarm_rate"]) == (1, 1, 1.0)
    assert body["by_device_type"] == [{"key": "smoke", "resolved": 1, "false_alarms": 1, "false_alarm_rate": 1.0}]
    assert [c["key"] for c in body["by_community"]] == ["jinghu"]
    # another city's numbers are its own
    city.onboard("yinchuan")
    other = client.http.get("/v1/alert-stats", headers=auth(city.token_for("city_admin", "yinchuan"))).json_body
    assert other["resolved"] == 0 and other["by_community"] == []
    assert client.http.get("/v1/alert-stats?month=2026-13", headers=auth(staff)).json_body["field"] == "month"


def test_the_alarm_going_off_again_after_recovering_re_triggers_the_same_alert(client, city):
    apply(transition(SMOKE, "smoke.alarm", TS))
    apply(transition(SMOKE, "smoke.alarm", TS + 60, kind="clear"))
    assert apply(transition(SMOKE, "smoke.alarm", TS + 300)) == ApplyResult(attached=1)
    alert = _only_alert(client, city)
    assert alert["recovered_at"] is None and alert["occurrences"] == 2
    assert [e["action"] for e in alert["timeline"]] == ["raised", "recovered", "retriggered"]


def test_an_alert_keeps_first_peak_and_last_values_and_each_step_its_sample_time(client, city):
    """A gas incident delivered 70 minutes late: the timeline says when the samples were taken, not only
    when they were processed."""
    late = T0 + timedelta(minutes=70)
    for offset, value in ((0, 21.0), (60, 24.0), (120, 22.0)):
        apply(transition("zz-gas-b4", "gas.lel_high", TS + offset, value=value), now=late)
    (alert,) = list_alerts(client, city.token_for("city_admin", "zhengzhou"), "state=open")
    assert (alert["first_value"], alert["peak_value"], alert["last_value"]) == (21.0, 24.0, 22.0)
    assert alert["peak_at"] == "2026-03-02T08:01:00Z"
    raised = alert["timeline"][0]
    assert raised["sample_at"] == "2026-03-02T08:00:00Z" and raised["at"].startswith("2026-03-02T09:10:00")
