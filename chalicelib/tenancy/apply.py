"""Applying a manifest: the records it describes written idempotently, its admin users created, the
city's dashboard and alarms put. Every check runs before the first write."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from pydantic import BaseModel, Field

from chalicelib.auth import users
from chalicelib.auth.roles import Role
from chalicelib.errors import Conflict, field_path
from chalicelib.model import Model
from chalicelib.store.keys import PLATFORM_TENANTS, TenantContext
from chalicelib.tenancy.manifest import ManifestError, Problem, staff_quota_problems
from chalicelib.tenancy.models import TenantManifest
from chalicelib.tenancy.repository import PROFILE, ConfigDoc, TenantConfigRepository
from chalicelib.tenancy.service import (
    ALERT_RULES,
    CARE_VISITS,
    EMERGENCY,
    NODE_KINDS,
    NOTIFICATIONS,
    RENTAL_LEADS,
    REPORTING,
    SORTING_POINTS,
    TenantStatus,
    forget_status,
)

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
    docs.append(ConfigDoc(SORTING_POINTS, "current", m.sorting_points.model_dump(mode="json")))
    docs.append(ConfigDoc(CARE_VISITS, "current", m.care_visits.model_dump(mode="json")))
    docs.append(ConfigDoc(RENTAL_LEADS, "current", m.rental_leads.model_dump(mode="json")))
    docs.append(ConfigDoc(REPORTING, "current", m.reporting.model_dump(mode="json")))
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
    # nodes a spreadsheet import brought in are the import's to retire (chalicelib/imports), not the manifest's
    report.removed = sorted(sk for sk, old in existing.items()
                            if sk not in wanted and not old.retired and old.data.get("source") != "import")
    if dry_run:
        report.users_created = [u.username for u in m.users if users.user_tenant(u.username) is None]
        return report
    repo.write(puts, report.removed)
    forget_status(m.tenant_id)  # new quotas apply at once in this container
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
