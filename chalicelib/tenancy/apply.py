"""Applying a manifest: the records it describes written idempotently, its admin users created, the
city's dashboard and alarms put. Every check runs before the first write."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

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


def section_of(item_type: str) -> str:
    """The manifest section a record belongs to: the hierarchy's levels together, else its type."""
    return "hierarchy" if item_type in NODE_KINDS else item_type


def _digests(docs: list[ConfigDoc]) -> dict[str, str]:
    """Each section's fingerprint: what the manifest says of it, in a stable form."""
    sections: dict[str, list[Any]] = {}
    for d in docs:
        sections.setdefault(section_of(d.item_type), []).append([d.sk, d.data, list(d.index or ())])
    return {name: hashlib.sha256(json.dumps(sorted(rows, key=lambda r: r[0]), sort_keys=True, ensure_ascii=False,
                                            separators=(",", ":")).encode()).hexdigest()
            for name, rows in sections.items()}


def _stored(repo: TenantConfigRepository, section: str, item_types: set[str]) -> dict[str, ConfigDoc]:
    """What is stored of one section, retired records included: the hierarchy a Query per level."""
    if section == "hierarchy":
        return {d.sk: d for kind in NODE_KINDS for d in repo.nodes_of(kind).values()}
    return {sk: d for t in sorted(item_types) for sk, d in repo.of_type(t).items()}


def apply_manifest(m: TenantManifest, *, dry_run: bool = False) -> ApplyReport:
    """Bring the tenant's records and admin users in line with the manifest.

    Applying the same manifest twice changes nothing. Items no longer in the manifest
    are reported and retired (hidden from reads), never deleted. Every check runs
    before the first write, so an invalid manifest leaves nothing half-applied.

    Diffed per section: each section's fingerprint is kept (``manifest#current``) once it is applied, and
    a section whose fingerprint has not changed is neither read nor written — re-applying an unchanged
    manifest reads two records, whatever the city's size.
    """
    _check_staff_quota(m)
    _check_usernames(m)
    repo = TenantConfigRepository(TenantContext(m.tenant_id))
    desired = desired_docs(m)
    digests = _digests(desired)
    applied = repo.digests()
    # a section the manifest no longer has at all (its last user removed …) changed too: its records retire
    changed = {name for name in {*digests, *applied} if applied.get(name) != digests.get(name)}
    existing: dict[str, ConfigDoc] = {}
    for name in sorted(changed):
        existing |= _stored(repo, name, {d.item_type for d in desired if section_of(d.item_type) == name} or {name})
    report = ApplyReport(tenant_id=m.tenant_id, dry_run=dry_run)
    puts: list[ConfigDoc] = []
    wanted = set()
    for doc in desired:
        if section_of(doc.item_type) not in changed:
            report.unchanged += 1
            continue
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
    if changed:  # last: a run that failed before here (a user not created) is done again in full next time
        repo.save_digests(digests)
    profile = next((d.data for d in puts if d.item_type == PROFILE), None) or repo.get_any(PROFILE, m.tenant_id)
    if profile.get("status") != TenantStatus.RETIRED:
        from chalicelib.ops import cloudwatch as ops  # onboarding only: not on every cold start

        ops.put_city(profile)
        report.dashboard = f"cc-city-{m.tenant_id}"
    return report
