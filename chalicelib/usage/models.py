"""Query and answer of the usage routes."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from chalicelib.model import Model


class _Period(Model):
    model_config = ConfigDict(extra="forbid")

    to: date | None = Field(default=None, description="last UTC day, YYYY-MM-DD (default: today); at most 366 "
                                                      "days after `from`")


# ``from`` is a Python keyword: the field gets its real name (no alias), read with ``first_day(query)``.
_FROM: Any = (date | None, Field(default=None, description="first UTC day, YYYY-MM-DD (default: the first of "
                                                           "the month of `to`)"))
UsageQuery = create_model("UsageQuery", __base__=_Period, **{"from": _FROM})


def first_day(query: BaseModel) -> date | None:
    value: date | None = getattr(query, "from")
    return value


class Counts(Model):
    api_requests: int = 0
    api_throttled: int = 0
    telemetry_messages: int = 0
    telemetry_readings: int = 0
    telemetry_dropped: int = 0
    alerts_raised: int = 0
    notifications: int = Field(default=0, description="inbox items written")
    broadcasts: int = 0
    sms_sent: int = Field(default=0, description="alert SMS handed to the SMS service")
    voice_calls: int = Field(default=0, description="alert voice calls placed")


class UsageDay(Counts):
    day: date


class Limit(Model):
    limit: int
    used: int | None = None


class UsageReport(Model):
    """A city's usage per UTC day, its totals, an estimate of their AWS cost and its quotas."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    tenant_id: str
    from_: date = Field(alias="from")
    to: date
    days: list[UsageDay] = Field(description="the days with any use, oldest first")
    totals: Counts
    storage: dict[str, int] = Field(description="items kept: devices, residents (from the quota counters)")
    estimated_cost: float = Field(description="USD, the period's counted operations at list prices")
    estimated_monthly_cost: float = Field(description="USD, the period's daily average × 30.44 days, plus the "
                                                      "city's fixed monthly costs (custom metrics)")
    currency: str = "USD"
    prices_as_of: str
    quota_use: dict[str, Limit]
