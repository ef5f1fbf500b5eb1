"""One active alert per (device, rule): raised by the engine's transitions, attached to while
active, acknowledged and resolved by staff, or auto-cleared — exactly once under redelivery
and concurrency."""

from __future__ import annotations

import math
import threading

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
    apply(transition(SMOKE, "smoke.alarm", TS))
    first = _only_alert(client, city)["alert_id"]
    assert apply(transition(SMOKE, "smoke.alarm", TS + 30, kind="clear")) == ApplyResult(cleared=1)
    cleared = _only_alert(client, city, "auto_cleared")
    assert cleared["alert_id"] == first and cleared["closed_at"] and cleared["timeline"][-1]["by"] == "system"
    # Redelivered transitions of the closed episode change nothing …
    assert apply(transition(SMOKE, "smoke.alarm", TS + 30, kind="clear"), transition(SMOKE, "smoke.alarm", TS)) == \
        ApplyResult(ignored=2)
    assert list_alerts(client, city.token_for("city_admin", "zhengzhou"), "state=open") == []
    # … and a new sample opens a new alert.
    assert apply(transition(SMOKE, "smoke.alarm", TS + 600)) == ApplyResult(raised=1)
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
    apply(transition(SMOKE, "smoke.alarm", TS), transition("zz-gas-b4", "gas.leak", TS))
    resolved = _only_alert(client, city)["alert_id"]
    assert post(client, f"/v1/alerts/{resolved}/resolve", staff, {"note": "误报"}).status_code == 200
    assert post(client, f"/v1/alerts/{resolved}/acknowledge", staff).status_code == 409
    assert post(client, f"/v1/alerts/{resolved}/resolve", staff, {"note": "again"}).status_code == 409
    apply(transition("zz-gas-b4", "gas.leak", TS + 60, kind="clear"))
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
