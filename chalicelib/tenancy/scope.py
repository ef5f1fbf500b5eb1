"""Scopes: the part of a city a notice, broadcast or consultation is for.

A scope names one place of the hierarchy (the whole city, a street, a community, a grid or a
building). Resolved, it becomes a :class:`Place` with its path and the communities it covers:
staff may act on a place only when they serve every community in it, and the residents and
households of a place are read per community from the indexes of ``residents.repository``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, model_validator

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import Forbidden, NotFound
from chalicelib.model import Model
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.common import Code
from chalicelib.tenancy.service import TenantService


class ScopeLevel(StrEnum):
    CITY = "city"  # 全市
    STREET = "street"  # 街道
    COMMUNITY = "community"  # 社区
    GRID = "grid"  # 网格
    BUILDING = "building"  # 楼栋


class Scope(Model):
    """``{"level": "community", "id": "jinghu"}``; the whole city is ``{"level": "city"}``."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={
        "if": {"properties": {"level": {"const": ScopeLevel.CITY.value}}},
        "then": {"properties": {"id": {"type": "null"}}},
        "else": {"required": ["id"], "properties": {"id": {"type": "string"}}},
    })

    level: ScopeLevel
    id: Code | None = None

    @model_validator(mode="after")
    def _id_unless_city(self) -> Scope:
        if self.level is ScopeLevel.CITY and self.id is not None:
            raise ValueError("id: the city scope takes no id")
        if self.level is not ScopeLevel.CITY and self.id is None:
            raise ValueError(f"id: a {self.level.value} scope needs the {self.level.value}'s id")
        return self


@dataclass(frozen=True)
class Place:
    """A resolved scope: ``path`` from district down (empty for the city) and the communities in it."""

    scope: Scope
    path: tuple[str, ...]
    communities: tuple[str, ...]
    name: dict[str, str] | None
    # Where to look for households, per community: the place itself when it is inside one
    # community, else each community's own path.
    within: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def contains(self, path: list[str] | tuple[str, ...]) -> bool:
        """Whether a place path (e.g. a household's building path) lies inside this place."""
        return tuple(path[: len(self.path)]) == self.path


def resolve(tenancy: TenantService, scope: Scope) -> Place:
    """The place a scope names, or 404 naming ``scope.id``."""
    if scope.level is ScopeLevel.CITY:
        nodes = tenancy.children("community")
        return Place(scope, (), tuple(c["id"] for c in nodes), tenancy.profile().get("name"),
                     tuple((c["id"], tuple(c["path"])) for c in nodes))
    assert scope.id is not None  # the model guarantees it
    try:
        node = tenancy.node(scope.level.value, scope.id)
    except NotFound as exc:
        raise NotFound(f"no {scope.level.value} {scope.id!r} in this city", field="scope.id") from exc
    path = tuple(node["path"])
    if scope.level is ScopeLevel.STREET:
        nodes = tenancy.children("community", node)
        return Place(scope, path, tuple(c["id"] for c in nodes), node.get("name"),
                     tuple((c["id"], tuple(c["path"])) for c in nodes))
    community = path[2]  # district / street / community / …
    return Place(scope, path, (community,), node.get("name"), ((community, path),))


def served_communities(principal: Principal, tenancy: TenantService) -> list[str] | None:
    """Communities a staff user serves; ``None`` for city admins (the whole city)."""
    if Role.CITY_ADMIN in principal.roles:
        return None
    return tenancy.staff_scope(principal.username) if Role.STAFF in principal.roles else []


def require_staff(principal: Principal, tenancy: TenantService, place: Place) -> None:
    """City admins act anywhere; staff only on places all of whose communities they serve."""
    served = served_communities(principal, tenancy)
    if served is None:
        return
    if place.scope.level is ScopeLevel.CITY or not place.communities or not set(place.communities) <= set(served):
        raise Forbidden("this place is outside your area", field="scope")


def verified_household(principal: Principal, residents: ResidentRepository) -> dict[str, Any]:
    """The caller's verified registration (household id, building path); 404/403 otherwise."""
    found = residents.get(principal.user_id)
    if found is None:
        raise NotFound("you have not registered into a household yet", field="registration")
    if found[0].get("status") != Status.VERIFIED.value:
        raise Forbidden("your registration is not verified yet", field="registration")
    return found[0]


def households(residents: ResidentRepository, place: Place) -> list[dict[str, Any]]:
    """Verified households in a place: one Query per community it covers."""
    return [h for c, path in place.within for h in residents.households_in(c, list(path))]


def members(residents: ResidentRepository, place: Place) -> list[dict[str, Any]]:
    """Verified residents in a place (each with ``household_id``): one Query per community."""
    return [m for c, path in place.within for m in residents.members_in(c, list(path))]
