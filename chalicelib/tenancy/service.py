"""Use cases of tenancy: apply a manifest (idempotently), read profile and hierarchy."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from chalicelib.auth import users
from chalicelib.auth.roles import Role
from chalicelib.errors import Conflict, NotFound, field_path
from chalicelib.model import Model
from chalicelib.rules.models import AlertRules
from chalicelib.store.keys import PLATFORM_TENANTS, TenantContext
from chalicelib.tenancy.manifest import ManifestError, Problem, staff_quota_problems
from chalicelib.tenancy.models import Emergency, Notifications, Quotas, TenantManifest
from chalicelib.tenancy.repository import PROFILE, ConfigDoc, TenantConfigRepository

NODE_KINDS = ("district", "street", "community", "grid", "building")
ALERT_RULES = "alert_rules"
NOTIFICATIONS = "notifications"
EMERGENCY = "emergency"
# Profile fields set by platform operators, which re-applying a manifest leaves alone.
PLATFORM_OWNED = ("status", "status_history")
_CHILDREN = {"district": "streets", "street": "communities", "community": "grids", "grid": "buildings"}


class ApplyReport(Model):
    tenant_id: str
    dry_run: bool
    created: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = Field(default_factory=list, description="retired, kept for history; not deleted")
    users_created: list[str] = Field(default_factory=list)
    dashboard: str | None = Field(default=None, description="the city's CloudWatch dashboard, put with its alarms")

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.users_created)


def _node_docs(tenant: TenantContext, m: TenantManifest) -> Iterator[ConfigDoc]:
    def walk(kind: str, node: BaseModel, path: tuple[str, ...]) -> Iterator[ConfigDoc]:
        node_id = str(node.model_dump(include={"id"})["id"])
        here = (*path, node_id)
        child_field = _CHILDREN.get(kind)
        data = node.model_dump(mode="json", exclude={child_field} if child_field else set())
        data.update(kind=kind, path=list(here), parent_id=path[-1] if path else None)
        yield ConfigDoc(kind, node_id, data, (tenant.nodes_by_kind_pk(kind), "/".join(here)))
        if child_field:
            child_kind = NODE_KINDS[NODE_KINDS.index(kind) + 1]
            for child in getattr(node, child_field):
                yield from walk(child_kind, child, here)

    for district in m.hierarchy.districts:
        yield from walk("district", district, ())


def desired_docs(m: TenantManifest) -> list[ConfigDoc]:
    """Every record the manifest describes, keyed the way storage keys them."""
    tenant = TenantContext(m.tenant_id)
    profile = m.model_dump(mode="json", include={"tenant_id", "name", "province", "timezone", "tier"})
    profile["status"] = "active"
    docs = [ConfigDoc(PROFILE, m.tenant_id, profile, (PLATFORM_TENANTS, m.tenant_id))]
    docs += list(_node_docs(tenant, m))
    docs += [ConfigDoc("department", d.id, d.model_dump(mode="json")) for d in m.departments]
    docs += [ConfigDoc("category", c.code, c.model_dump(mode="json")) for c in m.service_catalog]
    docs += [ConfigDoc("user", u.username, u.model_dump(mode="json")) for u in m.users]
    docs.append(ConfigDoc(ALERT_RULES, "current", m.alert_rules.model_dump(mode="json")))
    docs.append(ConfigDoc(NOTIFICATIONS, "current", m.notifications.model_dump(mode="json")))
    docs.append(ConfigDoc(EMERGENCY, "current", m.emergency.model_dump(mode="json")))
    return docs


def _check_staff_quota(m: TenantManifest) -> None:
    """A manifest with more staff users than its own ``staff_users`` quota is refused whole (400)."""
    found = staff_quota_problems(m)
    if found:
        from chalicelib.usage.signals import quota_refused  # usage imports tenancy: import when refusing

        quota_refused(m.tenant_id, "staff_users")
        raise ManifestError([Problem(field_path(loc), message) for loc, message in found])


def _check_usernames(m: TenantManifest) -> None:
    """Usernames are pool-wide: refuse the whole manifest before writing if one is another city's."""
    problems = [Problem(f"users[{n}].username", f"username {u.username!r} belongs to another tenant")
                for n, u in enumerate(m.users) if users.user_tenant(u.username) not in (None, m.tenant_id)]
    if problems:
        raise ManifestError(problems)


def apply_manifest(m: TenantManifest, *, dry_run: bool = False) -> ApplyReport:
    """Bring the tenant's records and admin users in line with the manifest.

    Applying the same manifest twice changes nothing. Items no longer in the manifest
    are reported and retired (hidden from reads), never deleted. Every check runs
    before the first write, so an invalid manifest leaves nothing half-applied.
    """
    _check_staff_quota(m)
    _check_usernames(m)
    repo = TenantConfigRepository(TenantContext(m.tenant_id))
    existing = repo.all_docs()
    report = ApplyReport(tenant_id=m.tenant_id, dry_run=dry_run)
    puts: list[ConfigDoc] = []
    wanted = set()
    for doc in desired_docs(m):
        wanted.add(doc.sk)
        old = existing.get(doc.sk)
        if old is not None and doc.item_type == PROFILE:  # suspension is the platform's, not the manifest's
            kept = {k: old.data[k] for k in PLATFORM_OWNED if k in old.data}
            doc = replace(doc, data={**doc.data, **kept})
        if old is None:
            report.created.append(doc.sk)
        elif old.data != doc.data or old.retired or old.index != doc.index:
            report.updated.append(doc.sk)
            doc = replace(doc, created_at=old.created_at)
        else:
            report.unchanged += 1
            continue
        puts.append(doc)
    report.removed = sorted(sk for sk, old in existing.items() if sk not in wanted and not old.retired)
    if dry_run:
        report.users_created = [u.username for u in m.users if users.user_tenant(u.username) is None]
        return report
    repo.write(puts, report.removed)
    _profiles.pop(m.tenant_id, None)  # new quotas apply at once in this container
    for u in m.users:
        try:
            created = users.ensure_user(users.NewUser(u.username, m.tenant_id, Role(u.role.value), u.email, u.name))
        except Conflict as exc:  # raced with another onboarding between check and write
            raise ManifestError([Problem("users", exc.message)]) from exc
        if created:
            report.users_created.append(u.username)
    profile = next(d for d in [*puts, existing.get(f"{PROFILE}#{m.tenant_id}")] if d and d.item_type == PROFILE)
    if profile.data.get("status") != TenantStatus.RETIRED:
        from chalicelib.ops import cloudwatch as ops  # onboarding only: not on every cold start

        ops.put_city(profile.data)
        report.dashboard = f"cc-city-{m.tenant_id}"
    return report


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    RETIRED = "retired"  # 退出: users refused, dashboard and alarms removed, data kept


class StatusChange(Model):
    status: TenantStatus
    reason: str = Field(min_length=2, max_length=200, description="recorded with who and when")


_STATUS_TTL_SECONDS = 30.0
# tenant id → (expiry on the monotonic clock, status, quotas): what the authorizer and the rate limiter
# read on every request, from one profile read per city per container every 30 s.
_profiles: dict[str, tuple[float, str, Quotas | None]] = {}


def _cached_profile(tenant_id: str) -> tuple[float, str, Quotas | None] | None:
    hit = _profiles.get(tenant_id)
    if hit and hit[0] > time.monotonic():
        return hit
    try:
        profile = TenantService(TenantContext(tenant_id)).profile()
    except NotFound:
        return None  # not cached: the city may be onboarded any moment
    quotas = profile.get("tier", {}).get("quotas")
    hit = (time.monotonic() + _STATUS_TTL_SECONDS, str(profile.get("status", "active")),
           Quotas.model_validate(quotas) if quotas else None)
    _profiles[tenant_id] = hit
    return hit


def tenant_status(tenant_id: str) -> str | None:
    """A tenant's status (None when not onboarded), cached briefly per container."""
    hit = _cached_profile(tenant_id)
    return hit[1] if hit else None


def tenant_quotas(tenant_id: str) -> Quotas | None:
    """A tenant's quotas (None when not onboarded), from the same short per-container cache."""
    hit = _cached_profile(tenant_id)
    return hit[2] if hit else None


def forget_statuses() -> None:
    _profiles.clear()


def set_status(tenant: TenantContext, change: StatusChange, by: str) -> dict[str, Any]:
    """Suspend, retire or re-activate a city. Its users are refused unless it is active (within
    the authorizer's cache time in AWS); its data stays untouched. Retiring removes its dashboard
    and alarms; re-activating puts them back."""
    repo = TenantConfigRepository(tenant)
    docs = repo.all_docs()
    profile = docs.get(f"{PROFILE}#{tenant.tenant_id}")
    if profile is None:
        raise NotFound(f"tenant {tenant.tenant_id!r} is not onboarded", field="tenant_id")
    history = [*profile.data.get("status_history", []),
               {"status": change.status.value, "reason": change.reason, "by": by,
                "at": datetime.now(UTC).isoformat()}]
    data = {**profile.data, "status": change.status.value, "status_history": history[-20:]}
    repo.write([replace(profile, data=data)], [])
    _profiles.pop(tenant.tenant_id, None)
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

    def node(self, kind: str, node_id: str) -> dict[str, Any]:
        return self.repo.get(kind, node_id)

    def children(self, kind: str, parent: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Nodes of ``kind`` in the tenant, or only below ``parent``."""
        under = "/".join(parent["path"]) if parent else None
        return self.repo.list_nodes(kind, under)

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

    def alert_rules(self) -> AlertRules:
        """The city's changes to the default device rules (none when never set)."""
        try:
            return AlertRules.model_validate(self.repo.get(ALERT_RULES, "current"))
        except NotFound:
            return AlertRules()

    def notifications(self) -> Notifications:
        """How the city's alerts are texted and called (the defaults when never set)."""
        try:
            return Notifications.model_validate(self.repo.get(NOTIFICATIONS, "current"))
        except NotFound:
            return Notifications()

    def emergency(self) -> Emergency:
        """The city's gas line and communities' property lines (none when never set)."""
        try:
            return Emergency.model_validate(self.repo.get(EMERGENCY, "current"))
        except NotFound:
            return Emergency()

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
