"""Who sees a request and who acts on it.

- city admins: every request of the city;
- staff: requests of the communities they serve, and requests of their manifest ``department``;
- residents: what they filed, what was filed for them, and requests of their household.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import Forbidden, NotFound
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]


@dataclass(frozen=True)
class Staff:
    """A staff member as the manifest knows them (city admins: ``communities`` is None = all)."""

    username: str
    name: str | None
    department: str | None
    communities: frozenset[str] | None


def staff(principal: Principal, tenancy: TenantService) -> Staff:
    try:
        record = tenancy.repo.get("user", principal.username)
    except NotFound:
        record = {}
    admin = Role.CITY_ADMIN in principal.roles
    return Staff(principal.username, record.get("name"), None if admin else record.get("department"),
                 None if admin else frozenset(record.get("communities", [])))


def handles(who: Staff, doc: Doc) -> bool:
    return who.communities is None or doc["community_id"] in who.communities or doc["department"] == who.department


def require_handler(who: Staff, doc: Doc) -> None:
    if not handles(who, doc):
        raise Forbidden("this request is outside your communities and your department", field="request_id")


def owners(doc: Doc) -> set[str]:
    """The residents a request belongs to: a resident filer and the resident it was filed for."""
    return {u for u in (doc.get("filer_resident"), doc.get("on_behalf_of")) if u}


def resident_sees(principal: Principal, residents: ResidentRepository, doc: Doc) -> bool:
    if principal.user_id in owners(doc):
        return True
    found = residents.get(principal.user_id)
    if found is None or found[0].get("status") != Status.VERIFIED.value:
        return False
    return found[0]["household_id"] in {doc.get("household_id"), doc.get("filer_household_id")} - {None}
