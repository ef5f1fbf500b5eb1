"""Pure arithmetic of the dashboard: documents and counters in, figures out. No storage here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from chalicelib.reports.models import Count, DayCount, MonthCount
from chalicelib.requests.states import OPEN, State
from chalicelib.rules.profiles import load_profiles

Doc = dict[str, Any]
# The order the states are shown in: the way a request goes.
STATES = ("submitted", "accepted", "assigned", "in_progress", "reopened", "resolved", "closed",
          "rejected_or_duplicate")
TREND_MONTHS = 6
ALERT_DAYS = 14


def months_back(month: str, n: int = TREND_MONTHS) -> list[str]:
    """``n`` months ending at ``month`` (``2026-11``), oldest first."""
    year, mon = (int(p) for p in month.split("-"))
    index = year * 12 + mon - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - n + 1, index + 1)]


def by_state(open_docs: list[Doc], resolved_docs: list[Doc], filed: int, done: int) -> list[Count]:
    """The month's requests by state. Open and resolved ones are counted from their documents; of the
    rest, ``done`` (resolved or closed, from the counters) minus those still resolved are closed, and
    whatever was filed and is neither open nor done was rejected or marked a duplicate."""
    counts = Counter(d["state"] for d in open_docs if State(d["state"]) in OPEN)
    counts["resolved"] = len(resolved_docs)
    counts["closed"] = max(done - len(resolved_docs), 0)
    counts["rejected_or_duplicate"] = max(filed - sum(counts[s] for s in STATES[:5]) - done, 0)
    return [Count(id=s, count=counts[s]) for s in STATES]


def trend(months: list[str], counters: dict[tuple[str, str], dict[str, int]], dims: list[str]) -> list[MonthCount]:
    """Filed and resolved per month, summed over the dimensions (``community#<id>``) in scope."""
    out = []
    for m in months:
        rows = [counters.get((m, d), {}) for d in dims]
        out.append(MonthCount(month=m, filed=sum(r.get("filed", 0) for r in rows),
                              resolved=sum(r.get("resolved", 0) for r in rows)))
    return out


def counted(values: Iterable[str], order: Iterable[str] = (), names: dict[str, Any] | None = None) -> list[Count]:
    """Counts of ``values``: ids in ``order`` first (zeros included), then the others by count."""
    c = Counter(values)
    ids = list(dict.fromkeys([*order, *(k for k, _ in c.most_common())]))
    return [Count(id=i, name=(names or {}).get(i), count=c[i]) for i in ids]


def per_day(stamps: Iterable[str], now: datetime, zone: tzinfo, days: int = ALERT_DAYS) -> list[DayCount]:
    """How many of ``stamps`` (ISO times) fall on each of the last ``days`` city dates, oldest first."""
    today = now.astimezone(zone).date()
    dates = [(today - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]
    c = Counter(datetime.fromisoformat(s).astimezone(zone).date().isoformat() for s in stamps)
    return [DayCount(date=d, count=c[d]) for d in dates]


def type_names() -> dict[str, dict[str, str]]:
    return {t: {"zh": p.name_zh, "en": p.name_en} for t, p in load_profiles().items()}


def online(device: Doc, last_ms: float | None, now: datetime) -> bool:
    """A sample within three heartbeats of the device's type: the window of its ``<type>.offline`` rule."""
    if not last_ms:
        return False
    profile = load_profiles().get(device["type"])
    window = 3 * (profile.heartbeat_seconds if profile else 3600)
    return now.timestamp() - last_ms / 1000.0 <= window
