"""Platform operators' view (the ops screen): each city's health and quota use, the dashboards
drawn from CloudWatch with the same definitions as the console's, and the alarms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from chalice import Blueprint
from pydantic import ConfigDict, Field

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import NotFound
from chalicelib.http.routing import route
from chalicelib.model import Model
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.repository import list_tenant_profiles
from chalicelib.usage.quotas import quota_use

if TYPE_CHECKING:
    from chalicelib.ops.model import Dashboard

bp = Blueprint(__name__)
PLATFORM = frozenset({Role.PLATFORM_ADMIN})


class Window(Model):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(default=60, ge=5, le=1440, description="the window: the last N minutes (5–1440)")


class Bilingual(Model):
    zh: str
    en: str


class Health(Model):
    requests: int
    errors: int = Field(description="4xx and 5xx answers")
    server_errors: int = Field(description="5xx answers")
    readings_per_min: float
    devices_online: int | None = Field(description="newest gauge of the city health job; null before it ran")
    devices_total: int | None
    open_critical: int | None
    alarms_in_alarm: int


class CityHealth(Model):
    tenant_id: str
    name: Bilingual
    status: str
    tier: str | None
    health: Health
    quotas: dict[str, dict[str, int]] = Field(description="per quota: limit, and used for counted quotas")


class Cities(Model):
    generated_at: datetime
    minutes: int
    cities: list[CityHealth]


class DashboardRef(Model):
    name: str
    title: Bilingual
    tenant_id: str | None


class Dashboards(Model):
    dashboards: list[DashboardRef]


class Series(Model):
    id: str
    label: Bilingual
    stat: str
    timestamps: list[str]
    values: list[float]
    latest: float | None


class WidgetData(Model):
    id: str
    title: Bilingual
    unit: str
    view: Literal["timeSeries", "singleValue"]
    series: list[Series]


class DashboardData(Model):
    name: str
    title: Bilingual
    tenant_id: str | None
    minutes: int
    from_: str = Field(alias="from")
    to: str
    widgets: list[WidgetData]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class AlarmRow(Model):
    name: str
    state: str
    reason: str
    updated_at: datetime | None
    tenant_id: str | None
    description: str


class Alarms(Model):
    alarms: list[AlarmRow]


_HEALTH = {"requests": ("ApiRequests", "sum"), "4xx": ("Api4xx", "sum"), "5xx": ("Api5xx", "sum"),
           "readings": ("TelemetryReadings", "sum"), "devices_online": ("DevicesOnline", "last"),
           "devices_total": ("DevicesTotal", "last"), "open_critical": ("AlertsOpen", "last")}


def _int(v: float | None) -> int | None:
    return None if v is None else int(v)


def _city(profile: dict[str, Any], minutes: int, now: datetime, alarms: list[dict[str, Any]]) -> CityHealth:
    from chalicelib.ops import cloudwatch  # the ops routes only: not on every container's cold start

    tenant_id = str(profile["tenant_id"])
    got = cloudwatch.latest(tenant_id, _HEALTH, minutes, now, by={"open_critical": {"severity": "critical"}})
    health = Health(requests=int(got["requests"] or 0), errors=int((got["4xx"] or 0) + (got["5xx"] or 0)),
                    server_errors=int(got["5xx"] or 0), readings_per_min=round((got["readings"] or 0) / minutes, 1),
                    devices_online=_int(got["devices_online"]), devices_total=_int(got["devices_total"]),
                    open_critical=_int(got["open_critical"]),
                    alarms_in_alarm=sum(1 for a in alarms if a["tenant_id"] == tenant_id and a["state"] == "ALARM"))
    return CityHealth(tenant_id=tenant_id, name=Bilingual(**profile["name"]), status=profile.get("status", "active"),
                      tier=(profile.get("tier") or {}).get("name"), health=health,
                      quotas=quota_use(TenantContext(tenant_id)))


@route(bp, "/v1/platform/ops/cities", roles=PLATFORM, query=Window)
def cities(principal: Principal, query: Window) -> Cities:
    """每个城市的运行状况与配额 — each city's health in the window (from CloudWatch) and its quota use."""
    from chalicelib.ops import cloudwatch

    now = datetime.now(UTC)
    alarms = cloudwatch.alarm_states()
    return Cities(generated_at=now, minutes=query.minutes,
                  cities=[_city(p, query.minutes, now, alarms) for p in list_tenant_profiles()])


def _dashboards() -> list[Dashboard]:
    from chalicelib.ops import cloudwatch, dashboards

    return [dashboards.platform(), *(cloudwatch.city_dashboard(p) for p in list_tenant_profiles()
                                     if p.get("status") != "retired")]


@route(bp, "/v1/platform/ops/dashboards", roles=PLATFORM)
def list_dashboards(principal: Principal) -> Dashboards:
    """The platform dashboard and one per city (the same definitions CloudWatch shows)."""
    return Dashboards(dashboards=[DashboardRef(name=d.name, title=Bilingual(zh=d.zh, en=d.en), tenant_id=d.tenant_id)
                                  for d in _dashboards()])


@route(bp, "/v1/platform/ops/dashboards/{name}", roles=PLATFORM, query=Window)
def read_dashboard(principal: Principal, name: str, query: Window) -> DashboardData:
    """One dashboard's widgets with their series (GetMetricData), oldest point first."""
    from chalicelib.ops import cloudwatch

    found = next((d for d in _dashboards() if d.name == name), None)
    if found is None:
        raise NotFound(f"no dashboard {name!r}", field="name")
    return DashboardData.model_validate(cloudwatch.read_dashboard(found, query.minutes, datetime.now(UTC)))


@route(bp, "/v1/platform/ops/alarms", roles=PLATFORM)
def alarms(principal: Principal) -> Alarms:
    """Every alarm of the platform and the cities, those in ALARM first."""
    from chalicelib.ops import cloudwatch

    return Alarms(alarms=[AlarmRow(**a) for a in cloudwatch.alarm_states()])
