"""One call for a batch: prepare → load state → run → save state."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from chalicelib.alertcore.batch import Devices, Readings, Result, RuleState, SeriesState
from chalicelib.alertcore.engine import run
from chalicelib.alertcore.plan import Plan
from chalicelib.alertcore.prepare import Prepared, prepare


class StateStore(Protocol):
    def load(self, prep: Prepared, devices: Devices, numbers: np.ndarray) -> tuple[SeriesState, dict[int, RuleState]]:
        ...

    def save(self, prep: Prepared, devices: Devices, numbers: np.ndarray, result: Result) -> None:
        ...


def process(plan: Plan, store: StateStore, readings: Readings, devices: Devices, numbers: np.ndarray,
            now_ms: int) -> Result:
    """Evaluate one batch; ``numbers[d]`` is a stable int64 number for batch device d."""
    prep = prepare(readings, devices, plan, now_ms)
    series, rules = store.load(prep, devices, numbers)
    result = run(prep, devices, plan, series, rules)
    store.save(prep, devices, numbers, result)
    return result
