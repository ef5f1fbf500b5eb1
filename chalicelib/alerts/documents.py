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
          to: list[str] | None = None) -> Doc:
    return {"action": action, "by": by, "at": iso(at), "note": note, "level": level, "to": to or []}


def new_alert(t: Transition, device: Device, now: datetime, escalate_at: datetime) -> Doc:
    return {
        "alert_id": uuid.uuid4().hex, "state": AlertState.OPEN.value, "severity": t.severity,
        "rule_id": t.rule_id, "metric": t.metric,
        "rule_name": {"zh": t.name_zh, "en": t.name_en} if t.name_zh and t.name_en else None,
        "device_id": device.device_id, "device_type": device.type.value,
        "community_id": device.community_id, "grid_id": device.grid_id, "building_id": device.building_id,
        "household_id": device.household_id, "path": list(device.path), "care_subject": device.care_subject,
        "opened_at": iso(now), "first_ts": t.ts, "last_ts": t.ts, "last_seen": iso(datetime.fromtimestamp(t.ts, UTC)),
        "last_value": _finite(t.value), "occurrences": 1, "seen": [t.ts], "level": 1,
        "escalate_at": iso(escalate_at), "closed_at": None, "timeline": [entry("raised", "system", now)],
    }


def occurrence(doc: Doc, t: Transition) -> Doc | None:
    """The alert with one more occurrence, or None when this sample was already counted."""
    seen = [float(s) for s in doc.get("seen", [])]
    if t.ts in seen or (len(seen) >= WINDOW and t.ts < min(seen)):
        return None
    out = {**doc, "occurrences": int(doc["occurrences"]) + 1, "seen": sorted([*seen, t.ts])[-WINDOW:]}
    if t.ts > float(doc["last_ts"]):
        out.update(last_ts=t.ts, last_seen=iso(datetime.fromtimestamp(t.ts, UTC)), last_value=_finite(t.value))
    return out


def acknowledged(doc: Doc, by: str, at: datetime, note: str | None) -> Doc:
    if doc["state"] != AlertState.OPEN:
        raise Conflict(f"the alert is {doc['state']}; only an open alert can be acknowledged", field="alert_id")
    return {**doc, "state": AlertState.ACKNOWLEDGED.value, "escalate_at": None,
            "timeline": [*doc["timeline"], entry("acknowledged", by, at, note)]}


def closed(doc: Doc, state: AlertState, by: str, at: datetime, note: str | None) -> Doc:
    """Resolved by staff, or auto-cleared by the engine: final either way."""
    if doc["state"] not in ACTIVE:
        raise Conflict(f"the alert is already {doc['state']}", field="alert_id")
    return {**doc, "state": state.value, "escalate_at": None, "closed_at": iso(at),
            "timeline": [*doc["timeline"], entry(state.value, by, at, note)]}


def commented(doc: Doc, by: str, at: datetime, text: str) -> Doc:
    return {**doc, "timeline": [*doc["timeline"], entry("comment", by, at, text)]}


def escalated(doc: Doc, level: int, at: datetime, next_at: datetime | None, to: list[str]) -> Doc:
    return {**doc, "level": level, "escalate_at": iso(next_at) if next_at else None,
            "timeline": [*doc["timeline"], entry("escalated", "system", at, level=level, to=to)]}
