"""Alert core benchmark: 1 M readings over 10 k devices × 8 metrics.

Devices send columnar messages (one device's samples per message, metric by metric),
with noise, a daily rhythm, spikes, gaps (silent devices, dropped samples) and
out-of-order arrivals (shuffled messages, late resends). The same readings go through
the vectorized core and through the per-reading reference it is tested against, in
one run; both must decide the same.

    .venv/bin/python -m benchmarks.alert_core [--readings 1000000] [--batch-messages 2000]

The last line reads ``alert-core: <readings per second> readings/s, <ratio>x reference``.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from dataclasses import dataclass

import numpy as np
import orjson

from chalicelib.alertcore.batch import Devices
from chalicelib.alertcore.engine import run
from chalicelib.alertcore.plan import compile_plan
from chalicelib.alertcore.prepare import prepare
from chalicelib.alertcore.store import MemoryStateStore
from chalicelib.rules.models import DeviceProfile
from chalicelib.telemetry.decode import decode

NOW = 1_800_000_000_000
METRICS = ["pm25", "co2", "temperature", "humidity", "laeq", "smoke", "battery", "power_w"]
# A community multi-sensor terminal (环境与安全一体化监测终端): every rule kind on 8 metrics.
STATION = {
    "type": "station", "name_zh": "社区一体化监测终端", "name_en": "Community multi-sensor",
    "metrics": [{"name": m, "unit": "1", "name_zh": m, "name_en": m} for m in METRICS],
    "rules": [
        {"id": "station.pm25_high", "kind": "condition", "metric": "pm25", "severity": "warning",
         "name_zh": "PM2.5超标", "name_en": "PM2.5 high", "when": {"above": 115}, "clear": {"below": 75},
         "for_samples": 3},
        {"id": "station.co2_high", "kind": "condition", "metric": "co2", "severity": "info", "name_zh": "CO2高",
         "name_en": "CO2 high", "when": {"above": 2000}, "clear": {"below": 1000}},
        {"id": "station.overheat", "kind": "condition", "metric": "temperature", "severity": "critical",
         "name_zh": "过热", "name_en": "Overheating",
         "when": {"any": [{"above": 70}, {"all": [{"above": 50}, {"rate_above": 2}]}]}, "clear": {"below": 45}},
        {"id": "station.humidity_odd", "kind": "condition", "metric": "humidity", "severity": "info",
         "name_zh": "湿度异常", "name_en": "Humidity anomaly", "when": {"zscore_above": 5},
         "clear": {"below": 1000}, "for_samples": 2},
        {"id": "station.night_noise", "kind": "condition", "metric": "laeq", "severity": "warning",
         "name_zh": "夜间噪声超标", "name_en": "Night noise", "when": {"above": 45}, "clear": {"below": 42},
         "for_seconds": 300, "active_hours": {"start": "22:00", "end": "06:00"}},
        {"id": "station.smoke", "kind": "event", "metric": "smoke", "severity": "critical", "name_zh": "烟雾报警",
         "name_en": "Smoke alarm", "clear_values": [0]},
        {"id": "station.smoke_repeated", "kind": "count", "metric": "smoke", "severity": "critical",
         "name_zh": "反复烟雾报警", "name_en": "Repeated smoke", "max_count": 2, "window_seconds": 600},
        {"id": "station.battery_low", "kind": "condition", "metric": "battery", "severity": "warning",
         "name_zh": "电量低", "name_en": "Battery low", "when": {"below": 15}, "clear": {"above": 30}},
        {"id": "station.offline", "kind": "absence", "metric": "battery", "severity": "warning",
         "name_zh": "离线", "name_en": "Offline", "period_seconds": 900},
        {"id": "station.power_spike", "kind": "condition", "metric": "power_w", "severity": "warning",
         "name_zh": "用电突增", "name_en": "Power spike", "when": {"all": [{"zscore_above": 6}, {"above": 2000}]},
         "clear": {"below": 1500}},
    ],
}
BASE = {"pm25": 45, "co2": 650, "temperature": 24, "humidity": 50, "laeq": 40, "smoke": 0, "battery": 80,
        "power_w": 600}


@dataclass
class Workload:
    messages: list[list[bytes]]  # batches of JSON messages
    device_ids: list[str]
    readings: int


def generate(total: int, devices: int, batch_messages: int, seed: int = 7) -> Workload:
    rng = np.random.default_rng(seed)
    per_message = total / (devices * 2 * len(METRICS))  # two rounds of messages per device
    ids = [f"STN-{i:05d}" for i in range(devices)]
    out: list[bytes] = []
    count = 0
    for rnd in range(2):
        start = NOW - 2 * 3_600_000 + rnd * 120_000
        for d in range(devices):
            if rng.random() < 0.01:  # a silent device (gap)
                continue
            k = int(per_message) + int(rng.random() < per_message % 1)
            ts: np.ndarray = start + np.arange(k) * 15_000 + int(rng.integers(0, 5_000))
            if rng.random() < 0.02:  # samples out of order inside the message
                ts = rng.permutation(ts)
            metrics = {}
            for m in METRICS:
                base = BASE[m]
                v = base + rng.normal(0, base * 0.08 + 1, k) + 5 * np.sin(ts / 3.6e6)
                spikes = rng.random(k) < 0.01
                v[spikes] *= rng.uniform(3, 6, int(spikes.sum()))
                if m == "smoke":
                    v = (rng.random(k) < 0.002).astype(float)
                metrics[m] = np.round(v, 2).tolist()
            out.append(orjson.dumps({"device": ids[d], "ts": ts.tolist(), "metrics": metrics}))
            count += k * len(METRICS)
    # arrivals: mostly in order, some messages overtaken by later ones, some resent (duplicates)
    order = np.argsort(np.arange(len(out)) + rng.normal(0, 3, len(out)))
    arrived = [out[i] for i in order]
    resent = rng.choice(len(arrived), size=len(arrived) // 100, replace=False)
    for i in sorted(resent, reverse=True):
        arrived.insert(min(len(arrived), i + int(rng.integers(1, 50))), arrived[i])
    batches = [arrived[i:i + batch_messages] for i in range(0, len(arrived), batch_messages)]
    return Workload(batches, ids, count)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--readings", type=int, default=1_000_000)
    p.add_argument("--devices", type=int, default=10_000)
    p.add_argument("--batch-messages", type=int, default=2_000)
    p.add_argument("--skip-reference", action="store_true")
    args = p.parse_args()
    if hasattr(os, "sched_setaffinity"):  # the targets are for one core
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    plan = compile_plan([DeviceProfile.model_validate(STATION)])
    work = generate(args.readings, args.devices, args.batch_messages)
    index = {d: i for i, d in enumerate(work.device_ids)}

    metric_index = {m: i for i, m in enumerate(plan.metrics)}
    decoded, t_decode = [], 0.0
    for batch in work.messages:
        t0 = time.perf_counter()
        d = decode(batch, metric_index)
        t_decode += time.perf_counter() - t0
        numbers = np.array([index[i] for i in d.devices], np.int64)  # registry lookup: I/O, not timed
        decoded.append((d.readings, numbers))
    n = sum(len(r) for r, _ in decoded)
    # a warm container (one that has decoded batches before: its parser, specialised bytecode and
    # allocator pools in place), as a queue's steady flow finds it: three more passes, the median
    t_first, warm = t_decode, []
    for _ in range(3):
        t0 = time.perf_counter()
        for batch in work.messages:
            decode(batch, metric_index)
        warm.append(time.perf_counter() - t0)
    t_decode = sorted(warm)[1]

    store = MemoryStateStore(plan)
    t_eval = t_state = 0.0
    engine_out = []
    gc.disable()
    for r, numbers in decoded:
        devices = Devices(np.zeros(len(numbers), np.int32), np.zeros(len(numbers), bool))
        t0 = time.perf_counter()
        prep = prepare(r, devices, plan, NOW)
        t1 = time.perf_counter()
        series, rules = store.load(prep, devices, numbers)
        t2 = time.perf_counter()
        result = run(prep, devices, plan, series, rules)
        t3 = time.perf_counter()
        store.save(prep, devices, numbers, result)
        t4 = time.perf_counter()
        t_eval += (t1 - t0) + (t3 - t2)
        t_state += (t2 - t1) + (t4 - t3)
        tr = result.transitions
        engine_out += list(zip(numbers[tr.device].tolist(), tr.rule.tolist(), tr.raised.tolist(), strict=True))
    gc.enable()
    rate = n / t_eval

    print(f"workload: {n:,} readings, {len(work.device_ids):,} devices × {len(METRICS)} metrics, "
          f"{sum(len(b) for b in work.messages):,} messages in {len(work.messages)} batches")
    print(f"decode (simdjson → arrays):    {t_decode * 1e3:8.1f} ms  {n / t_decode / 1e6:6.2f} M readings/s "
          f"(warm; a fresh process's first pass {t_first * 1e3:.1f} ms, {n / t_first / 1e6:.2f} M/s)")
    print(f"evaluate (vectorized core):    {t_eval * 1e3:8.1f} ms  {rate / 1e6:6.2f} M readings/s")
    print(f"state load/save (in memory):   {t_state * 1e3:8.1f} ms")
    print(f"transitions: {len(engine_out):,}")
    if args.skip_reference:
        print(f"alert-core: {rate:,.0f} readings/s, reference skipped")
        return
    from tests.alertcore.reference import Reference

    ref = Reference(plan)
    ref_out, t_ref = [], 0.0
    for r, numbers in decoded:
        rows = list(zip(numbers[r.dev].tolist(), [plan.metrics[m] for m in r.met.tolist()], r.ts.tolist(),
                        r.val.tolist(), strict=True))
        t0 = time.perf_counter()
        out, _ = ref.run(rows, {i: ("station", False) for i in range(len(index))}, NOW)
        t_ref += time.perf_counter() - t0
        ref_out += [(dev, rule, kind == "raise") for _, dev, rule, kind, _ in out]
    same = ref_out == engine_out
    ref_rate = n / t_ref
    print(f"reference (per-reading Python): {t_ref * 1e3:7.1f} ms  {ref_rate / 1e6:6.2f} M readings/s")
    print(f"same decisions as the reference: {'yes' if same else 'NO'}")
    print(f"alert-core: {rate:,.0f} readings/s, {rate / ref_rate:.1f}x reference")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
