"""Compile device profiles (``chalicelib.rules``) into the flat tables the engine indexes.

Everything the engine needs per reading is reachable by integer index: metric index,
device-type index, rule index. Rules keep their profile order, which fixes the order of
transitions emitted for one reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from chalicelib.alertcore.predicates import uses_baseline
from chalicelib.rules.models import AbsenceRule, ConditionRule, CountRule, DeviceProfile, EventRule

# Local time of Chinese cities (no daylight saving): minutes east of UTC.
TZ_OFFSET_MINUTES = 8 * 60

AnyRule = ConditionRule | CountRule | EventRule | AbsenceRule


@dataclass(frozen=True)
class CompiledRule:
    index: int
    rule: AnyRule
    type_index: int
    metric_index: int

    @property
    def kind(self) -> str:
        return self.rule.kind


@dataclass
class Plan:
    types: list[str]
    metrics: list[str]
    # valid[t, m]: metric m belongs to device type t
    valid: np.ndarray
    rules: list[CompiledRule]
    # baseline[t, m]: some rule on this series uses the EWMA baseline (zscore), so keep one
    baseline: np.ndarray
    # rules_for[(t, m)]: rule indexes in profile order
    rules_for: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def type_index(self, name: str) -> int:
        return self.types.index(name)

    @cached_property
    def type_numbers(self) -> dict[str, int]:
        """Device type → its index in ``types``."""
        return {t: i for i, t in enumerate(self.types)}

    @cached_property
    def metric_numbers(self) -> dict[str, int]:
        """Metric name → its index in ``metrics``."""
        return {m: i for i, m in enumerate(self.metrics)}

    def metric_index(self, name: str) -> int:
        return self.metrics.index(name)


def compile_plan(profiles: list[DeviceProfile]) -> Plan:
    types = [p.type for p in profiles]
    metrics = sorted({m.name for p in profiles for m in p.metrics})
    m_index = {m: i for i, m in enumerate(metrics)}
    valid = np.zeros((len(types), len(metrics)), dtype=bool)
    baseline = np.zeros_like(valid)
    rules: list[CompiledRule] = []
    rules_for: dict[tuple[int, int], list[int]] = {}
    for t, profile in enumerate(profiles):
        for m in profile.metrics:
            valid[t, m_index[m.name]] = True
        for rule in profile.rules:
            if not rule.enabled:
                continue
            compiled = CompiledRule(len(rules), rule, t, m_index[rule.metric])
            rules.append(compiled)
            rules_for.setdefault((t, compiled.metric_index), []).append(compiled.index)
            if isinstance(rule, ConditionRule) and (uses_baseline(rule.when) or uses_baseline(rule.clear)):
                baseline[t, compiled.metric_index] = True
    return Plan(types, metrics, valid, rules, baseline, rules_for)
