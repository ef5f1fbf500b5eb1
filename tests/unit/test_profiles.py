"""The default device profiles load, hang together and carry the agreed defaults."""

from __future__ import annotations

import copy

import pytest
import yaml

from chalicelib.rules.models import (
    Above,
    AbsenceRule,
    All,
    Below,
    ConditionRule,
    CountRule,
    DeviceProfile,
    EventRule,
    Severity,
)
from chalicelib.rules.profiles import PROFILES_PATH, ProfileError, all_rules, load_profiles, parse_profiles, profile

TYPES = {
    "smoke", "gas", "water_leak", "door", "power_meter", "wristband",
    "smart_bin", "sorting_bin", "access_control", "air_quality", "noise", "elevator", "manhole",
}


def _profiles() -> list[DeviceProfile]:
    return list(load_profiles().values())


def test_exactly_the_thirteen_types_load():
    profiles = load_profiles()
    assert set(profiles) == TYPES
    for device_type, prof in profiles.items():
        assert prof.type == device_type
        assert prof.rules


def test_profile_lookup_and_helpful_key_error():
    assert profile("smoke").type == "smoke"
    with pytest.raises(KeyError, match="known types: access_control, air_quality"):
        profile("toaster")


def test_load_profiles_is_cached():
    assert load_profiles() is load_profiles()


def test_every_rule_metric_and_critical_metric_exists():
    for prof in _profiles():
        names = {m.name for m in prof.metrics}
        for rule in prof.rules:
            assert rule.metric in names, rule.id
            assert rule.id.startswith(prof.type + "."), rule.id
        assert set(prof.critical_metrics) <= names, prof.type


def test_rule_ids_are_unique_across_profiles():
    ids = [rule.id for prof in _profiles() for rule in prof.rules]
    assert len(ids) == len(set(ids))
    assert set(all_rules()) == set(ids)


def test_critical_rules_take_the_critical_path():
    for prof in _profiles():
        for rule in prof.rules:
            if rule.severity is Severity.CRITICAL:
                assert rule.metric in prof.critical_metrics, rule.id


@pytest.mark.parametrize(("device_type", "metric"), [
    ("smoke", "alarm"), ("gas", "lel"), ("wristband", "sos"), ("wristband", "fall"),
    ("elevator", "trapped"), ("elevator", "fault_code"),
])
def test_life_safety_metrics_are_critical(device_type, metric):
    assert metric in profile(device_type).critical_metrics


def test_smart_bin_uses_fiware_waste_container_names():
    prof = profile("smart_bin")
    names = {m.name for m in prof.metrics}
    assert {"fillingLevel", "temperature", "methaneConcentration"} <= names
    overflow = all_rules()["smart_bin.overflow"]
    assert isinstance(overflow, ConditionRule)
    assert overflow.metric == "fillingLevel"
    assert overflow.when == Above(above=0.9)
    assert overflow.clear == Below(below=0.5)
    assert overflow.for_samples == 2


def test_door_no_exit_24h_is_a_care_subject_absence_rule():
    rule = all_rules()["door.no_exit_24h"]
    assert isinstance(rule, AbsenceRule)
    assert rule.care_subjects_only
    assert rule.period_seconds == 86400
    assert rule.present_above == 0.5
    assert rule.metric == "opened"


def test_power_meter_no_use_24h_is_a_care_subject_absence_rule():
    rule = all_rules()["power_meter.no_use_24h"]
    assert isinstance(rule, AbsenceRule)
    assert rule.care_subjects_only
    assert rule.period_seconds == 86400
    assert rule.present_above is not None and rule.present_above > 0


def test_noise_night_and_day_rules_follow_gb_3096_class_1():
    rules = all_rules()
    night, day = rules["noise.night_exceeded"], rules["noise.day_exceeded"]
    assert isinstance(night, ConditionRule) and isinstance(day, ConditionRule)
    assert night.active_hours is not None and day.active_hours is not None
    assert (night.active_hours.start, night.active_hours.end) == ("22:00", "06:00")
    assert (day.active_hours.start, day.active_hours.end) == ("06:00", "22:00")
    assert night.when == Above(above=45) and night.for_seconds == 300
    assert day.when == Above(above=55)


def test_gas_and_air_quality_thresholds():
    rules = all_rules()
    gas = rules["gas.lel_high"]
    assert isinstance(gas, ConditionRule) and gas.severity is Severity.CRITICAL
    assert (gas.when, gas.clear) == (Above(above=20), Below(below=10))
    pm25 = rules["air_quality.pm25_high"]
    assert isinstance(pm25, ConditionRule)
    assert (pm25.when, pm25.clear, pm25.for_samples) == (Above(above=115), Below(below=75), 3)


def test_wristband_sos_fall_and_repeated_sos():
    rules = all_rules()
    for rid in ("wristband.sos", "wristband.fall"):
        rule = rules[rid]
        assert isinstance(rule, EventRule) and rule.severity is Severity.CRITICAL
        assert rule.raise_values == [1]
    repeated = rules["wristband.sos_repeated"]
    assert isinstance(repeated, CountRule)
    assert (repeated.metric, repeated.max_count, repeated.window_seconds) == ("sos", 2, 300)


def test_power_anomaly_uses_a_zscore_and_clears_on_a_level():
    rule = all_rules()["power_meter.power_anomaly"]
    assert isinstance(rule, ConditionRule)
    assert isinstance(rule.when, All)
    assert any(getattr(p, "zscore_above", None) for p in rule.when.all)
    assert isinstance(rule.clear, Below)


def test_condition_rules_clear_differently_from_how_they_raise():
    conditions = [r for r in all_rules().values() if isinstance(r, ConditionRule)]
    assert conditions
    for rule in conditions:
        assert rule.clear != rule.when, rule.id
        # Simple thresholds: the clear level sits on the far side of the raise level (hysteresis).
        if isinstance(rule.when, Above) and isinstance(rule.clear, Below):
            assert rule.clear.below <= rule.when.above, rule.id
        if isinstance(rule.when, Below) and isinstance(rule.clear, Above):
            assert rule.clear.above >= rule.when.below, rule.id


def test_every_type_has_an_offline_rule_of_about_three_heartbeats():
    for prof in _profiles():
        offline = [r for r in prof.rules if r.id == f"{prof.type}.offline"]
        assert len(offline) == 1, prof.type
        rule = offline[0]
        assert isinstance(rule, AbsenceRule), prof.type
        assert rule.severity is Severity.WARNING
        assert rule.present_above is None, "any sample counts as presence"
        assert rule.period_seconds >= 2 * prof.heartbeat_seconds, prof.type


def test_battery_powered_types_warn_on_low_battery():
    for prof in _profiles():
        if "battery" not in {m.name for m in prof.metrics}:
            continue
        rule = all_rules().get(f"{prof.type}.battery_low")
        assert isinstance(rule, ConditionRule), prof.type
        assert (rule.when, rule.clear) == (Below(below=15), Above(above=30))


def test_an_invalid_profile_is_named_in_the_error():
    data = yaml.safe_load(PROFILES_PATH.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    gas = next(p for p in broken if p["type"] == "gas")
    gas["rules"][0]["metric"] = "no_such_metric"
    with pytest.raises(ProfileError, match="'gas'"):
        parse_profiles(broken)
    with pytest.raises(ProfileError, match="defined twice"):
        parse_profiles([*data, data[0]])
    with pytest.raises(ProfileError, match="list"):
        parse_profiles({"type": "smoke"})
