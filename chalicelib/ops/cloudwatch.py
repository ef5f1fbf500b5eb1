"""The definitions on CloudWatch: a city's dashboard and alarms put at onboarding and removed at
retirement (idempotent), and the reads of the ops screen (GetMetricData, DescribeAlarms).

Reads resolve the template's placeholders to the deployed names Chalice gives (``<app>-<stage>``
for the API handler, ``<app>-<stage>-<handler>`` for the others) and the table of the settings."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.errors import StorageError
from chalicelib.ops import alarms, dashboards
from chalicelib.ops.catalog import NAMESPACE, SERVICE
from chalicelib.ops.model import Dashboard, Series, Widget
from chalicelib.ops.render import alarm_properties, dashboard_body, dimensions, subst

APP = "community-cloud"
MAX_SEARCH_LINES = 10


def _snake(logical: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", logical).lower()


def deployed_names(tenant_id: str | None = None) -> dict[str, str]:
    """Placeholder values: the functions' deployed names (from ``CC_FUNCTION_NAMES``, which the
    template fills in; else Chalice's own naming, as the local stack uses), the table, the city."""
    s = get_settings()
    names = {fn: f"{APP}-{s.stage}" if fn == "APIHandler" else f"{APP}-{s.stage}-{_snake(fn)}"
             for fn in dashboards.FUNCTIONS}
    configured = dict(pair.split("=", 1) for pair in s.function_names.split(",") if "=" in pair)
    names.update(configured)
    if configured and s.lambda_function_name:
        names["APIHandler"] = s.lambda_function_name  # the API reads it in its own function
    names["AppTable"] = s.table_name
    if tenant_id:
        names["tenant"] = tenant_id
    return names


def city_dashboard(profile: dict[str, Any]) -> Dashboard:
    name = profile.get("name") or {}
    tenant_id = str(profile["tenant_id"])
    return dashboards.city(tenant_id, str(name.get("zh", tenant_id)), str(name.get("en", tenant_id)))


def _guard(what: str, call: Any) -> Any:
    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        raise StorageError(f"CloudWatch call failed ({what}): {type(exc).__name__}") from exc


def put_city(profile: dict[str, Any]) -> None:
    """Create or update a city's dashboard and alarms (PutDashboard / PutMetricAlarm are upserts)."""
    tenant_id = str(profile["tenant_id"])
    cw = client("cloudwatch")
    values = deployed_names(tenant_id)
    body = dashboard_body(city_dashboard(profile), get_settings().region, values)
    _guard("PutDashboard", lambda: cw.put_dashboard(DashboardName=f"cc-city-{tenant_id}",
                                                     DashboardBody=_json(body)))
    topic = get_settings().ops_topic_arn
    for alarm in alarms.city(tenant_id):
        props = alarm_properties(alarm, values, [topic] if topic else None)
        _guard("PutMetricAlarm", lambda p=props: cw.put_metric_alarm(**p))


def remove_city(tenant_id: str) -> None:
    """A retired city: its dashboard and alarms go (its data stays)."""
    cw = client("cloudwatch")
    _guard("DeleteDashboards", lambda: cw.delete_dashboards(DashboardNames=[f"cc-city-{tenant_id}"])
           if f"cc-city-{tenant_id}" in list_dashboards() else None)
    _guard("DeleteAlarms", lambda: cw.delete_alarms(AlarmNames=[a.name for a in alarms.city(tenant_id)]))


def list_dashboards() -> list[str]:
    cw = client("cloudwatch")
    out = _guard("ListDashboards", lambda: cw.list_dashboards(DashboardNamePrefix="cc-"))
    return [d["DashboardName"] for d in out.get("DashboardEntries", [])]


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)


# ---- reads for the ops screen -------------------------------------------------------------------

def alarm_states() -> list[dict[str, Any]]:
    """Every alarm of the platform (``cc-`` names), metric and composite, those in ALARM first."""
    cw = client("cloudwatch")
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"AlarmNamePrefix": "cc-", "MaxRecords": 100,
                                  "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
        if token:
            kwargs["NextToken"] = token
        page = _guard("DescribeAlarms", lambda k=kwargs: cw.describe_alarms(**k))
        found += page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
        token = page.get("NextToken")
        if not token:
            break
    rows = [{"name": a["AlarmName"], "state": a.get("StateValue", "INSUFFICIENT_DATA"),
             "reason": a.get("StateReason", ""), "updated_at": a.get("StateUpdatedTimestamp"),
             "tenant_id": _tenant_of(a), "description": a.get("AlarmDescription", "")} for a in found]
    order = {"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}
    return sorted(rows, key=lambda r: (order.get(r["state"], 3), r["name"]))


def _tenant_of(alarm: dict[str, Any]) -> str | None:
    for d in alarm.get("Dimensions", []) or []:
        if d.get("Name") == "tenant":
            return str(d["Value"])
    return None


class _Queries:
    """GetMetricData queries collected from series, answered in pages of 500."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, namespace: str, metric: str, dims: list[tuple[str, str]], stat: str, period: int) -> str:
        qid = f"q{len(self.items)}"
        self.items.append({"Id": qid, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": metric,
                       "Dimensions": [{"Name": k, "Value": v} for k, v in dims]},
            "Period": period, "Stat": stat}})
        return qid

    def run(self, start: datetime, end: datetime) -> dict[str, tuple[list[datetime], list[float]]]:
        cw = client("cloudwatch")
        out: dict[str, tuple[list[datetime], list[float]]] = {}
        for i in range(0, len(self.items), 500):
            chunk = self.items[i:i + 500]
            token: str | None = None
            while True:
                kwargs: dict[str, Any] = {"MetricDataQueries": chunk, "StartTime": start, "EndTime": end,
                                          "ScanBy": "TimestampAscending"}
                if token:
                    kwargs["NextToken"] = token
                page = _guard("GetMetricData", lambda k=kwargs: cw.get_metric_data(**k))
                for r in page.get("MetricDataResults", []):
                    ts, vals = out.setdefault(r["Id"], ([], []))
                    ts.extend(r.get("Timestamps", []))
                    vals.extend(float(v) for v in r.get("Values", []))
                token = page.get("NextToken")
                if not token:
                    break
        for qid, (ts, vals) in list(out.items()):
            pairs = sorted(zip(ts, vals, strict=True))
            out[qid] = ([t for t, _ in pairs], [v for _, v in pairs])
        return out


def _search(s: Series, values: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """A SEARCH series as concrete metrics: one per value of its dimension (ListMetrics)."""
    assert s.search_by is not None
    fixed = [(k, subst(v, values)) for k, v in dimensions(s)]
    cw = client("cloudwatch")
    page = _guard("ListMetrics", lambda: cw.list_metrics(
        Namespace=s.namespace, MetricName=s.metric,
        Dimensions=[{"Name": k, "Value": v} for k, v in fixed] + [{"Name": s.search_by}]))
    found: dict[str, list[tuple[str, str]]] = {}
    wanted = set(s.dim_names)
    for m in page.get("Metrics", []):
        dims = sorted((d["Name"], d["Value"]) for d in m.get("Dimensions", []))
        if {n for n, _ in dims} == wanted:  # exactly the searched set, once per value
            found[dict(dims)[s.search_by]] = dims
    return sorted(found.items())[:MAX_SEARCH_LINES]


def read_dashboard(d: Dashboard, minutes: int, now: datetime) -> dict[str, Any]:
    """The dashboard's widgets with their series over the last ``minutes`` (what the ops screen draws)."""
    values = deployed_names(d.tenant_id)
    q = _Queries()
    plan: list[tuple[Widget, list[dict[str, Any]]]] = []
    for w in d.widgets:
        period = max(w.period if w.period < 86400 else 3600, 60)
        lines: list[dict[str, Any]] = []
        for s in w.series:
            if s.search_by:
                for label, dims in _search(s, values):
                    lines.append({"label": {"zh": f"{s.zh} · {label}", "en": f"{s.en} · {label}"}, "stat": s.stat,
                                  "ids": [q.add(s.namespace, s.metric, dims, s.stat, period)]})
            elif s.ratio_of:
                dims = [(k, subst(v, values)) for k, v in dimensions(s)]
                lines.append({"label": {"zh": s.zh, "en": s.en}, "stat": "ratio", "ratio": True,
                              "ids": [q.add(s.namespace, m, dims, "Sum", period) for m in s.ratio_of]})
            else:
                dims = [(k, subst(v, values)) for k, v in dimensions(s)]
                lines.append({"label": {"zh": s.zh, "en": s.en}, "stat": s.stat,
                              "ids": [q.add(s.namespace, s.metric, dims, s.stat, period)]})
        plan.append((w, lines))
    start = now - timedelta(minutes=minutes)
    data = q.run(start, now)
    widgets = []
    for w, lines in plan:
        series = []
        for n, line in enumerate(lines):
            ts, vals = _combine(line, data)
            series.append({"id": f"m{n}", "label": line["label"], "stat": line["stat"],
                           "timestamps": [t.isoformat() for t in ts], "values": vals,
                           "latest": vals[-1] if vals else None})
        widgets.append({"id": w.id, "title": {"zh": w.zh, "en": w.en}, "unit": w.unit, "view": w.view,
                        "series": series})
    return {"name": d.name, "title": {"zh": d.zh, "en": d.en}, "tenant_id": d.tenant_id, "minutes": minutes,
            "from": start.isoformat(), "to": now.isoformat(), "widgets": widgets}


def _combine(line: dict[str, Any], data: dict[str, tuple[list[datetime], list[float]]]
             ) -> tuple[list[datetime], list[float]]:
    if not line.get("ratio"):
        return data.get(line["ids"][0], ([], []))
    num = dict(zip(*data.get(line["ids"][0], ([], [])), strict=True))
    den = dict(zip(*data.get(line["ids"][1], ([], [])), strict=True))
    ts = sorted(t for t in den if den[t])
    return ts, [round(100.0 * num.get(t, 0.0) / den[t], 1) for t in ts]


def latest(tenant_id: str, names: dict[str, tuple[str, str]], minutes: int, now: datetime,
           by: dict[str, dict[str, str]] | None = None) -> dict[str, float | None]:
    """For the cities table: one number per key — the Sum over the window, or the newest Maximum
    (``names``: key → (metric, "sum" | "last")), read in one GetMetricData call."""
    q = _Queries()
    ids: dict[str, str] = {}
    for key, (metric, how) in names.items():
        dims = sorted([("service", SERVICE), ("tenant", tenant_id), *(by or {}).get(key, {}).items()])
        ids[key] = q.add(NAMESPACE, metric, dims, "Sum" if how == "sum" else "Maximum", 60)
    data = q.run(now - timedelta(minutes=minutes), now)
    out: dict[str, float | None] = {}
    for key, (_, how) in names.items():
        _, vals = data.get(ids[key], ([], []))
        out[key] = (sum(vals) if how == "sum" else (vals[-1] if vals else None))
    return out


def by_tenant(rows: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    out: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[r["tenant_id"]].append(r)
    return out

