"""Alert documents change by pure functions: occurrences counted once, final states final."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from chalicelib.alerts import documents
from chalicelib.alerts.models import AlertState, Transition
from chalicelib.devices.models import Device, DeviceType
from chalicelib.errors import Conflict

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DEVICE = Device(device_id="d-1", type="smoke", serial="s", community_id="c", grid_id="g", building_id="b",
                path=["d", "s", "c", "g", "b"], registered_at=NOW, registered_by="test")


def raise_at(ts: float, value: float = 1.0) -> Transition:
    return Transition("d-1", "smoke.alarm", "raise", ts, value, "critical", "alarm")


def opened(ts: float = 1000.0) -> dict:
    return documents.new_alert(raise_at(ts), DEVICE, NOW, NOW)


def test_a_new_alert_is_open_at_level_one_with_its_place():
    doc = opened()
    assert (doc["state"], doc["level"], doc["occurrences"], doc["seen"]) == ("open", 1, 1, [1000.0])
    assert (doc["device_name"], doc["spot"]) == (None, None)


def test_a_new_alert_names_the_device_and_its_spot_as_the_registry_does():
    bin_ = DEVICE.model_copy(update={"type": DeviceType.SMART_BIN, "name": "智能垃圾箱", "spot": "北门垃圾分类点"})
    doc = documents.new_alert(raise_at(1.0), bin_, NOW, NOW)
    assert (doc["device_name"], doc["spot"], doc["device_type"]) == ("智能垃圾箱", "北门垃圾分类点", "smart_bin")
    assert doc["path"] == DEVICE.path and doc["grid_id"] == "g" and len(doc["alert_id"]) == 32


def test_the_same_sample_twice_is_one_occurrence():
    assert documents.occurrence(opened(), raise_at(1000.0)) is None


def test_a_late_older_sample_counts_but_does_not_move_the_latest_value():
    doc = documents.occurrence(opened(1000.0), raise_at(2000.0, 5.0))
    assert doc is not None
    late = documents.occurrence(doc, raise_at(1500.0, 9.0))
    assert late is not None and late["occurrences"] == 3
    assert (late["last_ts"], late["last_value"]) == (2000.0, 5.0)


def test_samples_older_than_the_remembered_window_are_taken_as_already_counted():
    doc = opened(0.0)
    for ts in range(1, documents.WINDOW + 5):
        doc = documents.occurrence(doc, raise_at(float(ts))) or doc
    assert len(doc["seen"]) == documents.WINDOW and doc["occurrences"] == documents.WINDOW + 5
    assert documents.occurrence(doc, raise_at(0.5)) is None


def test_an_absence_sample_stores_no_value():
    assert documents.new_alert(raise_at(1.0, math.nan), DEVICE, NOW, NOW)["last_value"] is None


def test_only_an_open_alert_can_be_acknowledged_and_only_an_active_one_closed():
    acked = documents.acknowledged(opened(), "staff.a", NOW, "on my way")
    assert acked["state"] == "acknowledged" and acked["escalate_at"] is None
    with pytest.raises(Conflict):
        documents.acknowledged(acked, "staff.a", NOW, None)
    resolved = documents.closed(acked, AlertState.RESOLVED, "staff.a", NOW, "fixed")
    assert [e["action"] for e in resolved["timeline"]] == ["raised", "acknowledged", "resolved"]
    for change in (lambda d: documents.closed(d, AlertState.AUTO_CLEARED, "system", NOW, None),
                   lambda d: documents.acknowledged(d, "staff.a", NOW, None)):
        with pytest.raises(Conflict):
            change(resolved)
    assert documents.commented(resolved, "staff.a", NOW, "followed up")["timeline"][-1]["note"] == "followed up"


def test_times_sort_as_strings():
    early, late = documents.iso(datetime(2026, 1, 1, tzinfo=UTC)), documents.iso(datetime(2026, 1, 1, 0, 0, 0, 5, UTC))
    assert early < late and early.endswith("+00:00") and ".000000" in early
