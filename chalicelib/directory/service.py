"""Use cases of the directory: staff keep a community's service points; the city's users read them."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.directory.models import ListQuery, ServicePage, ServicePoint, ServicePointIn
from chalicelib.directory.repository import DirectoryRepository
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.geo import distance_m
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import decode_cursor, encode_cursor, now
from chalicelib.tenancy.common import GeoPoint
from chalicelib.tenancy.scope import served_communities, verified_household
from chalicelib.tenancy.service import TenantService

# A point belongs to a community's circle: it must lie within this distance of the community.
NEAR_COMMUNITY_M = 3000
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_ID = re.compile(r"^sp-[0-9a-z]{10}$")


def new_id() -> str:
    return "sp-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


class DirectoryBase:
    """The caller, the city's directory and hierarchy, and the clock, for every directory use case."""

    def __init__(self, principal: Principal, repo: DirectoryRepository | None = None,
                 tenancy: TenantService | None = None, clock: Callable[[], datetime] = now) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.repo = repo or DirectoryRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)
        self.clock = clock


class DirectoryService(DirectoryBase):

    # -- staff side ------------------------------------------------------------------
    def create(self, community_id: str, body: ServicePointIn) -> ServicePoint:
        community = self._community(community_id)
        self._require_staff(community_id)
        self._near(community, body.location)
        stamp, by = self.clock().isoformat(), self.principal.username
        doc = {**body.model_dump(mode="json"), "service_point_id": new_id(), "community_id": community_id,
               "status": "active", "created_at": stamp, "created_by": by, "updated_at": stamp, "updated_by": by}
        self.repo.put(doc, None)
        return ServicePoint.model_validate(doc)

    def update(self, community_id: str, service_point_id: str, body: ServicePointIn) -> ServicePoint:
        community = self._community(community_id)
        self._require_staff(community_id)
        doc, version = self._live(community_id, service_point_id)
        self._near(community, body.location)
        doc = {**doc, **body.model_dump(mode="json"), "updated_at": self.clock().isoformat(),
               "updated_by": self.principal.username}
        self.repo.put(doc, version)
        return ServicePoint.model_validate(doc)

    def retire(self, community_id: str, service_point_id: str) -> ServicePoint:
        """Soft delete: the point leaves searches and lists but stays readable by its id."""
        self._community(community_id)
        self._require_staff(community_id)
        doc, version = self._live(community_id, service_point_id)
        doc = {**doc, "status": "retired", "updated_at": self.clock().isoformat(),
               "updated_by": self.principal.username}
        self.repo.put(doc, version)
        return ServicePoint.model_validate(doc)

    # -- readers ---------------------------------------------------------------------
    def get(self, community_id: str, service_point_id: str) -> ServicePoint:
        self._community(community_id)
        self._require_reader(community_id)
        return ServicePoint.model_validate(self._point(community_id, service_point_id)[0])

    def list(self, community_id: str, q: ListQuery) -> ServicePage:
        self._community(community_id)
        self._require_reader(community_id)
        category = q.category.value if q.category else None
        docs, last = self.repo.in_community(community_id, category, q.limit, decode_cursor(q.cursor))
        return ServicePage(items=[ServicePoint.model_validate(d) for d in docs], next_cursor=encode_cursor(last))

    # -- helpers ---------------------------------------------------------------------
    def _community(self, community_id: str) -> dict[str, Any]:
        try:
            return self.tenancy.node("community", community_id)
        except NotFound as exc:
            raise NotFound(f"no community {community_id!r} in this city", field="community_id") from exc

    def _require_staff(self, community_id: str) -> None:
        served = served_communities(self.principal, self.tenancy)
        if served is not None and community_id not in served:
            raise Forbidden("this community is outside your area", field="community_id")

    def _require_reader(self, community_id: str) -> None:
        """Staff and admins read any community's directory; residents their own community's."""
        if Role.RESIDENT in self.principal.roles and not self.principal.has_any((Role.STAFF, Role.CITY_ADMIN)):
            home = verified_household(self.principal, ResidentRepository(self.tenant))
            if home["community_id"] != community_id:
                raise Forbidden("residents read the directory of their own community", field="community_id")

    def _point(self, community_id: str, service_point_id: str) -> tuple[dict[str, Any], int]:
        found = self.repo.get(service_point_id) if _ID.match(service_point_id) else None
        if found is None or found[0]["community_id"] != community_id:
            raise NotFound(f"no service point {service_point_id!r} in this community", field="service_point_id")
        return found

    def _live(self, community_id: str, service_point_id: str) -> tuple[dict[str, Any], int]:
        doc, version = self._point(community_id, service_point_id)
        if doc["status"] != "active":
            raise Conflict("this service point is retired", field="service_point_id")
        return doc, version

    def _near(self, community: dict[str, Any], location: GeoPoint) -> None:
        if distance_m(GeoPoint.model_validate(community["location"]), location) > NEAR_COMMUNITY_M:
            raise InvalidInput(f"a service point must lie within {NEAR_COMMUNITY_M} m of its community",
                               field="location")
