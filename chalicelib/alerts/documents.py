"""Pure changes to an alert document: each returns a new dict and writes nothing.

Timestamps are ISO-8601 with microseconds (UTC) so that they sort as strings in index keys.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Any

from chalicelib.alerts.models import ACTIVE, AlertState, Transition
from chalicelib.devices.models import Device
from chalicelib.errors import Conflict

# Sample times remembered per alert, so a redelivered raise is recognised and not counted twice.
WINDOW = 50
Doc = dict[str, Any]


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None  # NaN (absence rules) cannot be stored or sent as JSON


def entry(action: str, by: str, at: datetime, note: str | None = None, *, level: int | None = None,
          to: list[str] | None = None, sample: float | None = None, by_name: str | None = None,
          photos: list[Doc] | None = None) -> Doc:
    """``at``: when the platform did it; ``sample``: the device sample it was about (epoch seconds);
    ``by_name``: a staff member's name, as the city's records give it; ``photos``: what was stored of
    the photos taken (key, type, size)."""
    return {"action": action, "by": by, "by_name": by_name, "at": iso(at), "note": note, "level": level,
            "to": to or [], "sample_at": _sample_at(sample), **({"photo_files": photos} if photos else {})}


def _sample_at(ts: float | None) -> str | None:
    return iso(datetime.fromtimestamp(ts, UTC)) if ts is not None and math.isfinite(ts) else None


def _peak(doc: Doc, value: float | None, ts: float) -> Doc:
    """The highest value seen and its sample time (absence alerts have none)."""
    peak = doc.get("peak_value")
    if value is None or (peak is not None and value <= float(peak)):
        return {}
    return {"peak_value": value, "peak_at": _sample_at(ts)}


def new_alert(t: Transition, device: Device, now: datetime, escalate_at: datetime) -> Doc:
    return {
        "alert_id": uuid.uuid4().hex, "state": AlertState.OPEN.value, "severity": t.severity,
        "rule_id": t.rule_id, "metric": t.metric,
        "rule_name": {"zh": t.name_zh, "en": t.name_en} if t.name_zh and t.name_en else None,
        "device_id": device.device_id, "device_type": device.type.value, "device_name": device.name,
        "spot": device.spot, "community_id": device.community_id, "grid_id": device.grid_id,
        "building_id": device.building_id,
        "household_id": device.household_id, "path": list(device.path), "care_subject": device.care_subject,
        "opened_at": iso(now), "first_ts": t.ts, "last_ts": t.ts, "last_seen": iso(datetime.fromtimestamp(t.ts, UTC)),
        "first_value": _finite(t.value), "peak_value": _finite(t.value),
        "peak_at": _sample_at(t.ts) if _finite(t.value) is not None else None,
        "last_value": _finite(t.value), "occurrences": 1, "seen": [t.ts], "level": 1, "recovered_at": None,
        "ended_ts": None, "outcome": None,
        "escalate_at": iso(escalate_at), "closed_at": None, "timeline": [entry("raised", "system", now, sample=t.ts)],
    }


REPORT_RULE = "request.emergency"  # an emergency a resident reported (燃气泄漏, 电梯困人 …), not a device reading
REPORT_TYPE = "report"


def report_alert(request: Doc, alert_id: str, now: datetime, escalate_at: datetime) -> Doc:
    """The alert of an emergency request: critical, at the request's place, raised when it is filed so
    that the grid's staff are told at once (push, SMS) and it climbs like any critical alert until
    someone acknowledges it. The request stays the case file; the alert names it (``request_id``)."""
    name, where = request.get("category_name") or {}, request.get("location") or {}
    ts = now.timestamp()
    return {
        "alert_id": alert_id, "state": AlertState.OPEN.value, "severity": "critical",
        "rule_id": REPORT_RULE, "metric": "report",
        "rule_name": {"zh": f"紧急报事：{name.get('zh', request['category'])}",
                      "en": f"Emergency report: {name.get('en', request['category'])}"},
        "device_id": request["request_id"], "device_type": REPORT_TYPE, "device_name": None,
        "spot": where.get("address"), "request_id": request["request_id"],
        "community_id": request["community_id"], "grid_id": request.get("grid_id"),
        "building_id": where.get("building_id"), "household_id": where.get("household_id"),
        "path": list(where.get("path") or []), "care_subject": False,
        "opened_at": iso(now), "first_ts": ts, "last_ts": ts, "last_seen": iso(now),
        "first_value": None, "peak_value": None, "peak_at": None, "last_value": None, "occurrences": 1,
        "seen": [ts], "level": 1, "recovered_at": None, "ended_ts": None, "outcome": None,
        "escalate_at": iso(escalate_at), "closed_at": None,
        "timeline": [entry("raised", "system", now, note=str(request.get("description") or "")[:200] or None)],
    }


VISIT_RULE = "care.visit_overdue"  # a caring visit (巡访关爱) overdue by a whole interval: it escalates like an alert
VISIT_TYPE = "care_visit"


def visit_device(subject_id: str) -> str:
    """The pseudo device of a care subject's visit plan: its (device, rule) lock keeps one alert open."""
    return f"visit-{subject_id}"


def visit_alert(subject: Doc, due: str, late: int, level: Doc, alert_id: str, now: datetime,
                escalate_at: datetime) -> Doc:
    """The alert of a visit overdue by a whole interval of its level (巡访严重逾期): a warning at her home, told
    to the grid's staff and climbing to the community and the city until someone acknowledges it; recording
    the visit closes it."""
    ts = now.timestamp()
    path = list(subject.get("path") or [])
    return {
        "alert_id": alert_id, "state": AlertState.OPEN.value, "severity": "warning",
        "rule_id": VISIT_RULE, "metric": "visit",
        "rule_name": {"zh": f"巡访逾期：{subject['name_masked']} 已逾期 {late} 天",
                      "en": f"Caring visit overdue: {subject['name_masked']}, {late} days"},
        "device_id": visit_device(subject["subject_id"]), "device_type": VISIT_TYPE, "device_name": None,
        "spot": None, "subject_id": subject["subject_id"],
        "community_id": subject["community_id"], "grid_id": subject.get("grid_id"),
        "building_id": path[4] if len(path) > 4 else None, "household_id": subject["household_id"],
        "path": path, "care_subject": False,
        "opened_at": iso(now), "first_ts": ts, "last_ts": ts, "last_seen": iso(now),
        "first_value": late, "peak_value": late, "peak_at": iso(now), "last_value": late, "occurrences": 1,
        "seen": [ts], "level": 1, "recovered_at": None, "ended_ts": None, "outcome": None,
        "escalate_at": iso(escalate_at), "closed_at": None,
        "timeline": [entry("raised", "system", now,
                           note=f"{level['name']['zh']}应于 {due} 巡访（每 {level['every_days']} 天）")],
    }


def occurrence(doc: Doc, t: Transition) -> Doc | None:
    """The alert with one more occurrence, or None when this sample was already counted."""
    seen = [float(s) for s in doc.get("seen", [])]
    if t.ts in seen or (len(seen) >= WINDOW and t.ts < min(seen)):
        return None
    out = {**doc, "occurrences": int(doc["occurrences"]) + 1, "seen": sorted([*seen, t.ts])[-WINDOW:],
           **_peak(doc, _finite(t.value), t.ts)}
    if t.ts > float(doc["last_ts"]):
        out.update(last_ts=t.ts, last_seen=iso(datetime.fromtimestamp(t.ts, UTC)), last_value=_finite(t.value))
        if doc.get("recovered_at") and t.ts > float(doc.get("ended_ts") or 0):  # it went off again
            at = datetime.now(UTC)
            out.update(recovered_at=None, ended_ts=None, clear_after=None,
                       timeline=[*doc["timeline"], entry("retriggered", "system", at, sample=t.ts)])
            pending = doc.get("clear_after")
            if pending is not None and float(pending) > t.ts:  # and its clear came first: recovered again
                out = recovered(out, float(pending), at)
    return out


def later_clear(doc: Doc, ts: float) -> Doc | None:
    """A recovered alert noting a clear later than its recovery (``clear_after``): the raise in
    between, delivered after it, then recovers the alert again at this clear. None if already known."""
    if ts <= max(float(doc.get("ended_ts") or 0), float(doc.get("clear_after") or 0)):
        return None
    return {**doc, "clear_after": ts}


def recovered(doc: Doc, ts: float, at: datetime) -> Doc:
    """The device says normal, but nobody has acknowledged the alert: it stays open (已恢复待确认), still
    escalating, until a person acknowledges or closes it with an outcome."""
    return {**doc, "recovered_at": _sample_at(ts), "ended_ts": ts,
            "timeline": [*doc["timeline"], entry("recovered", "system", at, sample=ts)]}


def acknowledged(doc: Doc, by: str, at: datetime, note: str | None, by_name: str | None = None) -> Doc:
    """Open, or open and recovered (the device back to normal, nobody having confirmed yet)."""
    if doc["state"] != AlertState.OPEN:
        raise Conflict(f"the alert is {doc['state']}; only an open alert can be acknowledged", field="alert_id")
    return {**doc, "state": AlertState.ACKNOWLEDGED.value, "escalate_at": None,
            "timeline": [*doc["timeline"], entry("acknowledged", by, at, note, by_name=by_name)]}


def closed(doc: Doc, state: AlertState, by: str, at: datetime, note: str | None, *, sample: float | None = None,
           outcome: str | None = None, by_name: str | None = None, photos: list[Doc] | None = None) -> Doc:
    """Resolved by staff (with an ``outcome``), or auto-cleared by the engine (``sample``: the clear's
    sample time): final either way."""
    if doc["state"] not in ACTIVE:
        raise Conflict(f"the alert is already {doc['state']}", field="alert_id")
    ended = doc.get("ended_ts") or (sample if sample is not None else at.timestamp())
    return {**doc, "state": state.value, "escalate_at": None, "closed_at": iso(at), "ended_ts": ended,
            "outcome": outcome, "timeline": [*doc["timeline"], entry(state.value, by, at, note, sample=sample,
                                                                      by_name=by_name, photos=photos)]}


def commented(doc: Doc, by: str, at: datetime, text: str, by_name: str | None = None,
              photos: list[Doc] | None = None) -> Doc:
    return {**doc, "timeline": [*doc["timeline"], entry("comment", by, at, text, by_name=by_name, photos=photos)]}


def escalated(doc: Doc, level: int, at: datetime, next_at: datetime | None, to: list[str]) -> Doc:
    return {**doc, "level": level, "escalate_at": iso(next_at) if next_at else None,
            "timeline": [*doc["timeline"], entry("escalated", "system", at, level=level, to=to)]}
