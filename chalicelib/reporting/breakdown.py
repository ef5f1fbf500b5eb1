"""一表通's breakdowns of a row's counts: requests by service category (filed, resolved, on time,
satisfaction) and alerts by device type (closed, false alarms). The counts carry them as
``req.<category>.<counter>`` and ``alert.<device type>.resolved|false`` (``collect.py``), so every level
sums them like the figures and a submitted community keeps them locked with the rest."""

from __future__ import annotations

from typing import Any

from chalicelib.alerts.messages import DEVICE_NAMES
from chalicelib.reporting.collect import ALERTS, REQUESTS, Counts
from chalicelib.reporting.models import CategoryFigures, TypeFigures


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _grouped(counts: Counts, prefix: str) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key, value in counts.items():
        if key.startswith(prefix):
            group, counter = key[len(prefix):].rsplit(".", 1)
            out.setdefault(group, {})[counter] = int(value)
    return out


def categories(counts: Counts, names: dict[str, Any]) -> list[CategoryFigures]:
    rows = []
    for code, c in _grouped(counts, REQUESTS).items():
        filed, resolved, on_time = c.get("filed", 0), c.get("resolved", 0), c.get("resolved_on_time", 0)
        if not filed:
            continue
        rows.append(CategoryFigures(category=code, name=names.get(code), filed=filed, resolved=resolved,
                                    resolved_on_time=on_time, resolution_rate=_share(resolved, filed),
                                    on_time_rate=_share(on_time, resolved),
                                    satisfaction_rate=_share(c.get("satisfied", 0), c.get("rated", 0))))
    return sorted(rows, key=lambda r: (-r.filed, r.category))


def device_types(counts: Counts) -> list[TypeFigures]:
    rows = []
    for device_type, c in _grouped(counts, ALERTS).items():
        resolved, false = c.get("resolved", 0), c.get("false", 0)
        if not resolved:
            continue
        zh, en = DEVICE_NAMES.get(device_type, (device_type, device_type))
        rows.append(TypeFigures(device_type=device_type, name={"zh": zh, "en": en},  # type: ignore[arg-type]
                                resolved=resolved, false_alarms=false, false_alarm_rate=_share(false, resolved)))
    return sorted(rows, key=lambda r: (-r.resolved, r.device_type))
