"""Demo residents: Cognito users registered into their households and verified by the staff of
their community, as if they had used the portal."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.residents.models import Decision, RegistrationIn, VerificationIn
from chalicelib.residents.service import ResidentService
from infra.local.seed import SeedContext


class DemoResident(RegistrationIn):
    model_config = ConfigDict(extra="forbid")

    username: str
    note: str = ""


class ResidentsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    residents: list[DemoResident]


def apply(ctx: SeedContext, data: Any) -> int:
    spec = ResidentsFile.model_validate(data)
    tenant_id = ctx.manifest.tenant_id
    for r in spec.residents:
        users.ensure_user(users.NewUser(r.username, tenant_id, Role.RESIDENT, name=r.name, password=ctx.password))
        info = users.lookup(r.username)
        assert info is not None
        ctx.residents[r.username] = info.user_id
        me = Principal(info.user_id, r.username, tenant_id, frozenset({Role.RESIDENT}))
        service = ResidentService(me)
        if service.repo.get(info.user_id) is not None:
            continue  # seeded by an earlier run against the same moto
        service.register(RegistrationIn.model_validate(r.model_dump(exclude={"username", "note"})))
        staff = next(u.username for u in ctx.manifest.users
                     if u.role.value == "staff" and r.community_id in u.communities)
        ResidentService(ctx.principal(staff)).verify(info.user_id, VerificationIn(decision=Decision.APPROVE))
    return len(spec.residents)


def logins(data: Any) -> list[tuple[str, str]]:
    """(username, note) of the residents the banner lists."""
    return [(r.username, r.note) for r in ResidentsFile.model_validate(data).residents if r.note]
