"""The engine's input and state, as arrays.

Shapes: n readings, d devices (batch-local indexes), G series = (device, metric) pairs
present in the batch, and for each rule r the G_r series it applies to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from chalicelib.alertcore import policy as P


@dataclass
class Readings:
    """One batch in arrival order. dev: int32 (n,) index into Devices or -1 when unknown;
    met: int32 (n,) metric index or -1; ts: int64 (n,) epoch ms; val: float64 (n,)."""

    dev: np.ndarray
    met: np.ndarray
    ts: np.ndarray
    val: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)


@dataclass
class Devices:
    """type_index: int32 (d,) into Plan.types; care: bool (d,) watches a care subject."""

    type_index: np.ndarray
    care: np.ndarray


@dataclass
class SeriesState:
    """Per series, aligned to Prepared.series_*: last accepted sample and EWMA baseline."""

    last_ts: np.ndarray  # int64, NO_TS when none
    last_val: np.ndarray  # float64
    mean: np.ndarray
    var: np.ndarray
    n: np.ndarray  # int64 samples seen by the baseline

    @classmethod
    def fresh(cls, size: int) -> SeriesState:
        return cls(np.full(size, P.NO_TS, np.int64), np.full(size, np.nan), np.zeros(size), np.zeros(size),
                   np.zeros(size, np.int64))


@dataclass
class RuleState:
    """Per (series, rule), aligned to that rule's series in batch order."""

    active: np.ndarray  # bool: condition latched / absence fired
    run: np.ndarray  # int64: consecutive samples meeting `when`
    run_start: np.ndarray  # int64: ts of the first of them (NO_TS when run == 0)
    over: np.ndarray  # bool: count rule above its limit at the last event
    recent: np.ndarray  # int64 (G_r, max_count): last event times, oldest first, NO_TS padded
    last_present: np.ndarray  # int64: absence rules

    @classmethod
    def fresh(cls, size: int, ring: int = 0) -> RuleState:
        return cls(np.zeros(size, bool), np.zeros(size, np.int64), np.full(size, P.NO_TS, np.int64),
                   np.zeros(size, bool), np.full((size, ring), P.NO_TS, np.int64), np.full(size, P.NO_TS, np.int64))


@dataclass
class Transitions:
    """Raise/clear decisions, ordered by reading position then rule order."""

    position: np.ndarray  # int64: index of the causing reading in the batch (arrival order)
    device: np.ndarray  # int32: batch-local device index
    rule: np.ndarray  # int32: rule index in the plan
    raised: np.ndarray  # bool: True raise, False clear
    ts: np.ndarray  # int64 ms
    value: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.position)


@dataclass
class Result:
    transitions: Transitions
    series: SeriesState
    rules: dict[int, RuleState]
    # absence rules: due time (ms) per series of the rule, aligned like RuleState
    due: dict[int, np.ndarray] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    evaluated: int = 0
    # readings accepted (not late) per series, aligned to Prepared.series_*
    accepted: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
