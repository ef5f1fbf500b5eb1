"""Opening hours: ``{"mon-fri": "07:00-19:00", "sat-sun": "08:00-12:00,14:00-17:00"}``.

Keys are a day (``mon`` … ``sun``) or a range of days in week order (``mon-fri``); values are one or
more ``HH:MM-HH:MM`` ranges, in order, not overlapping, ending after they start (``24:00`` may end
a day; open around the clock is ``00:00-24:00``). A day may appear in one key only; days not named
are closed. Times are local to the city.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, Field

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = "(mon|tue|wed|thu|fri|sat|sun)"
_TIME = r"([01]\d|2[0-3]):[0-5]\d"
_RANGE = f"{_TIME}-({_TIME}|24:00)"
# The two zones a city may have (tenancy manifest); neither has observed daylight saving since 1991.
UTC_OFFSETS = {"Asia/Shanghai": 8, "Asia/Urumqi": 6}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _ranges(value: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for part in value.split(","):
        start, end = (_minutes(t) for t in part.split("-"))
        if start >= 24 * 60 or end > 24 * 60:
            raise ValueError(f"{part}: times run from 00:00 to 24:00")
        if end <= start:
            raise ValueError(f"{part}: a range must end after it starts")
        if out and start < out[-1][1]:
            raise ValueError(f"{part}: ranges must be in order and must not overlap")
        out.append((start, end))
    return out


def _checked_ranges(value: str) -> str:
    _ranges(value)
    return value


def days_of(key: str) -> list[int]:
    """``"mon-fri"`` → ``[0, 1, 2, 3, 4]`` (Monday is 0, as ``datetime.weekday()``)."""
    first, _, last = key.partition("-")
    low, high = DAYS.index(first), DAYS.index(last or first)
    if high < low:
        raise ValueError(f"{key}: name the days in week order, e.g. sat-sun")
    return list(range(low, high + 1))


def _checked_week(hours: dict[str, str]) -> dict[str, str]:
    seen: set[int] = set()
    for key in hours:
        days = set(days_of(key))
        if days & seen:
            raise ValueError(f"{key}: a day may appear in one entry only")
        seen |= days
    return hours


DayKey = Annotated[str, Field(pattern=f"^{_DAY}(-{_DAY})?$", description="mon … sun, or a range like mon-fri")]
TimeRanges = Annotated[str, Field(pattern=f"^{_RANGE}(,{_RANGE}){{0,3}}$", examples=["07:00-19:00"]),
                       AfterValidator(_checked_ranges)]
OpeningHours = Annotated[dict[DayKey, TimeRanges], Field(min_length=1, max_length=7,
                                                          json_schema_extra={"additionalProperties": False}),
                         AfterValidator(_checked_week)]


def local_time(at: datetime, tz_name: str) -> datetime:
    """``at`` in the city's zone (fixed offsets: see ``UTC_OFFSETS``)."""
    return at.astimezone(timezone(timedelta(hours=UTC_OFFSETS.get(tz_name, 8))))


def is_open(hours: dict[str, str], local: datetime) -> bool:
    """Whether the hours include the local wall-clock time ``local``."""
    minute = local.hour * 60 + local.minute
    for key, value in hours.items():
        if local.weekday() in days_of(key) and any(s <= minute < e for s, e in _ranges(value)):
            return True
    return False
