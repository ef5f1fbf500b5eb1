"""The usage report of a city for a period: per-day counters, totals, cost estimates, quota use."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from chalicelib.errors import InvalidInput
from chalicelib.store.keys import TenantContext
from chalicelib.usage import prices
from chalicelib.usage.meter import today
from chalicelib.usage.models import Counts, Limit, UsageDay, UsageReport, first_day
from chalicelib.usage.quotas import quota_use
from chalicelib.usage.repository import COUNTED, UsageRepository

MAX_DAYS = 366
DAYS_PER_MONTH = 30.44


def period(query: BaseModel) -> tuple[date, date]:
    """The query's days, defaulted and checked: 400 naming ``from`` or ``to``."""
    last = getattr(query, "to", None) or today()
    first = first_day(query) or last.replace(day=1)
    if first > last:
        raise InvalidInput("开始日期晚于结束日期 / from must not be after to", field="from")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(f"查询跨度不能超过 {MAX_DAYS} 天 / at most {MAX_DAYS} days from 'from' to 'to'",
                           field="to")
    return first, last


def usage_report(tenant: TenantContext, query: BaseModel) -> UsageReport:
    first, last = period(query)
    rows = UsageRepository(tenant).days(first, last)
    days = [UsageDay(day=date.fromisoformat(d), **counts) for d, counts in sorted(rows.items())]
    totals = {k: sum(r[k] for r in rows.values()) for k in COUNTED}
    cost = prices.estimate(totals)
    elapsed = max(1, (min(last, today()) - first).days + 1) if first <= today() else (last - first).days + 1
    monthly = cost / elapsed * DAYS_PER_MONTH + prices.FIXED_PER_MONTH
    quotas = quota_use(tenant)
    storage: dict[str, int] = {k: quotas[k]["used"] for k in ("devices", "residents") if k in quotas}
    return UsageReport.model_validate({
        "tenant_id": tenant.tenant_id, "from": first, "to": last, "days": days, "totals": Counts(**totals),
        "storage": storage, "estimated_cost": round(cost, 6), "estimated_monthly_cost": round(monthly, 4),
        "prices_as_of": prices.PRICES_AS_OF, "quota_use": {k: Limit(**v) for k, v in quotas.items()}})
