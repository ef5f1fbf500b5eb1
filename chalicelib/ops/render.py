"""Definitions → CloudWatch: a dashboard body (PutDashboard / ``AWS::CloudWatch::Dashboard``) and
an alarm's properties (PutMetricAlarm's parameters, which are also ``AWS::CloudWatch::Alarm``'s).

``subst`` fills ``${name}`` placeholders: the city's id on a city dashboard, deployed names
where the code puts a definition itself. The template leaves the Lambda and table placeholders
for ``Fn::Sub``."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from chalicelib.ops.catalog import NAMESPACE, SERVICE
from chalicelib.ops.model import Alarm, Dashboard, Series, Widget

WIDTH, HEIGHT, COLUMNS = 12, 6, 24
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_:]+)\}")


def subst(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def dimensions(s: Series) -> list[tuple[str, str]]:
    dims = list(s.dims)
    if s.namespace == NAMESPACE:
        dims.append(("service", SERVICE))
    return sorted(dims)


def search_expression(s: Series, period: int) -> str:
    names = ",".join(s.dim_names)
    fixed = " ".join(f'{n}="{v}"' for n, v in dimensions(s))
    return f"SEARCH('{{{s.namespace},{names}}} MetricName=\"{s.metric}\" {fixed}', '{s.stat}', {period})"


def _metric_lines(w: Widget) -> list[list[Any]]:
    lines: list[list[Any]] = []
    for n, s in enumerate(w.series):
        label = f"{s.zh} / {s.en}"
        if s.search_by:
            lines.append([{"expression": search_expression(s, w.period), "id": f"s{n}", "label": ""}])
        elif s.ratio_of:
            ids = []
            for k, metric in enumerate(s.ratio_of):
                mid = f"r{n}_{k}"
                ids.append(mid)
                lines.append([s.namespace, metric, *[x for d in dimensions(s) for x in d],
                              {"stat": "Sum", "id": mid, "visible": False}])
            lines.append([{"expression": f"100 * {ids[0]} / {ids[1]}", "id": f"e{n}", "label": label}])
        else:
            lines.append([s.namespace, s.metric, *[x for d in dimensions(s) for x in d],
                          {"stat": s.stat, "id": f"m{n}", "label": label}])
    return lines


def dashboard_body(d: Dashboard, region: str, values: Mapping[str, str] | None = None) -> dict[str, Any]:
    widgets = []
    for n, w in enumerate(d.widgets):
        widgets.append({
            "type": "metric", "x": (n * WIDTH) % COLUMNS, "y": (n * WIDTH) // COLUMNS * HEIGHT,
            "width": WIDTH, "height": HEIGHT,
            "properties": {"title": f"{w.zh} / {w.en}", "view": w.view, "region": region, "period": w.period,
                           "stat": "Sum", "metrics": _metric_lines(w),
                           **({"yAxis": {"left": {"min": 0}}} if w.view == "timeSeries" else {})}})
    body = {"start": "-PT6H", "periodOverride": "inherit", "widgets": widgets}
    if not values:
        return body
    return dict(json.loads(subst(json.dumps(body, ensure_ascii=False), values)))


def alarm_properties(a: Alarm, values: Mapping[str, str] | None = None,
                     actions: list[Any] | None = None) -> dict[str, Any]:
    s = a.series
    props: dict[str, Any] = {
        "AlarmName": a.name, "AlarmDescription": f"{a.zh} / {a.en}. {a.runbook[0] if a.runbook else ''}".strip(),
        "ComparisonOperator": a.comparison, "Threshold": a.threshold, "EvaluationPeriods": a.evaluation_periods,
        "DatapointsToAlarm": a.datapoints_to_alarm, "TreatMissingData": a.treat_missing,
    }
    dims = [{"Name": k, "Value": subst(v, values or {})} for k, v in dimensions(s)]
    if s.ratio_of:
        props["Metrics"] = [
            *({"Id": f"m{k}", "ReturnData": False, "MetricStat": {
                "Metric": {"Namespace": s.namespace, "MetricName": metric, "Dimensions": dims},
                "Period": a.period, "Stat": "Sum"}} for k, metric in enumerate(s.ratio_of)),
            {"Id": "ratio", "Expression": "100 * m0 / m1", "Label": f"{s.zh} / {s.en}", "ReturnData": True}]
    else:
        props.update(Namespace=s.namespace, MetricName=s.metric, Dimensions=dims, Period=a.period)
        props["ExtendedStatistic" if s.stat.startswith("p") else "Statistic"] = s.stat
    if actions:
        props["AlarmActions"] = actions
        props["OKActions"] = actions
    return props
