"""The shapes of the operations definitions: a series, a widget, a dashboard, an alarm.

Values written ``${Name}`` in AWS dimensions are filled in by whoever places the definition:
the template (``Fn::Sub`` over logical ids such as ``${HandleTelemetry}``), or the code with
the deployed names (``placeholders`` in ``chalicelib/ops/render.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.ops.catalog import NAMESPACE

CITY_TENANT = "${tenant}"  # a series of a city dashboard: the city's id


@dataclass(frozen=True)
class Series:
    metric: str
    zh: str
    en: str
    stat: str = "Sum"
    dims: tuple[tuple[str, str], ...] = ()  # (name, value); the service dimension of our namespace is implied
    namespace: str = NAMESPACE
    search_by: str | None = None  # one line per value of this dimension (a SEARCH expression)
    ratio_of: tuple[str, str] | None = None  # 100 × first / second (both metrics of our namespace, same dims)

    @property
    def dim_names(self) -> tuple[str, ...]:
        names = {n for n, _ in self.dims}
        if self.namespace == NAMESPACE:
            names.add("service")
        if self.search_by:
            names.add(self.search_by)
        return tuple(sorted(names))


@dataclass(frozen=True)
class Widget:
    id: str
    zh: str
    en: str
    unit: str
    series: tuple[Series, ...]
    period: int = 60
    view: str = "timeSeries"  # or "singleValue"


@dataclass(frozen=True)
class Dashboard:
    name: str
    zh: str
    en: str
    widgets: tuple[Widget, ...]
    tenant_id: str | None = None


@dataclass(frozen=True)
class Alarm:
    id: str  # logical id in the template; the alarm's name is cc-<id in kebab case>
    name: str
    zh: str
    en: str
    series: Series
    threshold: float
    comparison: str = "GreaterThanThreshold"
    period: int = 60
    evaluation_periods: int = 5
    datapoints_to_alarm: int = 3
    treat_missing: str = "notBreaching"
    degrades_platform: bool = False  # part of the composite "platform degraded" alarm
    runbook: tuple[str, ...] = field(default=())  # what it means, then the first three things to check
