"""The per-reading reference of the alert core: plain Python, one reading at a time.

It is the oracle the vectorized engine is checked against, and the "simple reference" of
the benchmark. Same semantics, written the obvious way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from chalicelib.alertcore import policy as P
from chalicelib.alertcore.plan import TZ_OFFSET_MINUTES, Plan
from chalicelib.rules import models as R


@dataclass
class SeriesState:
    last_ts: int = P.NO_TS
    last_val: float = math.nan
    mean: float = 0.0
    var: float = 0.0
    n: int = 0


@dataclass
class RuleState:
    active: bool = False
    run: int = 0
    run_start: int = P.NO_TS
    recent: list[int] = field(default_factory=list)  # count rules: last max_count event times
    over: bool = False
    last_present: int = P.NO_TS  # absence rules
    fired: bool = False


@dataclass
class Reference:
    plan: Plan
    series: dict[tuple[Any, int], SeriesState] = field(default_factory=dict)
    rules: dict[tuple[Any, int], RuleState] = field(default_factory=dict)

    def run(self, readings: list[tuple[Any, str, int, float]], devices: dict[Any, tuple[str, bool]],
            now_ms: int) -> tuple[list[tuple[int, Any, int, str, float]], dict[str, int]]:
        """readings: (device, metric, ts_ms, value) in arrival order; devices: id → (type, care).

        Returns transitions (reading position, device, rule index, "raise"/"clear", value)
        and the counts of rejected readings by reason.
        """
        out: list[tuple[int, Any, int, str, float]] = []
        rejected = dict.fromkeys(P.REJECT_REASONS, 0)
        for pos, (dev, metric, ts, value) in enumerate(readings):
            if dev not in devices:
                rejected["unknown_device"] += 1
                continue
            dtype, care = devices[dev]
            t = self.plan.types.index(dtype)
            m = self.plan.metrics.index(metric) if metric in self.plan.metrics else -1
            if m < 0 or not self.plan.valid[t, m]:
                rejected["unknown_metric"] += 1
                continue
            if not math.isfinite(value):
                rejected["bad_value"] += 1
                continue
            if ts < now_ms - P.MAX_AGE_MS or ts > now_ms + P.MAX_FUTURE_MS:
                rejected["bad_time"] += 1
                continue
            s = self.series.setdefault((dev, m), SeriesState())
            if ts <= s.last_ts:
                rejected["late"] += 1
                continue
            rate = math.nan if s.last_ts == P.NO_TS else (value - s.last_val) / ((ts - s.last_ts) / 60000.0)
            z = math.nan
            if self.plan.baseline[t, m]:
                if s.n >= P.WARMUP_SAMPLES:
                    z = abs(value - s.mean) / (math.sqrt(s.var) + P.STD_FLOOR_ABS + P.STD_FLOOR_REL * abs(s.mean))
                if s.n == 0:
                    s.mean, s.var = value, 0.0
                else:
                    d = value - s.mean
                    s.mean = s.mean + P.EWMA_ALPHA * d
                    s.var = (1.0 - P.EWMA_ALPHA) * (s.var + P.EWMA_ALPHA * d * d)
                s.n += 1
            s.last_ts, s.last_val = ts, value
            for r in self.plan.rules_for.get((t, m), []):
                rule = self.plan.rules[r].rule
                if rule.care_subjects_only and not care:
                    continue
                st = self.rules.setdefault((dev, r), RuleState())
                kind = _step(rule, st, ts, value, rate, z)
                if kind:
                    out.append((pos, dev, r, kind, value))
        return out, rejected


    def sweep(self, now_ms: int) -> list[tuple[Any, int, int]]:
        """Absence rules past their due date raise once: (device, rule index, due ms), in key order."""
        out = []
        for (dev, r), st in sorted(self.rules.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            rule = self.plan.rules[r].rule
            if not isinstance(rule, R.AbsenceRule) or st.last_present == P.NO_TS or st.fired:
                continue
            due = st.last_present + round(rule.period_seconds * 1000)
            if due <= now_ms:
                st.fired = True
                out.append((dev, r, due))
        return out


def in_hours(rule: R.RuleBase, ts: int) -> bool:
    if rule.active_hours is None:
        return True
    minute = (ts // 60000 + TZ_OFFSET_MINUTES) % 1440
    start, end = rule.active_hours.start_minute, rule.active_hours.end_minute
    return start <= minute < end if start < end else (minute >= start or minute < end)


def holds(p: R.Predicate, value: float, rate: float, z: float) -> bool:
    if isinstance(p, R.Above):
        return value > p.above
    if isinstance(p, R.Below):
        return value < p.below
    if isinstance(p, R.RateAbove):
        return rate > p.rate_above  # NaN (no previous sample) compares False
    if isinstance(p, R.RateBelow):
        return rate < p.rate_below
    if isinstance(p, R.ZscoreAbove):
        return z > p.zscore_above
    if isinstance(p, R.All):
        return all(holds(q, value, rate, z) for q in p.all)
    assert isinstance(p, R.Any_)
    return any(holds(q, value, rate, z) for q in p.any)


def _step(rule: Any, st: RuleState, ts: int, value: float, rate: float, z: float) -> str | None:
    if isinstance(rule, R.ConditionRule):
        inside = in_hours(rule, ts)
        w = inside and holds(rule.when, value, rate, z)
        c = (not inside) or holds(rule.clear, value, rate, z)
        if w:
            st.run += 1
            if st.run == 1:
                st.run_start = ts
        else:
            st.run, st.run_start = 0, P.NO_TS
        if not st.active and w and st.run >= rule.for_samples and ts - st.run_start >= round(rule.for_seconds * 1000):
            st.active = True
            return "raise"
        if st.active and c and not w:
            st.active = False
            return "clear"
        return None
    if isinstance(rule, R.CountRule):
        if not in_hours(rule, ts):
            return None
        window = round(rule.window_seconds * 1000)
        k = rule.max_count
        over = len(st.recent) >= k and st.recent[-k] > ts - window
        st.recent = ([*st.recent, ts])[-k:]
        fired = over and not st.over
        st.over = over
        return "raise" if fired else None
    if isinstance(rule, R.EventRule):
        if not in_hours(rule, ts):
            return None
        if value in rule.clear_values:
            if st.active:
                st.active = False
                return "clear"
            return None
        if (value in rule.raise_values) if rule.raise_values else value != 0:
            st.active = True
            return "raise"
        return None
    assert isinstance(rule, R.AbsenceRule)
    if rule.present_above is None or value > rule.present_above:
        st.last_present = ts
        if st.fired:
            st.fired = False
            return "clear"
    return None
