"""Who sees which alerts: city admins the whole city, staff their communities (or a street
all of whose communities they serve), residents their verified household. Views are path
prefixes of the alert index (see ``repository.index_sk``)."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.alerts.routing import COMMUNITY_DEPTH
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.care.watchers import watches
from chalicelib.errors import Forbidden, NotFound
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.scope import verified_household
from chalicelib.tenancy.service import TenantService

_HOUSEHOLD = re.compile(r"^(?P<building>.+)-\d{1,2}-\d{3,4}$")
_LOOKUP = ("community", "grid", "building", "street", "district")  # most asked first


def prefix(path: list[str]) -> str:
    return "/".join(path) + "/"


class Access:
    def __init__(self, principal: Principal, tenancy: TenantService, residents: ResidentRepository) -> None:
        self.principal, self.tenancy, self.residents = principal, tenancy, residents
        self.is_admin = Role.CITY_ADMIN in principal.roles
        self.is_staff = Role.STAFF in principal.roles

    def communities(self) -> list[str]:
        return self.tenancy.staff_scope(self.principal.username) if self.is_staff else []

    def require_staff(self, doc: dict[str, Any]) -> None:
        """Acting on an alert: city admins, and staff of its community."""
        if not self.is_admin and doc["community_id"] not in self.communities():
            raise Forbidden("this alert is outside your area", field="alert_id")

    def require_view(self, doc: dict[str, Any]) -> None:
        """Seeing an alert: as for acting, the residents of its (verified) household, and the active
        family contacts of the care subject its device watches (while consent is active)."""
        if self.is_admin or self.is_staff:
            self.require_staff(doc)
        elif doc.get("household_id") != self.household()["household_id"] and not self.watches(doc):
            raise NotFound("alert not found", field="alert_id")

    def watches(self, doc: dict[str, Any]) -> bool:
        return bool(doc.get("care_subject")) and watches(self.tenancy.tenant, self.principal.user_id, doc["device_id"])

    def staff_prefixes(self, scope: str | None) -> list[str]:
        if scope is None:
            if self.is_admin:
                return [""]
            return [prefix(self.tenancy.node("community", c)["path"]) for c in self.communities()]
        path = self.place(scope)
        if not self.is_admin:
            served = set(self.communities())
            if len(path) >= COMMUNITY_DEPTH:
                inside = [path[COMMUNITY_DEPTH - 1]]
            else:  # a street or district: only if every community in it is the caller's
                node = {"path": path}
                inside = [c["id"] for c in self.tenancy.children("community", node)] or ["-"]
            if not set(inside) <= served:
                raise Forbidden("this place is outside your area", field="scope")
        return [prefix(path)]

    def household(self) -> dict[str, Any]:
        return verified_household(self.principal, self.residents)

    def household_prefix(self) -> str:
        reg = self.household()
        return prefix([*reg["path"], reg["household_id"]])

    def place(self, place_id: str) -> list[str]:
        """Path of a hierarchy node or household, by id (one BatchGetItem)."""
        node = self.tenancy.repo.first_of(_LOOKUP, place_id)
        if node is not None:
            return list(node["path"])
        match = _HOUSEHOLD.match(place_id)
        building = self.tenancy.repo.first_of(("building",), match["building"]) if match else None
        if building is None:
            raise NotFound(f"no place {place_id!r} in this city", field="scope")
        return [*building["path"], place_id]
