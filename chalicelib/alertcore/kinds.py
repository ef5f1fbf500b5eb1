"""How each kind of rule turns a rule's readings into transitions, with array code.

Each function takes the rule, a ``RuleView`` (the rule's series, contiguous per series, in
time order) and the rule's state aligned to those series; it updates the state in place
and returns two boolean arrays over the view: raised and cleared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from chalicelib.alertcore import policy as P
from chalicelib.alertcore import segments as S
from chalicelib.alertcore.batch import RuleState
from chalicelib.alertcore.plan import TZ_OFFSET_MINUTES
from chalicelib.alertcore.predicates import evaluate, uses_rate
from chalicelib.rules import models as R

if TYPE_CHECKING:
    from chalicelib.alertcore.engine import Series


class RuleView:
    def __init__(self, series: Series, groups: np.ndarray, keep: np.ndarray | None = None) -> None:
        self.series, self.groups = series, groups
        idx = S.gather_ranges(series.starts[groups], series.lengths[groups])
        lengths = series.lengths[groups]
        if keep is not None:  # only some readings count for this rule (its hours)
            mask = keep[idx]
            idx = idx[mask]
            lengths = np.bincount(np.repeat(np.arange(len(groups)), lengths)[mask], minlength=len(groups))
        self.idx, self.lengths = idx, lengths.astype(np.int64)
        self.starts, self.seg = S.layout(self.lengths)
        self.ts, self.val = series.ts[idx], series.val[idx]

    def rate(self) -> np.ndarray:
        """Change per minute since the previous sample of the series (NaN for its first ever)."""
        seed = self.series.seed
        prev_ts = S.previous_in_group(self.ts, self.starts, self.lengths, seed.last_ts[self.groups])
        prev_val = S.previous_in_group(self.val, self.starts, self.lengths, seed.last_val[self.groups])
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(prev_ts == P.NO_TS, np.nan, (self.val - prev_val) / ((self.ts - prev_ts) / 60000.0))

    def z(self) -> np.ndarray:
        return self.series.z[self.idx]


def in_hours(rule: R.RuleBase, ts: np.ndarray) -> np.ndarray | Any:
    hours = rule.active_hours
    if hours is None:
        return True
    return S.within_hours((ts // 60000 + TZ_OFFSET_MINUTES) % 1440, hours.start_minute, hours.end_minute)


def _predicate(p: R.Predicate, view: RuleView, rate: np.ndarray | None) -> np.ndarray:
    return evaluate(p, view.val, rate if rate is not None else np.empty(0), view.z())


def condition(rule: R.ConditionRule, view: RuleView, st: RuleState) -> tuple[np.ndarray, np.ndarray]:
    rate = view.rate() if uses_rate(rule.when) or uses_rate(rule.clear) else None
    inside = in_hours(rule, view.ts)
    w = _predicate(rule.when, view, rate) & inside
    # Only series that meet `when` now, or were already running or raised, can change.
    busy = S.any_per_group(w, view.seg, len(view.lengths)) | st.active | (st.run > 0)
    raised, cleared = np.zeros(len(w), bool), np.zeros(len(w), bool)
    g = np.flatnonzero(busy & (view.lengths > 0))
    if len(g) == 0:
        return raised, cleared
    sub = S.gather_ranges(view.starts[g], view.lengths[g])
    lengths = view.lengths[g]
    starts, seg = S.layout(lengths)
    ts, ws = view.ts[sub], w[sub]
    c = (~inside[sub] if isinstance(inside, np.ndarray) else False) | evaluate(
        rule.clear, view.val[sub], rate[sub] if rate is not None else np.empty(0), view.z()[sub])
    n = len(ts)
    local = np.arange(n)
    group_start = starts[seg]
    last_false = S.last_marked(~ws)
    continuing = last_false < group_start  # `when` held since the group began: the stored run goes on
    seed_run, seed_start = st.run[g], st.run_start[g]
    run = np.where(continuing, local - group_start + 1 + seed_run[seg], local - last_false)
    first = ts[np.where(continuing, group_start, np.minimum(last_false + 1, n - 1))]
    run_start = np.where(continuing & (seed_run[seg] > 0), seed_start[seg], first)
    run = np.where(ws, run, 0)
    run_start = np.where(ws, run_start, P.NO_TS)
    up = ws & (run >= rule.for_samples) & (ts - run_start >= round(rule.for_seconds * 1000))
    down = c & ~ws
    last_event = S.last_marked(up | down)
    active = np.where(last_event >= group_start, up[np.maximum(last_event, 0)], st.active[g][seg])
    before = S.previous_in_group(active, starts, lengths, st.active[g])
    raised[sub], cleared[sub] = active & ~before, ~active & before
    st.active[g] = S.last_of_group(active, starts, lengths, st.active[g])
    st.run[g] = S.last_of_group(run, starts, lengths, st.run[g])
    st.run_start[g] = S.last_of_group(run_start, starts, lengths, st.run_start[g])
    return raised, cleared


def count(rule: R.CountRule, view: RuleView, st: RuleState) -> tuple[np.ndarray, np.ndarray]:
    """More than max_count within the window: the max_count-th previous event is inside it."""
    ts, k = view.ts, rule.max_count
    n = len(ts)
    local = np.arange(n)
    pos = local - view.starts[view.seg]
    kth_prev = np.empty(n, np.int64)
    in_batch = pos >= k
    kth_prev[in_batch] = ts[local[in_batch] - k]
    kth_prev[~in_batch] = st.recent[view.seg[~in_batch], pos[~in_batch]]
    over = kth_prev > ts - round(rule.window_seconds * 1000)
    before = S.previous_in_group(over, view.starts, view.lengths, st.over)
    st.over = S.last_of_group(over, view.starts, view.lengths, st.over)
    if n:  # keep the last k event times: from this batch where there are enough, else from the old ring
        cols = view.lengths[:, None] - k + np.arange(k)[None, :]
        old = st.recent[np.arange(len(view.lengths))[:, None], np.clip(cols + k, 0, k - 1)]
        st.recent = np.where(cols >= 0, ts[np.clip(view.starts[:, None] + cols, 0, n - 1)], old)
    return over & ~before, np.zeros(n, bool)


def event(rule: R.EventRule, view: RuleView, st: RuleState) -> tuple[np.ndarray, np.ndarray]:
    """Every raising event raises (repeats attach to the open alert); a clearing event clears an open one."""
    val = view.val
    clear = np.isin(val, rule.clear_values) if rule.clear_values else np.zeros(len(val), bool)
    up = (np.isin(val, rule.raise_values) if rule.raise_values else val != 0) & ~clear
    last = S.last_marked(up | clear)
    group_start = view.starts[view.seg]
    active = np.where(last >= group_start, up[np.maximum(last, 0)], st.active[view.seg])
    before = S.previous_in_group(active, view.starts, view.lengths, st.active)
    st.active = S.last_of_group(active, view.starts, view.lengths, st.active)
    return up, clear & before


def absence(rule: R.AbsenceRule, view: RuleView, st: RuleState) -> tuple[np.ndarray, np.ndarray]:
    """Presence moves the due date; the first presence after an absence alert clears it.
    Raising is the sweep's job, by due date, without any new message."""
    val, ts = view.val, view.ts
    present = np.ones(len(val), bool) if rule.present_above is None else val > rule.present_above
    seen = np.cumsum(present)
    before_group = np.where(view.starts > 0, seen[np.maximum(view.starts - 1, 0)], 0) if len(val) else view.starts
    nth = seen - before_group[view.seg]  # presences so far in the group, this one included
    cleared = present & (nth == 1) & st.active[view.seg]
    last_present = S.last_marked(present)
    ends = view.starts + view.lengths - 1
    has = view.lengths > 0
    has[has] = nth[ends[has]] > 0
    st.last_present = st.last_present.copy()
    st.last_present[has] = ts[last_present[ends[has]]]
    st.active = st.active & ~has
    return np.zeros(len(val), bool), cleared


KINDS: dict[str, Any] = {"condition": condition, "count": count, "event": event, "absence": absence}
