"""Who may see and act on a consultation.

Residents see those whose place contains their verified home (404 otherwise: they do not learn it
exists); staff see those touching a community they serve and manage those wholly inside their area;
city admins see and manage all of the city's.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.errors import Forbidden, NotFound
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy import scope
from chalicelib.tenancy.scope import Place, Scope
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]


class Access:
    def __init__(self, principal: Principal, tenancy: TenantService, residents: ResidentRepository) -> None:
        self.principal, self.tenancy, self.residents = principal, tenancy, residents

    @property
    def staff(self) -> bool:
        return self.principal.has_any(STAFF_ROLES)

    @cached_property
    def served(self) -> list[str] | None:
        """Communities the caller serves; None for city admins (all of them)."""
        return scope.served_communities(self.principal, self.tenancy)

    @cached_property
    def home(self) -> Doc:
        """The caller's verified registration (404/403 when there is none)."""
        return scope.verified_household(self.principal, self.residents)

    def contains_home(self, doc: Doc) -> bool:
        path = doc["path"]
        return list(self.home["path"][: len(path)]) == list(path)

    def require_read(self, doc: Doc) -> None:
        if self.staff:
            if self.served is not None and not set(doc["communities"]) & set(self.served):
                raise Forbidden("this consultation is outside your area", field="consultation_id")
        elif not self.contains_home(doc):
            raise NotFound("no such consultation for your home", field="consultation_id")

    def require_manage(self, doc: Doc) -> None:
        place = Place(Scope.model_validate(doc["scope"]), tuple(doc["path"]), tuple(doc["communities"]),
                      doc.get("scope_name"))
        scope.require_staff(self.principal, self.tenancy, place)

    def anchors(self) -> list[tuple[str, ...]]:
        """The index partitions to list: the whole city for admins; the city, streets and communities
        of the caller's area (staff) or home (residents)."""
        if Role.CITY_ADMIN in self.principal.roles:
            return [()]
        if not self.staff:
            path = self.home["path"]
            return [("city",), ("street", path[1]), ("community", path[2])]
        streets = {self.tenancy.node("community", c)["path"][1] for c in self.served or []}
        return [("city",), *[("street", s) for s in sorted(streets)], *[("community", c) for c in self.served or []]]

    def lists(self, doc: Doc) -> bool:
        """Whether a consultation found in those partitions is for the caller."""
        if self.staff:
            return self.served is None or bool(set(doc["communities"]) & set(self.served))
        return self.contains_home(doc)
