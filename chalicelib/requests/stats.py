"""Counters kept per (month, department), (month, community) and (month, community × category), and the
rates read from them.

A request contributes to the counters of its filing month; every write of a request adds the
difference between what it contributes after and before, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.requests.models import Bilingual, StatsRow
from chalicelib.requests.states import OPEN, State

Doc = dict[str, Any]
CATEGORY = "category#"  # + <community>#<category>
COUNTERS = ("filed", "responded", "responded_on_time", "resolved", "resolved_on_time", "rated", "satisfied")


def contribution(doc: Doc) -> dict[str, int]:
    responded, resolved = doc.get("responded_at"), doc.get("resolved_at")
    done = State(doc["state"]) in (State.RESOLVED, State.CLOSED) and bool(resolved)
    rating = doc.get("rating") or {}
    return {
        "filed": 1,
        "responded": int(bool(responded)),
        "responded_on_time": int(bool(responded) and str(responded) <= doc["due_respond_at"]),
        "resolved": int(done),
        "resolved_on_time": int(done and str(resolved) <= doc["due_resolve_at"]),
        "rated": int(bool(rating)),
        "satisfied": int(rating.get("value") == "satisfied"),
    }


def dimensions(doc: Doc) -> list[str]:
    return [f"department#{doc['department']}", f"community#{doc['community_id']}",
            f"{CATEGORY}{doc['community_id']}#{doc['category']}"]  # 一表通's requests by category


def deltas(before: Doc | None, after: Doc) -> dict[str, dict[str, int]]:
    """Per stats item (sk), the non-zero counter changes of writing ``after`` over ``before``."""
    out: dict[str, dict[str, int]] = {}
    for sign, doc in ((-1, before), (1, after)):
        if doc is None:
            continue
        for dim in dimensions(doc):
            for name, value in contribution(doc).items():
                out.setdefault(dim, {}).setdefault(name, 0)
                out[dim][name] += sign * value
    return {dim: {k: v for k, v in c.items() if v} for dim, c in out.items() if any(c.values())}


def late(docs: list[Doc], month: str, now: datetime) -> dict[str, dict[str, int]]:
    """Per dimension, the month's open requests past their respond or resolve due time."""
    out: dict[str, dict[str, int]] = {}
    stamp = now.isoformat()
    for doc in docs:
        if doc.get("month") != month or State(doc["state"]) not in OPEN:
            continue
        waiting = not doc.get("responded_at") and doc["due_respond_at"] < stamp
        past = doc["due_resolve_at"] < stamp
        for dim in dimensions(doc):
            row = out.setdefault(dim, {"waiting_past_due": 0, "open_past_due": 0})
            row["waiting_past_due"] += int(waiting)
            row["open_past_due"] += int(past)
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def row(row_id: str, name: dict[str, str] | None, counts: dict[str, int]) -> StatsRow:
    c = {k: int(counts.get(k, 0)) for k in (*COUNTERS, "waiting_past_due", "open_past_due")}
    return StatsRow(id=row_id, name=Bilingual.model_validate(name) if name else None, **c,
                    response_rate=_rate(c["responded_on_time"], c["responded"] + c["waiting_past_due"]),
                    resolution_rate=_rate(c["resolved_on_time"], c["resolved"] + c["open_past_due"]),
                    satisfaction_rate=_rate(c["satisfied"], c["rated"]))


def total(rows: list[StatsRow]) -> StatsRow:
    keys = (*COUNTERS, "waiting_past_due", "open_past_due")
    return row("total", {"zh": "合计", "en": "Total"}, {k: sum(getattr(r, k) for r in rows) for k in keys})
