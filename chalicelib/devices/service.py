"""Use cases: register a device at a place of the city; read devices in scope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.devices.models import Device, DeviceIn, DevicePage
from chalicelib.devices.repository import DeviceRepository
from chalicelib.errors import Forbidden, InvalidInput, NotFound
from chalicelib.store.base import decode_cursor, encode_cursor
from chalicelib.tenancy.service import TenantService


def _within(node: dict[str, Any], ancestor: dict[str, Any]) -> bool:
    return list(node["path"][: len(ancestor["path"])]) == list(ancestor["path"])


class DeviceService:
    def __init__(self, principal: Principal, repo: DeviceRepository | None = None,
                 tenancy: TenantService | None = None) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.repo = repo or DeviceRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)

    def register(self, body: DeviceIn) -> Device:
        device = self.build(body)
        self.repo.put(device)
        return device

    def build(self, body: DeviceIn) -> Device:
        """The device as it would be registered: its place checked and its path computed; nothing written."""
        community = self._node("community", body.community_id, "community_id")
        self._require_scope(body.community_id)
        path = self._place_path(body, community)
        return Device(**body.model_dump(exclude={"household_id", "building_id", "grid_id"}),
                      grid_id=path[3] if len(path) > 3 else None,
                      building_id=path[4] if len(path) > 4 else None,
                      household_id=body.household_id, path=path,
                      registered_at=datetime.now(UTC), registered_by=self.principal.username)

    def get(self, device_id: str) -> Device:
        device = self.repo.get(device_id)
        if device is None:
            raise NotFound(f"no device {device_id!r} in this city", field="device_id")
        self._require_scope(device.community_id)
        return device

    def by_community(self, community_id: str, limit: int, cursor: str | None) -> DevicePage:
        self._node("community", community_id, "community_id")
        self._require_scope(community_id)
        items, last = self.repo.by_community(community_id, limit, decode_cursor(cursor))
        return DevicePage(items=items, next_cursor=encode_cursor(last))

    # -- helpers ---------------------------------------------------------------------
    def _place_path(self, body: DeviceIn, community: dict[str, Any]) -> list[str]:
        """district/street/community[/grid[/building[/household]]], each level checked against its parent."""
        deepest = community
        building_id = body.building_id
        if body.household_id:
            if body.spot:
                raise InvalidInput("a public spot cannot be inside a household", field="spot")
            from_household = body.household_id.rsplit("-", 2)[0]
            if building_id and building_id != from_household:
                raise InvalidInput("this household is not in the given building", field="household_id")
            building_id = from_household
        if body.grid_id:
            deepest = self._child("grid", body.grid_id, "grid_id", deepest, "community")
        if building_id:
            field = "building_id" if body.building_id else "household_id"
            deepest = self._child("building", building_id, field, deepest, "grid" if body.grid_id else "community")
        path = list(deepest["path"])
        if body.household_id:
            unit = int(body.household_id.rsplit("-", 2)[1])
            if not 1 <= unit <= int(deepest.get("units", 1)):
                raise InvalidInput(f"building has {deepest.get('units', 1)} unit(s)", field="household_id")
            path.append(body.household_id)
        return path

    def _child(self, kind: str, node_id: str, field: str, parent: dict[str, Any], parent_kind: str) -> dict[str, Any]:
        node = self._node(kind, node_id, field, status=400)
        if not _within(node, parent):
            raise InvalidInput(f"this {kind} is not in the given {parent_kind}", field=field)
        return node

    def _node(self, kind: str, node_id: str, field: str, status: int = 404) -> dict[str, Any]:
        try:
            return self.tenancy.node(kind, node_id)
        except NotFound as exc:
            error = NotFound if status == 404 else InvalidInput
            raise error(f"no {kind} {node_id!r} in this city", field=field) from exc

    def _require_scope(self, community_id: str) -> None:
        """City admins and vendors act city-wide; staff only in the communities they serve."""
        if self.principal.has_any({Role.CITY_ADMIN, Role.VENDOR}):
            return
        if community_id not in self.tenancy.staff_scope(self.principal.username):
            raise Forbidden("this community is outside your area", field="community_id")
