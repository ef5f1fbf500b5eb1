"""How a household is named to staff: ``8号楼 4单元 201`` (the building's name, unit and door)."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import NotFound
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]


def household_label(household: Doc, building: Doc | None) -> str:
    name = (building or {}).get("name", {}).get("zh") or household.get("building_id", "")
    return f"{name} {household.get('unit', 1)}单元 {household.get('room', '')}".strip()


def parts(household_id: str) -> Doc:
    """``<building>-<unit>-<room>`` → its building id, unit and room."""
    building_id, unit, room = ([*household_id.rsplit("-", 2), "", ""])[:3]
    return {"building_id": building_id, "unit": unit, "room": room}


def label_of(tenancy: TenantService, household_id: str, buildings: dict[str, Doc | None]) -> tuple[str, str]:
    """(building id, ``8号楼 4单元 201``) of a household id; ``buildings`` caches the building nodes read."""
    household = parts(household_id)
    building_id = household["building_id"]
    if building_id not in buildings:
        try:
            buildings[building_id] = tenancy.node("building", building_id)
        except NotFound:
            buildings[building_id] = None
    return building_id, household_label(household, buildings[building_id])
