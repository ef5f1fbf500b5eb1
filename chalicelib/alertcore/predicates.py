"""Predicate trees (``chalicelib.rules``) evaluated on whole arrays at once."""

from __future__ import annotations

import numpy as np

from chalicelib.rules import models as R


def evaluate(p: R.Predicate, value: np.ndarray, rate: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Boolean (n,) array; NaN rate / z (no previous sample, baseline warming up) compare False."""
    with np.errstate(invalid="ignore"):
        if isinstance(p, R.Above):
            return value > p.above
        if isinstance(p, R.Below):
            return value < p.below
        if isinstance(p, R.RateAbove):
            return rate > p.rate_above
        if isinstance(p, R.RateBelow):
            return rate < p.rate_below
        if isinstance(p, R.ZscoreAbove):
            return z > p.zscore_above
    if isinstance(p, R.All):
        out = evaluate(p.all[0], value, rate, z)
        for q in p.all[1:]:
            out = out & evaluate(q, value, rate, z)
        return out
    assert isinstance(p, R.Any_)
    out = evaluate(p.any[0], value, rate, z)
    for q in p.any[1:]:
        out = out | evaluate(q, value, rate, z)
    return out


def uses(p: R.Predicate, *leaves: type) -> bool:
    """Whether the predicate tree contains a leaf of one of these types."""
    if isinstance(p, leaves):
        return True
    if isinstance(p, R.All):
        return any(uses(q, *leaves) for q in p.all)
    if isinstance(p, R.Any_):
        return any(uses(q, *leaves) for q in p.any)
    return False


def uses_baseline(p: R.Predicate) -> bool:
    return uses(p, R.ZscoreAbove)


def uses_rate(p: R.Predicate) -> bool:
    return uses(p, R.RateAbove, R.RateBelow)
