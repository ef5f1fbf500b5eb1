"""Device messages through the alert core into alerts staff can see, with state in DynamoDB."""

from __future__ import annotations

import time

import orjson
import pytest

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.devices.models import DeviceIn
from chalicelib.devices.service import DeviceService
from chalicelib.store.keys import TenantContext
from chalicelib.telemetry.absence import sweep_tenant
from chalicelib.telemetry.pipeline import process_batch
from tests.support import auth, last_afternoon

ZZ = TenantContext("zhengzhou")
NOW = int(time.time() * 1000)


def _msg(device: str, ts: int | list[int], **metrics: float | list[float]) -> bytes:
    return orjson.dumps({"device": device, "ts": ts, "metrics": metrics})


@pytest.fixture
def city(aws):
    aws.onboard("zhengzhou")
    admin = Principal("u-admin", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN}))
    svc = DeviceService(admin)
    svc.register(DeviceIn(device_id="SMK-0001", type="smoke", serial="SN1", community_id="jinghu",
                          household_id="jinghu-g1-b1-1-301"))
    svc.register(DeviceIn(device_id="DOOR-0001", type="door", serial="SN2", community_id="jinghu",
                          household_id="jinghu-g1-b1-1-301", care_subject=True))
    svc.register(DeviceIn(device_id="GAS-0001", type="gas", serial="SN3", community_id="zhengda"))
    return aws


def _alerts(client, token, **query):
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    r = client.http.get(f"/v1/alerts?{qs}", headers=auth(token))
    assert r.status_code == 200, r.body
    return r.json_body["items"]


def test_a_smoke_alarm_becomes_an_open_alert_for_the_grid_staff_only(client, city):
    report = process_batch(ZZ, [_msg("SMK-0001", NOW - 1000, alarm=1.0, battery=90.0)], NOW)
    assert report.transitions == 1 and report.alerts.raised == 1
    staff = city.token_for("staff", "zhengzhou")  # serves jinghu
    alerts = _alerts(client, staff)
    assert [(a["rule_id"], a["state"], a["device_id"]) for a in alerts] == [("smoke.alarm", "open", "SMK-0001")]
    assert alerts[0]["rule_name"] == {"zh": "烟雾火警", "en": "Smoke alarm"}
    # another community's staff do not see it
    from chalicelib.auth import users

    users.ensure_user(users.NewUser("zz.zhengda.staff", "zhengzhou", Role.STAFF, password="Testing2026x"))
    other = city.login("zz.zhengda.staff")
    assert client.http.get(f"/v1/alerts/{alerts[0]['alert_id']}", headers=auth(other)).status_code in (403, 404)


def test_redelivered_batch_changes_nothing(client, city):
    batch = [_msg("SMK-0001", NOW - 1000, alarm=1.0)]
    process_batch(ZZ, batch, NOW)
    again = process_batch(ZZ, batch, NOW)
    assert again.rejected["late"] == 1 and again.transitions == 0
    assert len(_alerts(client, city.token_for("city_admin", "zhengzhou"))) == 1


def test_state_carries_across_batches_for_hysteresis(client, city):
    # gas: above 20 %LEL raises; it clears only below 10, not at 15
    first = process_batch(ZZ, [_msg("GAS-0001", NOW - 60_000, lel=25.0)], NOW)
    middle = process_batch(ZZ, [_msg("GAS-0001", NOW - 30_000, lel=15.0)], NOW)
    last = process_batch(ZZ, [_msg("GAS-0001", NOW - 1_000, lel=5.0)], NOW)
    assert (first.alerts.raised, middle.transitions, last.alerts.cleared) == (1, 0, 1)
    # critical, nobody confirmed it: still open, recovered at the clearing sample (已恢复待确认)
    alerts = _alerts(client, city.token_for("city_admin", "zhengzhou"), state="open")
    assert [(a["rule_id"], a["recovered_at"] is not None, a["peak_value"]) for a in alerts] == [
        ("gas.lel_high", True, 25.0)]


def test_bad_messages_are_counted_and_the_rest_of_the_batch_goes_on(city):
    report = process_batch(ZZ, [b"{not json", _msg("SMK-0001", NOW - 1000, alarm=1.0),
                                orjson.dumps({"device": "SMK-0001", "ts": [1, 2], "metrics": {"alarm": [1]}}),
                                _msg("NOBODY-01", NOW - 1000, alarm=1.0),
                                _msg("SMK-0001", NOW - 500, alarm=float("nan"))], NOW)
    assert [pos for pos, _ in report.bad_messages] == [0, 2]
    assert report.rejected["unknown_device"] == 1
    assert report.alerts.raised == 1


def test_no_exit_for_24_hours_raises_from_the_sweep_without_any_message_and_clears_on_return(client, city):
    day = 86_400_000
    now = last_afternoon(NOW)  # by day: at night an opened door is an alert of its own (door.night_open)
    process_batch(ZZ, [_msg("DOOR-0001", now - 2_000, opened=1.0)], now)
    assert sweep_tenant(ZZ, now + day - 60_000).raised == 0  # not yet
    fired = sweep_tenant(ZZ, now + day + 60_000)
    assert fired.raised == 1
    assert sweep_tenant(ZZ, now + day + 120_000).raised == 0  # once
    admin = city.token_for("city_admin", "zhengzhou")
    assert [a["rule_id"] for a in _alerts(client, admin)] == ["door.no_exit_24h"]
    back = process_batch(ZZ, [_msg("DOOR-0001", now + day + 180_000, opened=1.0)], now + day + 200_000)
    assert back.alerts.cleared == 1
    assert _alerts(client, admin) == []


def test_a_citys_rule_overrides_change_what_raises(client, aws):
    import yaml

    from chalicelib.telemetry.plans import forget_plans
    from chalicelib.tenancy import manifest
    from chalicelib.tenancy.apply import apply_manifest
    from tests.support import manifest_text

    data = yaml.safe_load(manifest_text("zhengzhou"))
    data["alert_rules"]["overrides"].append({"id": "gas.lel_high", "params": {"when": {"above": 30}}})
    apply_manifest(manifest.validate(data))
    forget_plans()
    admin = Principal("u-admin", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN}))
    DeviceService(admin).register(DeviceIn(device_id="GAS-0002", type="gas", serial="SN9", community_id="zhengda"))
    assert process_batch(ZZ, [_msg("GAS-0002", NOW - 60_000, lel=25.0)], NOW).transitions == 0
    assert process_batch(ZZ, [_msg("GAS-0002", NOW - 1_000, lel=35.0)], NOW).alerts.raised == 1


def test_a_bad_rule_override_is_refused_with_its_line(aws):
    from chalicelib.tenancy import manifest
    from tests.support import manifest_text

    text = manifest_text("zhengzhou").replace("params: {present_above: 30}", "params: {present_above: 30, kind: event}")
    text = text.replace("- id: noise.night_exceeded", "- id: noise.no_such_rule")
    with pytest.raises(manifest.ManifestError) as err:
        manifest.load(text)
    found = {p.field: p.line for p in err.value.problems}
    assert any("overrides[0]" in f or "overrides.0" in f for f in found)
    assert any("overrides[1]" in f or "overrides.1" in f for f in found)
    assert all(line is not None for line in found.values())


def test_the_sweep_finds_due_devices_through_minute_lists_and_never_alerts_one_listed_early(client, city):
    """The state item carries no index entry (one write unit a batch); the batch lists the device under
    the minute of its due date. A device whose listing came up early (due later in that minute, or it
    sent again) is only listed again; a sweep that missed minutes catches up on all of them."""
    from chalicelib.telemetry import state

    day, minute = 86_400_000, 60_000
    now = last_afternoon(NOW) // minute * minute  # on a minute
    process_batch(ZZ, [_msg("DOOR-0001", now + 30_000, opened=1.0)], now + 31_000)  # due at now + day + 30 s
    stored = state.DeviceStateItem.get(ZZ.device_pk("DOOR-0001"), state.SK)
    assert stored.gsi1pk is None and stored.gsi1sk is None
    due_minute = (now + day) // minute
    lists = list(state.DueListItem.query(state.due_list_pk(ZZ, (now + day) // day),
                                         state.DueListItem.sk.startswith(f"{due_minute:010d}#")))
    assert [i.devices.split() for i in lists] == [["DOOR-0001"]]

    early = sweep_tenant(ZZ, now + day + 10_000)  # its minute, but 20 s before the due time
    assert (early.raised, early.checked) == (0, 1)
    assert sweep_tenant(ZZ, now + day + 50_000).raised == 0  # listed again, under the next minute
    # the sweep misses a few minutes (a failed run), then catches up: the alert is raised once
    caught_up = sweep_tenant(ZZ, now + day + 5 * minute)
    assert (caught_up.raised, caught_up.checked, caught_up.minutes) == (1, 1, 5)
    assert (sweep_tenant(ZZ, now + day + 6 * minute).raised, sweep_tenant(ZZ, now + day + 7 * minute).minutes) == (0, 1)
    assert [a["rule_id"] for a in _alerts(client, city.token_for("city_admin", "zhengzhou"))] == ["door.no_exit_24h"]


def test_a_batch_whose_due_date_has_passed_lists_it_for_the_next_sweep(client, city):
    """A late batch (its door opened more than a day ago) must not list the device under a minute the
    sweep has done already: it goes under the next one."""
    day, minute = 86_400_000, 60_000
    now = last_afternoon(NOW)
    assert sweep_tenant(ZZ, now).raised == 0  # the sweep has done every minute up to now
    process_batch(ZZ, [_msg("DOOR-0001", now - day - 5 * minute, opened=1.0)], now)
    assert sweep_tenant(ZZ, now + minute).raised == 1
