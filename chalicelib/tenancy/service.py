"""Use cases of tenancy: read a city's profile, hierarchy and settings; its status and quotas, cached
per container for the authorizer and the rate limiter; suspend and resume it. Applying a manifest is
``apply.py``'s (its models load only where a manifest is applied)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from chalicelib.errors import NotFound
from chalicelib.model import Model
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.common import Quotas
from chalicelib.tenancy.repository import PROFILE, TenantConfigRepository

if TYPE_CHECKING:
    from chalicelib.rules.models import AlertRules
    from chalicelib.tenancy.models import (
        CareVisits,
        Emergency,
        Notifications,
        RentalLeads,
        Reporting,
        SortingPoints,
    )

S = TypeVar("S", bound=BaseModel)
NODE_KINDS = ("district", "street", "community", "grid", "building")
ALERT_RULES = "alert_rules"
NOTIFICATIONS = "notifications"
EMERGENCY = "emergency"
SORTING_POINTS = "sorting_points"
CARE_VISITS = "care_visits"
RENTAL_LEADS = "rental_leads"
REPORTING = "reporting"


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    RETIRED = "retired"  # 退出: users refused, dashboard and alarms removed, data kept


class StatusChange(Model):
    status: TenantStatus
    reason: str = Field(min_length=2, max_length=200, description="recorded with who and when")


_STATUS_TTL_SECONDS = 30.0


class _Brief(NamedTuple):
    """What every request reads of its city's profile, kept per container for 30 s."""

    expires: float  # on the monotonic clock
    status: str
    quotas: Quotas | None
    name: dict[str, str]  # {"zh": "郑州市", "en": "Zhengzhou"}


# tenant id → its brief: what the authorizer, the rate limiter and /v1/me read on every request, from one
# profile read per city per container every 30 s.
_profiles: dict[str, _Brief] = {}


def _cached_profile(tenant_id: str) -> _Brief | None:
    hit = _profiles.get(tenant_id)
    if hit and hit.expires > time.monotonic():
        return hit
    try:
        profile = TenantService(TenantContext(tenant_id)).profile()
    except NotFound:
        return None  # not cached: the city may be onboarded any moment
    quotas = profile.get("tier", {}).get("quotas")
    hit = _Brief(time.monotonic() + _STATUS_TTL_SECONDS, str(profile.get("status", "active")),
                 Quotas.model_validate(quotas) if quotas else None, profile.get("name") or {"zh": tenant_id})
    _profiles[tenant_id] = hit
    return hit


def tenant_status(tenant_id: str) -> str | None:
    """A tenant's status (None when not onboarded), cached briefly per container."""
    hit = _cached_profile(tenant_id)
    return hit.status if hit else None


def tenant_quotas(tenant_id: str) -> Quotas | None:
    """A tenant's quotas (None when not onboarded), from the same short per-container cache."""
    hit = _cached_profile(tenant_id)
    return hit.quotas if hit else None


def tenant_name(tenant_id: str) -> dict[str, str] | None:
    """A tenant's name ({"zh": "郑州市", …}; None when not onboarded), from the same short per-container cache."""
    hit = _cached_profile(tenant_id)
    return hit.name if hit else None


def forget_statuses() -> None:
    _profiles.clear()


def forget_status(tenant_id: str) -> None:
    """Read the city's status and quotas again on its next request (they were just changed)."""
    _profiles.pop(tenant_id, None)


def set_status(tenant: TenantContext, change: StatusChange, by: str) -> dict[str, Any]:
    """Suspend, retire or re-activate a city. Its users are refused unless it is active (within
    the authorizer's cache time in AWS); its data stays untouched. Retiring removes its dashboard
    and alarms; re-activating puts them back."""
    repo = TenantConfigRepository(tenant)
    profile = repo.of_type(PROFILE).get(f"{PROFILE}#{tenant.tenant_id}")
    if profile is None:
        raise NotFound(f"tenant {tenant.tenant_id!r} is not onboarded", field="tenant_id")
    history = [*profile.data.get("status_history", []),
               {"status": change.status.value, "reason": change.reason, "by": by,
                "at": datetime.now(UTC).isoformat()}]
    data = {**profile.data, "status": change.status.value, "status_history": history[-20:]}
    repo.write([replace(profile, data=data)], [])
    forget_status(tenant.tenant_id)
    from chalicelib.ops import cloudwatch as ops

    if change.status is TenantStatus.RETIRED:
        ops.remove_city(tenant.tenant_id)
    else:
        ops.put_city(data)
    return data


class TenantService:
    """Reads of one tenant's profile and hierarchy."""

    def __init__(self, tenant: TenantContext, repo: TenantConfigRepository | None = None) -> None:
        self.tenant = tenant
        self.repo = repo or TenantConfigRepository(tenant)

    def staff_name(self, username: str) -> str | None:
        """A staff member's or city admin's name from the manifest's user record (王芳), None if none."""
        name = self.staff_record(username).get("name")
        return str(name) if name else None

    def profile(self) -> dict[str, Any]:
        return self.repo.get(PROFILE, self.tenant.tenant_id)

    def zone(self) -> ZoneInfo:
        """The city's time zone (its days, months and hours of the day)."""
        return ZoneInfo(self.profile().get("timezone") or "Asia/Shanghai")

    def node(self, kind: str, node_id: str) -> dict[str, Any]:
        return self.repo.get(kind, node_id)

    def children(self, kind: str, parent: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Nodes of ``kind`` in the tenant, or only below ``parent``."""
        under = "/".join(parent["path"]) if parent else None
        return self.repo.list_nodes(kind, under)

    def names(self, kind: str, node_ids: Iterable[str]) -> dict[str, dict[str, str]]:
        """The names of the nodes of ``kind`` among ``node_ids`` (those that exist), by id: BatchGetItem."""
        return {i: d["name"] for i, d in self.repo.live_of(kind, node_ids).items() if d.get("name")}

    def streets(self) -> list[dict[str, Any]]:
        """The city's streets in path order, each with its district's name: a Query of each level."""
        districts = {d["id"]: d.get("name") for d in self.children("district")}
        return [{**s, "district_name": districts.get(s["path"][0])} for s in self.children("street")]

    def tree(self) -> dict[str, Any]:
        """The whole hierarchy nested district → building, from one Query of the config partition."""
        docs = [d for d in self.repo.all_docs().values() if d.item_type in NODE_KINDS and not d.retired]
        docs.sort(key=lambda d: d.index[1] if d.index else "")
        by_path: dict[str, dict[str, Any]] = {}
        roots: list[dict[str, Any]] = []
        for d in docs:
            node = {**d.data, "children": []}
            by_path["/".join(d.data["path"])] = node
            parent = by_path.get("/".join(d.data["path"][:-1]))
            (parent["children"] if parent else roots).append(node)
        return {"tenant_id": self.tenant.tenant_id, "districts": roots}

    def _section(self, name: str, model: type[S]) -> S:
        """A manifest section as the city last applied it; its defaults when it never set one. The manifest's
        models are imported where a section is read, not when the API starts."""
        try:
            return model.model_validate(self.repo.get(name, "current"))
        except NotFound:
            return model()

    def alert_rules(self) -> AlertRules:
        """The city's changes to the default device rules (none when never set)."""
        from chalicelib.rules.models import AlertRules

        return self._section(ALERT_RULES, AlertRules)

    def notifications(self) -> Notifications:
        """How the city's alerts are texted and called (the defaults when never set)."""
        from chalicelib.tenancy.models import Notifications

        return self._section(NOTIFICATIONS, Notifications)

    def emergency(self) -> Emergency:
        """The city's gas line and communities' property lines (none when never set)."""
        from chalicelib.tenancy.models import Emergency

        return self._section(EMERGENCY, Emergency)

    def sorting_points(self) -> SortingPoints:
        """What deposits earn and points buy (nothing when never set)."""
        from chalicelib.tenancy.models import SortingPoints

        return self._section(SORTING_POINTS, SortingPoints)

    def care_visits(self) -> CareVisits:
        """The visit levels (the defaults when never set)."""
        from chalicelib.tenancy.models import CareVisits

        return self._section(CARE_VISITS, CareVisits)

    def rental_leads(self) -> RentalLeads:
        """The 群租 lead thresholds (the defaults when never set)."""
        from chalicelib.tenancy.models import RentalLeads

        return self._section(RENTAL_LEADS, RentalLeads)

    def reporting(self) -> Reporting:
        """The city's 社区信息共享清单 (every catalog figure when never set)."""
        from chalicelib.tenancy.models import Reporting

        return self._section(REPORTING, Reporting)

    def departments(self) -> list[dict[str, Any]]:
        return self.repo.list_type("department")

    def catalog(self) -> list[dict[str, Any]]:
        return self.repo.list_type("category")

    def staff_record(self, username: str) -> dict[str, Any]:
        """A staff user's manifest record (name, department, communities, grids); empty when unknown."""
        try:
            return self.repo.get("user", username)
        except NotFound:
            return {}

    def staff_scope(self, username: str) -> list[str]:
        """Communities a staff user serves (from the manifest); empty when unknown."""
        return list(self.staff_record(username).get("communities", []))
