"""Rule definitions: what a city configures, per device type.

Four kinds of rule:

``condition``  latched. Raises when its ``when`` predicate holds for ``for_samples``
               consecutive samples (and, if set, for ``for_seconds``); clears only when its
               ``clear`` predicate holds — a separate level, so it does not flap. Predicates
               are thresholds (``above``/``below``), rates of change (``rate_above``/
               ``rate_below``, per minute) and anomalies (``zscore_above`` against the
               series' EWMA baseline), combined with ``all`` / ``any``.
``count``      more than ``max_count`` samples of the metric within ``window_seconds``
               (e.g. one access card used 30 times a day; three SOS presses in a minute).
``event``      a discrete event raises at once (value in ``raise_values``, or any non-zero);
               ``clear_values`` clear it.
``absence``    nothing matching for ``period_seconds``: a due date, swept by a schedule.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.model import Model

RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}\.[a-z][a-z0-9_]{1,60}$",
                              description="<device_type>.<name>, e.g. smoke.density_high")]
MetricName = Annotated[str, Field(pattern=r"^[a-zA-Z][a-zA-Z0-9_]{0,40}$")]
DeviceType = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")]


class Strict(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Above(Strict):
    above: float


class Below(Strict):
    below: float


class RateAbove(Strict):
    rate_above: float = Field(description="value units per minute, rising faster than this")


class RateBelow(Strict):
    rate_below: float = Field(description="value units per minute, e.g. -5 for falling faster than 5/min")


class ZscoreAbove(Strict):
    zscore_above: float = Field(gt=0, description="|value - EWMA mean| / EWMA std above this")


class All(Strict):
    all: list[Predicate] = Field(min_length=1)


class Any_(Strict):  # noqa: N801 - "any" is the YAML key; Any is typing's
    any: list[Predicate] = Field(min_length=1)


Predicate = Above | Below | RateAbove | RateBelow | ZscoreAbove | All | Any_
All.model_rebuild()
Any_.model_rebuild()


class QuietHours(Strict):
    """Evaluate only between ``start`` and ``end`` local time (may wrap midnight), e.g. 22:00–06:00."""

    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @staticmethod
    def _minutes(hhmm: str) -> int:
        h, m = hhmm.split(":")
        return int(h) * 60 + int(m)

    @property
    def start_minute(self) -> int:
        return self._minutes(self.start)

    @property
    def end_minute(self) -> int:
        return self._minutes(self.end)


class RuleBase(Strict):
    id: RuleId
    metric: MetricName
    severity: Severity
    name_zh: str = Field(min_length=1, max_length=60)
    name_en: str = Field(min_length=1, max_length=120)
    enabled: bool = True
    # Only between these hours (local time of the city), e.g. night-time noise.
    active_hours: QuietHours | None = None
    # Only on devices marked as monitoring a care subject (居家养老), e.g. 未出门预警.
    care_subjects_only: bool = False


class ConditionRule(RuleBase):
    kind: Literal["condition"] = "condition"
    when: Predicate
    clear: Predicate
    for_samples: int = Field(default=1, ge=1, le=1000)
    for_seconds: float = Field(default=0, ge=0, le=7 * 86400)


class CountRule(RuleBase):
    kind: Literal["count"] = "count"
    max_count: int = Field(ge=1, le=63, description="raise when more than this many within the window")
    window_seconds: float = Field(gt=0, le=7 * 86400)


class EventRule(RuleBase):
    kind: Literal["event"] = "event"
    raise_values: list[float] = Field(default_factory=list, description="empty: any non-zero value raises")
    clear_values: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> EventRule:
        if set(self.raise_values) & set(self.clear_values):
            raise ValueError("raise_values and clear_values overlap")
        return self


class AbsenceRule(RuleBase):
    kind: Literal["absence"] = "absence"
    period_seconds: float = Field(ge=60, le=30 * 86400)
    # Which samples count as presence: any sample, or only values above this (door opened = 1).
    present_above: float | None = None


Rule = Annotated[ConditionRule | CountRule | EventRule | AbsenceRule, Field(discriminator="kind")]


class Metric(Strict):
    name: MetricName
    unit: str = Field(max_length=20, description="e.g. %LEL, dB(A), µg/m³, °C, kWh, 1 (event)")
    name_zh: str
    name_en: str


class DeviceProfile(Strict):
    """A device type: the metrics it reports and its default rules."""

    type: DeviceType
    name_zh: str
    name_en: str
    metrics: list[Metric] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)
    # Critical events of this type take the direct rule to the critical Lambda.
    critical_metrics: list[MetricName] = Field(default_factory=list)
    # Expected reporting interval; a device silent for 3× this is offline.
    heartbeat_seconds: float = Field(default=3600, ge=10, le=7 * 86400)

    @model_validator(mode="after")
    def _rules_fit_the_profile(self) -> DeviceProfile:
        names = {m.name for m in self.metrics}
        for rule in self.rules:
            if rule.metric not in names:
                raise ValueError(f"rule {rule.id}: metric {rule.metric!r} is not a metric of {self.type}")
            if not rule.id.startswith(self.type + "."):
                raise ValueError(f"rule {rule.id}: ids of {self.type} rules start with '{self.type}.'")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate rule ids in {self.type}")
        for m in self.critical_metrics:
            if m not in names:
                raise ValueError(f"critical metric {m!r} is not a metric of {self.type}")
        return self


class RuleOverride(Strict):
    """A city's change to a default rule: turn it off, change severity or parameters."""

    id: RuleId
    enabled: bool | None = None
    severity: Severity | None = None
    params: dict[str, Any] = Field(default_factory=dict, description="rule fields to replace, e.g. when, for_samples")


class AlertRules(Strict):
    """The ``alert_rules`` section of a tenant manifest."""

    overrides: list[RuleOverride] = Field(default_factory=list)
    extra: list[Rule] = Field(default_factory=list, description="rules of the city's own")
