"""Demo accounts for the local stack: one per role per tenant, all with the same password."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.constants import PLATFORM_TENANT
from chalicelib.errors import Conflict
from chalicelib.residents.models import RegistrationIn, Relation
from chalicelib.residents.service import ResidentService
from chalicelib.tenancy.models import StaffRole, TenantManifest

DEMO_PASSWORD = "Community2026"


@dataclass(frozen=True)
class DemoLogin:
    tenant_id: str
    role: str
    username: str
    note: str


def _set_password(username: str) -> None:
    from chalicelib.aws import client
    from chalicelib.config import get_settings

    client("cognito-idp").admin_set_user_password(
        UserPoolId=get_settings().user_pool_id, Username=username, Password=DEMO_PASSWORD, Permanent=True)


VISITOR_KINDS = {"social_worker": "社工", "volunteer": "志愿者", "doctor": "家庭医生"}


def create_demo_logins(manifests: list[TenantManifest]) -> list[DemoLogin]:
    logins = [DemoLogin(PLATFORM_TENANT, "platform_admin", "platform.admin", "平台运营 / platform operator")]
    users.ensure_user(users.NewUser("platform.admin", PLATFORM_TENANT, Role.PLATFORM_ADMIN, password=DEMO_PASSWORD))
    for m in manifests:
        admin = next(u for u in m.users if u.role is StaffRole.CITY_ADMIN)
        staff = next(u for u in m.users if u.role is StaffRole.STAFF)
        for u in m.users:  # created by the manifest without a password (invitation); give one
            _set_password(u.username)
        logins.append(DemoLogin(m.tenant_id, "city_admin", admin.username, f"{admin.name} · {m.name.zh}"))
        logins.append(DemoLogin(m.tenant_id, "staff", staff.username,
                                f"{staff.name} · 网格员 · {', '.join(staff.communities)}"))
        visitor = next((u for u in m.users if u.role is StaffRole.VISITOR), None)
        if visitor is not None:
            logins.append(DemoLogin(m.tenant_id, "visitor", visitor.username,
                                    f"{visitor.name} · {VISITOR_KINDS[visitor.visitor_kind or 'volunteer']} · "
                                    f"{visitor.organisation or ''} · 只看分配给自己的关爱对象"))
        for role in (Role.RESIDENT, Role.VENDOR):
            name = f"{m.tenant_id}.{role.value}"
            users.ensure_user(users.NewUser(name, m.tenant_id, role, password=DEMO_PASSWORD))
            logins.append(DemoLogin(m.tenant_id, role.value, name,
                                    "居民, 待核验 / resident, pending verification" if role is Role.RESIDENT
                                    else "设备厂商 / device vendor"))
        _register_demo_resident(m, f"{m.tenant_id}.resident", staff.communities[0])
    return logins


def _register_demo_resident(m: TenantManifest, username: str, community_id: str) -> None:
    """The demo resident has asked to join a household; staff see it in their queue."""
    info = users.lookup(username)
    assert info is not None, f"demo user {username} was not created"
    principal = Principal(info.user_id, username, m.tenant_id, frozenset({Role.RESIDENT}))
    community = next(c for d in m.hierarchy.districts for s in d.streets for c in s.communities
                     if c.id == community_id)
    building = community.grids[0].buildings[0]
    with contextlib.suppress(Conflict):  # registered by an earlier run
        ResidentService(principal).register(RegistrationIn(
            community_id=community.id, building_id=building.id, unit=1, room="301", name="张秀兰",
            phone="13912345678", relation=Relation.OWNER))


def seeded_logins(tenant_id: str) -> list[DemoLogin]:
    """The demo residents of tenants/demo/<tenant>/residents.yaml that carry a note."""
    import yaml

    from infra.local.seed import files
    from infra.local.seed.residents import logins

    path = files(tenant_id).get("residents")
    if path is None:
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [DemoLogin(tenant_id, "resident", username, note) for username, note in logins(data)]
