"""The vectorized engine decides exactly what the per-reading reference decides: on random
batches, split any way into batches, with disorder, duplicates and bad readings."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.alertcore.store import MemoryStateStore
from tests.alertcore.harness import run_engine, sample_plan
from tests.alertcore.reference import Reference

PLAN = sample_plan()
NOW = 1_800_000_000_000
DEVICES = {1: ("sensor", True), 2: ("sensor", False), 3: ("meter", False), 4: ("meter", True)}
METRICS = ["temp", "level", "door", "sos", "power", "nosuch"]
VALUES = st.one_of(
    st.sampled_from([0.0, 1.0, 34.0, 36.0, 45.0, 55.0, 61.0, 65.0, 71.0, 85.0, 2500.0, 6000.0]),
    st.floats(-100, 7000, allow_nan=False).map(lambda v: round(v, 1)),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)
READING = st.tuples(st.sampled_from([1, 2, 3, 4, 9]), st.sampled_from(METRICS),
                    st.integers(NOW - 8 * 3_600_000, NOW + 10 * 60_000), VALUES)
# Mostly-increasing time with local disorder, as devices really send it.
STREAM = st.lists(st.tuples(READING, st.integers(-120_000, 600_000)), max_size=160).map(
    lambda items: _drift(items))


# Few series, many samples each: the EWMA baseline warms up and anomalies are judged.
DENSE = st.lists(st.tuples(
    st.tuples(st.sampled_from([(1, "level"), (3, "power")]), st.sampled_from([i / 2 for i in range(80, 121)])
              | st.sampled_from([0.0, 20.0, 30.0, 62.0, 65.0, 70.0, 80.0, 100.0, 6000.0])),
    st.integers(1000, 90_000)), min_size=30, max_size=400).map(
        lambda items: _drift([((d, m, 1, v), step) for ((d, m), v), step in items]))


def _drift(items: list) -> list[tuple]:
    out, t = [], NOW - 6 * 3_600_000
    for (dev, metric, ts, value), step in items:
        t += step
        out.append((dev, metric, t if ts % 7 else ts, value))  # now and then a wild timestamp
    return out


LAST: dict[str, object] = {}


def _replay(batches: list[list[tuple]], sweeps: list[int]) -> tuple[list, list, list, dict]:
    ref, store = Reference(PLAN), MemoryStateStore(PLAN)
    LAST.update(ref=ref, store=store)
    got_ref, got_eng, swept = [], [], []
    rejected_ref: dict[str, int] = {}
    offset = 0
    for batch, sweep_at in zip(batches, sweeps, strict=True):
        a, ra = ref.run(batch, DEVICES, NOW)
        e, re = run_engine(PLAN, store, batch, DEVICES, NOW)
        got_ref += [(p + offset, *rest) for p, *rest in a]
        got_eng += [(p + offset, *rest) for p, *rest in e]
        assert ra == re
        for k, v in ra.items():
            rejected_ref[k] = rejected_ref.get(k, 0) + v
        offset += len(batch)
        swept.append((ref.sweep(sweep_at), store.sweep(sweep_at)))
    return got_ref, got_eng, swept, rejected_ref


def _split(stream: list, cuts: list[int]) -> list[list]:
    points = sorted({c % (len(stream) + 1) for c in cuts})
    edges = [0, *points, len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(edges)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=STREAM, cuts=st.lists(st.integers(0, 200), max_size=6))
def test_engine_equals_reference_on_any_split(stream, cuts):
    batches = _split(stream, cuts)
    sweeps = [NOW - 6 * 3_600_000 + i * 3_600_000 for i in range(len(batches))]
    ref, eng, swept, _ = _replay(batches, sweeps)
    assert eng == ref
    for by_ref, by_engine in swept:
        assert by_engine == by_ref


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=STREAM, cuts=st.lists(st.integers(0, 200), min_size=1, max_size=6))
def test_one_batch_or_many_gives_the_same_transitions(stream, cuts):
    whole, _, _, _ = _replay([stream], [0])
    split, _, _, _ = _replay(_split(stream, cuts), [0] * len(_split(stream, cuts)))
    assert [t[1:] for t in split] == [t[1:] for t in whole]
    assert [t[0] for t in split] == [t[0] for t in whole]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream=DENSE, cuts=st.lists(st.integers(0, 400), max_size=4))
def test_anomaly_baseline_matches_the_reference_bit_for_bit(stream, cuts):
    ref, eng, _, _ = _replay(_split(stream, cuts), [0] * len(_split(stream, cuts)))
    assert eng == ref
    # and the carried baseline itself is the same, to the last bit
    reference, store = LAST["ref"], LAST["store"]
    for (dev, m), s in reference.series.items():
        row = list(store.series.keys).index(dev * len(PLAN.metrics) + m)
        cols = store.series.columns
        assert (cols["mean"][row], cols["var"][row], cols["n"][row]) == (s.mean, s.var, s.n)
        assert (cols["last_ts"][row], cols["last_val"][row]) == (s.last_ts, s.last_val)


def test_empty_batch_is_fine():
    assert _replay([[]], [NOW])[1] == []


@pytest.mark.parametrize(("reading", "reason"), [
    ((9, "temp", NOW, 90.0), "unknown_device"),
    ((1, "power", NOW, 90.0), "unknown_metric"),
    ((1, "nosuch", NOW, 90.0), "unknown_metric"),
    ((1, "temp", NOW, math.nan), "bad_value"),
    ((1, "temp", NOW, math.inf), "bad_value"),
    ((1, "temp", NOW + 3_600_000, 90.0), "bad_time"),
    ((1, "temp", NOW - 30 * 86_400_000, 90.0), "bad_time"),
])
def test_bad_readings_are_counted_and_never_raise(reading, reason):
    hot = [(1, "temp", NOW - 180_000, 90.0), reading, (1, "temp", NOW - 1000, 90.0)]
    ref, eng, _, rejected = _replay([hot], [0])
    assert eng == ref
    assert rejected[reason] == 1
    assert [t[0] for t in eng] == [2]  # raised by the two good samples only


def test_late_and_duplicate_samples_are_dropped_not_evaluated():
    batch = [(1, "temp", NOW - 300_000, 90.0), (1, "temp", NOW - 300_000, 90.0), (1, "temp", NOW - 500_000, 90.0),
             (1, "temp", NOW - 1000, 90.0)]
    ref, eng, _, rejected = _replay([batch], [0])
    assert eng == ref and rejected["late"] == 2
    assert [t[0] for t in eng] == [3]


def test_absence_fires_from_the_sweep_without_any_new_message_and_clears_on_presence():
    store = MemoryStateStore(PLAN)
    run_engine(PLAN, store, [(1, "door", NOW - 7_200_000, 1.0)], DEVICES, NOW)  # door opened 2 h ago
    assert store.sweep(NOW - 7_200_000 + 3_599_000) == []
    fired = store.sweep(NOW)
    assert [(dev, PLAN.rules[r].rule.id) for dev, r, _ in fired] == [(1, "sensor.stuck")]
    assert store.sweep(NOW) == []  # once
    out, _ = run_engine(PLAN, store, [(1, "door", NOW - 1000, 1.0)], DEVICES, NOW)
    assert [(PLAN.rules[r].rule.id, kind) for _, _, r, kind, _ in out] == [("sensor.stuck", "clear")]
    # not for devices that do not watch a care subject
    run_engine(PLAN, store, [(2, "door", NOW - 7_200_000, 1.0)], DEVICES, NOW)
    assert store.sweep(NOW + 1) == []
