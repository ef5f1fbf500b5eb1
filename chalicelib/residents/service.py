"""Use cases: a resident registers into a household; staff verify or reject it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import privacy
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import Forbidden, InvalidInput, NotFound
from chalicelib.residents.models import (
    Decision,
    Registration,
    RegistrationIn,
    RegistrationPage,
    Status,
    VerificationIn,
)
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import decode_cursor, encode_cursor
from chalicelib.tenancy.service import TenantService


def household_id(building_id: str, unit: int, room: str) -> str:
    return f"{building_id}-{unit}-{room}"


class ResidentService:
    def __init__(self, principal: Principal, repo: ResidentRepository | None = None,
                 tenancy: TenantService | None = None) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.repo = repo or ResidentRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)

    # -- resident side ---------------------------------------------------------------
    def register(self, body: RegistrationIn) -> Registration:
        community = self._node("community", body.community_id, "community_id")
        building = self._node("building", body.building_id, "building_id")
        if building["path"][: len(community["path"])] != community["path"]:
            raise InvalidInput("this building is not in the chosen community", field="building_id")
        if body.unit > int(building.get("units", 1)):
            raise InvalidInput(f"building has {building.get('units', 1)} unit(s)", field="unit")
        current = self.repo.get(self.principal.user_id)
        data: dict[str, Any] = {
            "resident_id": self.principal.user_id, "username": self.principal.username,
            "community_id": body.community_id, "building_id": body.building_id, "unit": body.unit,
            "room": body.room, "household_id": household_id(body.building_id, body.unit, body.room),
            "path": building["path"], "relation": body.relation.value,
            "name_sealed": privacy.seal(self.tenant, "name", body.name),
            "name_masked": privacy.mask_name(body.name),
            "phone_sealed": privacy.seal(self.tenant, "phone", body.phone),
            "phone_masked": privacy.mask_phone(body.phone),
            "status": Status.PENDING.value, "submitted_at": datetime.now(UTC).isoformat(),
        }
        self.repo.submit(self.principal.user_id, data, current[1] if current else None)
        return _view(data)

    def mine(self, full: bool = False) -> Registration:
        """The caller's registration; ``full``: with the name and phone they gave, opened from their sealed
        fields (their own data — ``GET /v1/me`` keeps them masked and needs no key)."""
        found = self.repo.get(self.principal.user_id)
        if found is None:
            raise NotFound("you have not registered into a household yet", field="registration")
        view = _view(found[0])
        if full:
            data = found[0]
            view = view.model_copy(update={"name": privacy.unseal(self.tenant, "name", data["name_sealed"]),
                                           "phone": privacy.unseal(self.tenant, "phone", data["phone_sealed"])})
        return view

    # -- staff side ------------------------------------------------------------------
    def queue(self, community_id: str, status: Status, limit: int, cursor: str | None) -> RegistrationPage:
        """A community's registrations in one status, oldest first, a page at a time."""
        self._node("community", community_id, "community_id")
        self._require_scope(community_id)
        docs, last = self.repo.by_community(community_id, status, limit, decode_cursor(cursor))
        return RegistrationPage(items=[_view(d) for d in docs], next_cursor=encode_cursor(last))

    def get(self, resident_id: str) -> Registration:
        data = self._registration(resident_id)
        return _view(data)

    def verify(self, resident_id: str, body: VerificationIn) -> Registration:
        found = self.repo.get(resident_id)
        if found is None:
            raise NotFound("registration not found", field="resident_id")
        data, version = found
        self._require_scope(data["community_id"])
        status = Status.VERIFIED if body.decision is Decision.APPROVE else Status.REJECTED
        changes = {"decided_at": datetime.now(UTC).isoformat(), "decided_by": self.principal.username,
                   "reason": body.reason}
        self.repo.decide(resident_id, status, changes, version)
        if status is Status.VERIFIED:
            household = {"household_id": data["household_id"], "community_id": data["community_id"],
                         "building_id": data["building_id"], "unit": data["unit"], "room": data["room"],
                         "path": data["path"]}
            self.repo.add_household_member(household, resident_id, data["relation"])
        return _view({**data, **changes, "status": status.value})

    # -- helpers ---------------------------------------------------------------------
    def _node(self, kind: str, node_id: str, field: str) -> dict[str, Any]:
        try:
            return self.tenancy.node(kind, node_id)
        except NotFound as exc:
            raise NotFound(f"no {kind} {node_id!r} in this city", field=field) from exc

    def _registration(self, resident_id: str) -> dict[str, Any]:
        found = self.repo.get(resident_id)
        if found is None:
            raise NotFound("registration not found", field="resident_id")
        self._require_scope(found[0]["community_id"])
        return found[0]

    def _require_scope(self, community_id: str) -> None:
        """City admins act city-wide; staff only in the communities they serve."""
        if Role.CITY_ADMIN in self.principal.roles:
            return
        if community_id not in self.tenancy.staff_scope(self.principal.username):
            raise Forbidden("this community is outside your area", field="community_id")


def _view(data: dict[str, Any]) -> Registration:
    return Registration(
        resident_id=data["resident_id"], username=data["username"], status=Status(data["status"]),
        community_id=data["community_id"], building_id=data["building_id"], unit=int(data["unit"]),
        room=data["room"], household_id=data["household_id"], relation=data["relation"],
        name=data["name_masked"], phone=data["phone_masked"], submitted_at=data["submitted_at"],
        decided_at=data.get("decided_at"), decided_by=data.get("decided_by"), reason=data.get("reason"))
