"""Shared by the oracle tests and the benchmark: a small plan covering every rule kind,
and converters between the reference's tuples and the engine's arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from chalicelib.alertcore.batch import Devices, Readings
from chalicelib.alertcore.core import process
from chalicelib.alertcore.plan import Plan, compile_plan
from chalicelib.alertcore.store import MemoryStateStore
from chalicelib.rules.models import DeviceProfile

SENSOR = {
    "type": "sensor", "name_zh": "测试传感器", "name_en": "Test sensor",
    "metrics": [{"name": n, "unit": "1", "name_zh": n, "name_en": n} for n in ("temp", "level", "door", "sos")],
    "rules": [
        {"id": "sensor.hot", "kind": "condition", "metric": "temp", "severity": "warning", "name_zh": "高温",
         "name_en": "hot", "when": {"above": 60}, "clear": {"below": 50}, "for_samples": 2, "for_seconds": 120},
        {"id": "sensor.rising", "kind": "condition", "metric": "temp", "severity": "critical", "name_zh": "升温快",
         "name_en": "rising", "when": {"all": [{"above": 40}, {"rate_above": 5}]},
         "clear": {"any": [{"below": 35}, {"rate_below": 0.5}]}},
        {"id": "sensor.odd", "kind": "condition", "metric": "level", "severity": "info", "name_zh": "异常",
         "name_en": "odd", "when": {"zscore_above": 2.5}, "clear": {"below": 1e9}},
        {"id": "sensor.night", "kind": "condition", "metric": "level", "severity": "warning", "name_zh": "夜间",
         "name_en": "night", "when": {"above": 70}, "clear": {"below": 60},
         "active_hours": {"start": "22:00", "end": "06:00"}},
        {"id": "sensor.burst", "kind": "count", "metric": "sos", "severity": "critical", "name_zh": "连按",
         "name_en": "burst", "max_count": 2, "window_seconds": 300},
        {"id": "sensor.sos", "kind": "event", "metric": "sos", "severity": "critical", "name_zh": "呼救",
         "name_en": "sos", "clear_values": [0]},
        {"id": "sensor.stuck", "kind": "absence", "metric": "door", "severity": "warning", "name_zh": "未出门",
         "name_en": "no exit", "period_seconds": 3600, "present_above": 0.5, "care_subjects_only": True},
    ],
}
METER = {
    "type": "meter", "name_zh": "电表", "name_en": "Meter",
    "metrics": [{"name": n, "unit": "1", "name_zh": n, "name_en": n} for n in ("temp", "power")],
    "rules": [
        {"id": "meter.hot", "kind": "condition", "metric": "temp", "severity": "warning", "name_zh": "高温",
         "name_en": "hot", "when": {"above": 80}, "clear": {"below": 70}},
        {"id": "meter.spike", "kind": "condition", "metric": "power", "severity": "warning", "name_zh": "突增",
         "name_en": "spike", "when": {"any": [{"zscore_above": 4}, {"above": 5000}]}, "clear": {"below": 3000}},
    ],
}


def sample_plan() -> Plan:
    return compile_plan([DeviceProfile.model_validate(SENSOR), DeviceProfile.model_validate(METER)])


def to_arrays(plan: Plan, readings: list[tuple[Any, str, int, float]], devices: dict[Any, tuple[str, bool]]
              ) -> tuple[Readings, Devices, np.ndarray]:
    """Batch-local device indexes in order of first appearance; numbers = the device ids (ints)."""
    local: dict[Any, int] = {}
    for dev, *_ in readings:
        if dev in devices and dev not in local:
            local[dev] = len(local)
    ids = list(local)
    dev = np.array([local.get(d, -1) for d, *_ in readings], np.int32)
    met = np.array([plan.metrics.index(m) if m in plan.metrics else -1 for _, m, _, _ in readings], np.int32)
    ts = np.array([t for *_, t, _ in readings], np.int64)
    val = np.array([v for *_, v in readings], np.float64)
    devs = Devices(np.array([plan.types.index(devices[i][0]) for i in ids], np.int32),
                   np.array([devices[i][1] for i in ids], bool))
    return Readings(dev, met, ts, val), devs, np.array(ids, np.int64)


def run_engine(plan: Plan, store: MemoryStateStore, readings: list[tuple[Any, str, int, float]],
               devices: dict[Any, tuple[str, bool]], now_ms: int) -> tuple[list[tuple[int, Any, int, str, float]],
                                                                         dict[str, int]]:
    r, d, numbers = to_arrays(plan, readings, devices)
    result = process(plan, store, r, d, numbers, now_ms)
    t = result.transitions
    out = [(int(p), int(numbers[dv]), int(rule), "raise" if up else "clear", float(v))
           for p, dv, rule, up, v in zip(t.position, t.device, t.rule, t.raised, t.value, strict=True)]
    return out, result.rejected
