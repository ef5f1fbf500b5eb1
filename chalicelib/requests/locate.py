"""Where a request is: the home, a building, a community, or a point matched to the nearest community."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import InvalidInput, NotFound
from chalicelib.geo import distance_m
from chalicelib.requests.inputs import LocationIn
from chalicelib.requests.states import NEAR_KM
from chalicelib.tenancy.common import GeoPoint
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]


def nearest(tenancy: TenantService, lat: float, lng: float) -> tuple[Doc, float]:
    """The city's community nearest to a point, within ``NEAR_KM``; 400 naming ``location.point`` otherwise."""
    point = GeoPoint(lat=lat, lng=lng)
    found = [(distance_m(point, GeoPoint.model_validate(c["location"])) / 1000, c)
             for c in tenancy.children("community") if c.get("location")]
    if not found:
        raise InvalidInput("this city has no community to match a point to", field="location.point")
    km, community = min(found, key=lambda f: f[0])
    if km > NEAR_KM:
        raise InvalidInput(f"this point is {km:.1f} km from the nearest community of the city; "
                           f"it must be within {NEAR_KM:g} km", field="location.point")
    return community, km


def _node(tenancy: TenantService, kind: str, node_id: str) -> Doc:
    try:
        return tenancy.node(kind, node_id)
    except NotFound as exc:
        raise NotFound(f"no {kind} {node_id!r} in this city", field=f"location.{kind}_id") from exc


def locate(tenancy: TenantService, loc: LocationIn, home: Doc | None) -> Doc:
    """The stored location: community, grid and place path, with what the filer gave."""
    if loc.household:
        if home is None:
            raise InvalidInput("name the resident (on_behalf_of) whose home it is", field="location.household")
        path = list(home["path"])
        return {"kind": "household", "community_id": home["community_id"], "grid_id": path[3],
                "building_id": home["building_id"], "household_id": home["household_id"], "path": path}
    if loc.building_id is not None:
        path = list(_node(tenancy, "building", loc.building_id)["path"])
        return {"kind": "building", "community_id": path[2], "grid_id": path[3], "building_id": path[4],
                "path": path}
    if loc.community_id is not None:
        node = _node(tenancy, "community", loc.community_id)
        return {"kind": "community", "community_id": node["id"], "path": list(node["path"]),
                "address": node.get("address")}
    assert loc.point is not None  # the model guarantees one of the four
    community, km = nearest(tenancy, loc.point.lat, loc.point.lng)
    return {"kind": "point", "community_id": community["id"], "path": list(community["path"]),
            "point": {"lat": loc.point.lat, "lng": loc.point.lng}, "address": loc.address,
            "distance_km": round(km, 3)}
