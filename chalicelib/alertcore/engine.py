"""Step 2: evaluate every rule over a prepared batch, carrying state across batches.

    result = run(prepared, devices, plan, series_state, rule_states)

Pure: arrays in, arrays out. Per series (device, metric) it drops late samples, derives
rate of change and the EWMA baseline; per rule it evaluates predicates on whole arrays
and turns them into raise/clear transitions with segmented scans. The only Python loops
are over rules and, for the baseline recurrence, over the position inside a series
(as many steps as the longest series in the batch), never over readings or devices.
"""

from __future__ import annotations

import numpy as np

from chalicelib.alertcore import policy as P
from chalicelib.alertcore import segments as S
from chalicelib.alertcore.batch import Devices, Result, RuleState, SeriesState, Transitions
from chalicelib.alertcore.plan import TZ_OFFSET_MINUTES, CompiledRule, Plan
from chalicelib.alertcore.predicates import evaluate
from chalicelib.alertcore.prepare import Prepared
from chalicelib.rules import models as R


class Series:
    """The accepted readings of a batch, grouped by series, with derived columns."""

    def __init__(self, prep: Prepared, state: SeriesState, plan: Plan, devices: Devices) -> None:
        _, seg = S.layout(prep.lengths)
        accepted = prep.ts > S.exclusive_cummax(prep.ts, seg, state.last_ts)
        self.late = int(len(accepted) - accepted.sum())
        self.lengths = np.bincount(seg[accepted], minlength=len(prep.lengths)).astype(np.int64)
        self.ts, self.val = prep.ts[accepted], prep.val[accepted]
        self.position, self.dev = prep.position[accepted], prep.dev[accepted]
        self.starts, self.seg = S.layout(self.lengths)
        self.series_type = devices.type_index[prep.series_dev] if len(prep.series_dev) else prep.series_dev
        prev_ts = S.previous_in_group(self.ts, self.starts, self.lengths, state.last_ts)
        prev_val = S.previous_in_group(self.val, self.starts, self.lengths, state.last_val)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.rate = np.where(prev_ts == P.NO_TS, np.nan, (self.val - prev_val) / ((self.ts - prev_ts) / 60000.0))
        needs = plan.baseline[self.series_type, prep.series_met] if len(prep.series_met) else np.zeros(0, bool)
        self.z, mean, var, n = _baseline(self.val, self.starts, self.lengths, needs, state)
        self.state = SeriesState(S.last_of_group(self.ts, self.starts, self.lengths, state.last_ts),
                                 S.last_of_group(self.val, self.starts, self.lengths, state.last_val), mean, var, n)


def _baseline(val: np.ndarray, starts: np.ndarray, lengths: np.ndarray, needs: np.ndarray,
              state: SeriesState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """EWMA mean/variance per series, step k updating the k-th sample of every series at once.

    Returns z (n,) against the baseline *before* each sample (NaN while warming up) and the
    updated (mean, var, n) per series. Same arithmetic, in the same order, as one loop.
    """
    z = np.full(len(val), np.nan)
    mean, var, n = state.mean.copy(), state.var.copy(), state.n.copy()
    groups = np.flatnonzero(needs & (lengths > 0))
    if len(groups) == 0:
        return z, mean, var, n
    groups = groups[np.argsort(-lengths[groups], kind="stable")]  # longest first: step k uses a prefix
    # counts[k]: how many series have more than k samples
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


class RuleView:
    """The readings of one rule's series: indexes into Series arrays plus local layout."""

    def __init__(self, series: Series, groups: np.ndarray, keep: np.ndarray | None = None) -> None:
        self.groups = groups
        idx = S.gather_ranges(series.starts[groups], series.lengths[groups])
        lengths = series.lengths[groups]
        if keep is not None:  # a sub-selection of those readings (quiet hours)
            mask = keep[idx]
            seg_local = np.repeat(np.arange(len(groups)), lengths)
            idx = idx[mask]
            lengths = np.bincount(seg_local[mask], minlength=len(groups)).astype(np.int64)
        self.idx, self.lengths = idx, lengths
        self.starts, self.seg = S.layout(lengths)
        self.ts = series.ts[idx]


def _in_hours(rule: R.RuleBase, ts: np.ndarray) -> np.ndarray:
    hours = rule.active_hours
    if hours is None:
        return np.ones(len(ts), bool)
    minute = (ts // 60000 + TZ_OFFSET_MINUTES) % 1440
    start, end = hours.start_minute, hours.end_minute
    return (minute >= start) & (minute < end) if start < end else (minute >= start) | (minute < end)


def _condition(rule: R.ConditionRule, series: Series, view: RuleView, st: RuleState) -> tuple[np.ndarray, ...]:
    i, ts = view.idx, view.ts
    val, rate, z = series.val[i], series.rate[i], series.z[i]
    inside = _in_hours(rule, ts)
    w = inside & evaluate(rule.when, val, rate, z)
    c = ~inside | evaluate(rule.clear, val, rate, z)
    n = len(ts)
    local = np.arange(n)
    group_start = view.starts[view.seg]
    last_false = S.last_marked(~w)
    fresh_run = last_false < group_start  # no break in `when` since the group began: continue the seed run
    seed_run, seed_start = st.run[view.seg], st.run_start[view.seg]
    run = np.where(fresh_run, local - group_start + 1 + seed_run, local - last_false)
    first_ts = ts[np.minimum(np.where(fresh_run, group_start, last_false + 1), max(n - 1, 0))] if n else ts
    run_start = np.where(fresh_run & (seed_run > 0), seed_start, first_ts)
    run = np.where(w, run, 0)
    run_start = np.where(w, run_start, P.NO_TS)
    raise_c = w & (run >= rule.for_samples) & (ts - run_start >= round(rule.for_seconds * 1000))
    clear_c = c & ~w
    last_event = S.last_marked(raise_c | clear_c)
    has_event = last_event >= group_start
    active = np.where(has_event, raise_c[np.maximum(last_event, 0)], st.active[view.seg])
    before = S.previous_in_group(active, view.starts, view.lengths, st.active)
    st.active = S.last_of_group(active, view.starts, view.lengths, st.active)
    st.run = S.last_of_group(run, view.starts, view.lengths, st.run)
    st.run_start = S.last_of_group(run_start, view.starts, view.lengths, st.run_start)
    return active & ~before, ~active & before


def _count(rule: R.CountRule, series: Series, view: RuleView, st: RuleState) -> tuple[np.ndarray, ...]:
    ts, k = view.ts, rule.max_count
    n = len(ts)
    local = np.arange(n)
    pos = local - view.starts[view.seg]
    kth_prev = np.empty(n, np.int64)
    in_batch = pos >= k
    kth_prev[in_batch] = ts[local[in_batch] - k]
    from_ring = ~in_batch
    kth_prev[from_ring] = st.recent[view.seg[from_ring], pos[from_ring]]
    over = kth_prev > ts - round(rule.window_seconds * 1000)
    before = S.previous_in_group(over, view.starts, view.lengths, st.over)
    st.over = S.last_of_group(over, view.starts, view.lengths, st.over)
    # the ring keeps the last k event times: from the batch where the group has them, else the old ring
    cols = view.lengths[:, None] - k + np.arange(k)[None, :]  # position in group of each kept time
    from_batch = cols >= 0
    ring = st.recent.copy()
    if n:
        src = np.clip(view.starts[:, None] + cols, 0, n - 1)
        ring = np.where(from_batch, ts[src], st.recent[np.arange(len(view.lengths))[:, None],
                                                      np.clip(view.lengths[:, None] + np.arange(k)[None, :], 0, k - 1)])
    st.recent = ring
    return over & ~before, np.zeros(n, bool)


def _event(rule: R.EventRule, series: Series, view: RuleView, st: RuleState) -> tuple[np.ndarray, ...]:
    val = series.val[view.idx]
    clear = np.isin(val, rule.clear_values) if rule.clear_values else np.zeros(len(val), bool)
    raised = np.isin(val, rule.raise_values) if rule.raise_values else val != 0
    return raised & ~clear, clear


def _absence(rule: R.AbsenceRule, series: Series, view: RuleView, st: RuleState) -> tuple[np.ndarray, ...]:
    """Presence moves the due date; the first presence after an absence alert clears it.
    Raising is the sweep's job (``absence.sweep``), by due date, without new messages."""
    val, ts = series.val[view.idx], view.ts
    present = np.ones(len(val), bool) if rule.present_above is None else val > rule.present_above
    seen = np.cumsum(present)
    before_group = np.where(view.starts > 0, seen[np.maximum(view.starts - 1, 0)], 0) if len(val) else view.starts
    nth = seen - before_group[view.seg]  # presences so far in this group, this one included
    cleared = present & (nth == 1) & st.active[view.seg]
    last_present = S.last_marked(present)
    ends = view.starts + view.lengths - 1
    has = view.lengths > 0
    has[has] = nth[ends[has]] > 0
    st.last_present = st.last_present.copy()
    st.last_present[has] = ts[last_present[ends[has]]]
    st.active = st.active & ~has
    return np.zeros(len(val), bool), cleared


_KINDS = {"condition": _condition, "count": _count, "event": _event, "absence": _absence}


def rule_groups(rule: CompiledRule, series_type: np.ndarray, series_met: np.ndarray, series_dev: np.ndarray,
                devices: Devices) -> np.ndarray:
    """The series (indexes into the batch's series) a rule applies to, in batch order."""
    mask = (series_type == rule.type_index) & (series_met == rule.metric_index)
    if rule.rule.care_subjects_only:
        mask &= devices.care[series_dev]
    return np.flatnonzero(mask)


def run(prep: Prepared, devices: Devices, plan: Plan, series_state: SeriesState,
        rule_states: dict[int, RuleState]) -> Result:
    """Evaluate the plan. ``rule_states[r]`` is aligned to ``rule_groups(r, …)`` of this batch."""
    series = Series(prep, series_state, plan, devices)
    parts: list[tuple[np.ndarray, ...]] = []
    new_states: dict[int, RuleState] = {}
    due: dict[int, np.ndarray] = {}
    for compiled in plan.rules:
        groups = rule_groups(compiled, series.series_type, prep.series_met, prep.series_dev, devices)
        if len(groups) == 0:
            continue
        rule = compiled.rule
        st = rule_states[compiled.index]
        keep = None if rule.kind in ("condition", "absence") or rule.active_hours is None else \
            _in_hours(rule, series.ts)
        view = RuleView(series, groups, keep)
        raised, cleared = _KINDS[rule.kind](rule, series, view, st)  # type: ignore[operator]
        new_states[compiled.index] = st
        if isinstance(rule, R.AbsenceRule):
            due[compiled.index] = np.where(st.last_present == P.NO_TS, P.NO_TS,
                                           st.last_present + round(rule.period_seconds * 1000))
        hit = np.flatnonzero(raised | cleared)
        if len(hit):
            i = view.idx[hit]
            parts.append((series.position[i], series.dev[i], np.full(len(hit), compiled.index, np.int32),
                          raised[hit], series.ts[i], series.val[i]))
    transitions = _ordered(parts)
    rejected = dict(prep.rejected)
    rejected["late"] = series.late
    return Result(transitions, series.state, new_states, due, rejected, len(series.ts))


def _ordered(parts: list[tuple[np.ndarray, ...]]) -> Transitions:
    if not parts:
        e = np.empty(0, np.int64)
        return Transitions(e, e.astype(np.int32), e.astype(np.int32), e.astype(bool), e, e.astype(float))
    cols = [np.concatenate([p[c] for p in parts]) for c in range(6)]
    order = np.lexsort((cols[2], cols[0]))
    return Transitions(*(c[order] for c in cols))
