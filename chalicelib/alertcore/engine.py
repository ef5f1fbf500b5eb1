"""Step 2: evaluate every rule over a prepared batch, carrying state across batches.

    result = run(prepared, devices, plan, series_state, rule_states)

Pure: arrays in, arrays out. Per series (device, metric) it drops late samples and
keeps the EWMA baseline; each rule (``kinds.py``) then works on whole arrays with
segmented scans. The only Python loops are over rules and, for the baseline recurrence,
over the position inside a series (as many steps as the longest series in the batch):
never over readings or devices.
"""

from __future__ import annotations

import numpy as np

from chalicelib.alertcore import policy as P
from chalicelib.alertcore import segments as S
from chalicelib.alertcore.batch import Devices, Result, RuleState, SeriesState, Transitions
from chalicelib.alertcore.kinds import KINDS, RuleView, in_hours
from chalicelib.alertcore.plan import CompiledRule, Plan
from chalicelib.alertcore.prepare import Prepared
from chalicelib.rules import models as R


class Series:
    """The accepted readings of a batch, grouped by series, with the state they started from."""

    def __init__(self, prep: Prepared, state: SeriesState, plan: Plan, devices: Devices) -> None:
        starts, seg = S.layout(prep.lengths)
        accepted = S.strictly_after(prep.ts, starts, prep.lengths, seg, state.last_ts)
        self.late = 0 if accepted is None else int(len(accepted) - accepted.sum())
        if accepted is None or self.late == 0:
            self.lengths, self.starts, self.seg = prep.lengths, starts, seg
            self.ts, self.val, self.position, self.dev = prep.ts, prep.val, prep.position, prep.dev
        else:
            self.lengths = np.bincount(seg[accepted], minlength=len(prep.lengths)).astype(np.int64)
            self.ts, self.val = prep.ts[accepted], prep.val[accepted]
            self.position, self.dev = prep.position[accepted], prep.dev[accepted]
            self.starts, self.seg = S.layout(self.lengths)
        self.seed = state
        self.series_type = devices.type_index[prep.series_dev] if len(prep.series_dev) else prep.series_dev
        needs = plan.baseline[self.series_type, prep.series_met] if len(prep.series_met) else np.zeros(0, bool)
        self.z, mean, var, n = _baseline(self.val, self.starts, self.lengths, needs, state)
        self.state = SeriesState(S.last_of_group(self.ts, self.starts, self.lengths, state.last_ts),
                                 S.last_of_group(self.val, self.starts, self.lengths, state.last_val), mean, var, n)


def _baseline(val: np.ndarray, starts: np.ndarray, lengths: np.ndarray, needs: np.ndarray,
              state: SeriesState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """EWMA mean/variance per series, step k updating the k-th sample of every series at once.

    Returns z (n,) against the baseline *before* each sample (NaN while warming up) and the
    updated (mean, var, n) per series: the same arithmetic, in the same order, as one loop.
    """
    z = np.full(len(val), np.nan)
    mean, var, n = state.mean.copy(), state.var.copy(), state.n.copy()
    groups = np.flatnonzero(needs & (lengths > 0))
    if len(groups) == 0:
        return z, mean, var, n
    groups = groups[np.argsort(-lengths[groups], kind="stable")]  # longest first: step k uses a prefix
    counts = np.searchsorted(-lengths[groups], -np.arange(int(lengths[groups[0]])), side="left")
    a = P.EWMA_ALPHA
    for k, count in enumerate(counts.tolist()):
        g = groups[:count]
        idx = starts[g] + k
        x, m, s, c = val[idx], mean[g], var[g], n[g]
        warm = c >= P.WARMUP_SAMPLES
        xs, ms = x[warm], m[warm]
        z[idx[warm]] = np.abs(xs - ms) / (np.sqrt(s[warm]) + P.STD_FLOOR_ABS + P.STD_FLOOR_REL * np.abs(ms))
        first = c == 0
        d = x - m
        mean[g] = np.where(first, x, m + a * d)
        var[g] = np.where(first, 0.0, (1.0 - a) * (s + a * d * d))
        n[g] = c + 1
    return z, mean, var, n


class SeriesIndex:
    """Series of a batch by (device type, metric): one stable sort, then a slice per rule."""

    def __init__(self, plan: Plan, series_type: np.ndarray, series_met: np.ndarray, series_dev: np.ndarray,
                 devices: Devices) -> None:
        self.width = len(plan.metrics)
        key = series_type.astype(np.int64) * self.width + series_met
        self.order = np.argsort(key, kind="stable")
        self.keys = key[self.order]
        self.series_dev, self.devices = series_dev, devices

    def groups(self, rule: CompiledRule) -> np.ndarray:
        """The series (indexes into the batch's series) a rule applies to, in batch order."""
        k = rule.type_index * self.width + rule.metric_index
        lo, hi = np.searchsorted(self.keys, [k, k + 1])
        groups = self.order[lo:hi]
        if rule.rule.care_subjects_only:
            groups = groups[self.devices.care[self.series_dev[groups]]]
        return groups


def run(prep: Prepared, devices: Devices, plan: Plan, series_state: SeriesState,
        rule_states: dict[int, RuleState]) -> Result:
    """Evaluate the plan. ``rule_states[r]`` is aligned to ``SeriesIndex.groups(r)`` of this batch."""
    series = Series(prep, series_state, plan, devices)
    parts: list[tuple[np.ndarray, ...]] = []
    new_states: dict[int, RuleState] = {}
    due: dict[int, np.ndarray] = {}
    index = SeriesIndex(plan, series.series_type, prep.series_met, prep.series_dev, devices)
    for compiled in plan.rules:
        groups = index.groups(compiled)
        if len(groups) == 0:
            continue
        rule = compiled.rule
        st = rule_states[compiled.index]
        filtered = rule.kind in ("count", "event") and rule.active_hours is not None
        view = RuleView(series, groups, in_hours(rule, series.ts) if filtered else None)
        raised, cleared = KINDS[rule.kind](rule, view, st)
        new_states[compiled.index] = st
        if isinstance(rule, R.AbsenceRule):
            due[compiled.index] = np.where(st.last_present == P.NO_TS, P.NO_TS,
                                           st.last_present + round(rule.period_seconds * 1000))
        hit = np.flatnonzero(raised | cleared)
        if len(hit):
            i = view.idx[hit]
            parts.append((series.position[i], series.dev[i], np.full(len(hit), compiled.index, np.int32),
                          raised[hit], series.ts[i], series.val[i]))
    rejected = dict(prep.rejected)
    rejected["late"] = series.late
    return Result(_ordered(parts), series.state, new_states, due, rejected, len(series.ts), series.lengths)


def _ordered(parts: list[tuple[np.ndarray, ...]]) -> Transitions:
    if not parts:
        e = np.empty(0, np.int64)
        return Transitions(e, e.astype(np.int32), e.astype(np.int32), e.astype(bool), e, e.astype(float))
    cols = [np.concatenate([p[c] for p in parts]) for c in range(6)]
    order = np.lexsort((cols[2], cols[0]))
    return Transitions(*(c[order] for c in cols))
