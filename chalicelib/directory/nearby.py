"""The nearby search (一刻钟便民生活圈): service points within a radius, nearest first.

Candidates come from the geohash-5 cell of the origin and its 8 neighbours (nine Queries on gsi1,
narrowed to a category by the sort key); each is then measured with the geodesic on the WGS-84
ellipsoid, kept when within the radius, and sorted by that distance.
"""

from __future__ import annotations

from chalicelib.directory import geohash
from chalicelib.directory.hours import is_open, local_time
from chalicelib.directory.models import NearbyPage, NearbyQuery, NearbyService, Origin
from chalicelib.directory.repository import CELL_PRECISION
from chalicelib.directory.service import DirectoryBase
from chalicelib.errors import InvalidInput
from chalicelib.geo import distance_m, nearest, surely_beyond, walk_minutes
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.common import GeoPoint
from chalicelib.tenancy.scope import verified_household

CITY_REACH_M = 20_000  # a given point counts as inside the city within this distance of one of its communities


class NearbySearch(DirectoryBase):
    def search(self, q: NearbyQuery) -> NearbyPage:
        origin = self._origin(q)
        cells = geohash.block(origin.lat, origin.lng, CELL_PRECISION)
        docs = self.repo.in_cells(cells, q.category.value if q.category else None)
        local = local_time(self.clock(), self.tenancy.profile().get("timezone", "Asia/Shanghai"))
        found: list[tuple[float, NearbyService]] = []
        for doc in docs:
            where = GeoPoint.model_validate(doc["location"])
            if surely_beyond(origin, where, q.radius_m):
                continue
            metres = distance_m(origin, where)
            open_now = is_open(doc["opening_hours"], local)
            if metres > q.radius_m or (q.open_now and not open_now) or (q.elderly_friendly
                                                                         and not doc.get("elderly_friendly")):
                continue
            found.append((metres, NearbyService.model_validate(
                {**doc, "distance_m": round(metres), "walk_minutes": walk_minutes(metres), "open_now": open_now})))
        found.sort(key=lambda pair: (pair[0], pair[1].service_point_id))
        return NearbyPage(origin=origin, radius_m=q.radius_m, items=[s for _, s in found[: q.limit]])

    def _origin(self, q: NearbyQuery) -> Origin:
        if q.lat is None and q.lng is None:
            home = verified_household(self.principal, ResidentRepository(self.tenant))
            community = self.tenancy.node("community", home["community_id"])
            return Origin(**community["location"], source="home")
        if q.lat is None or q.lng is None:
            missing = "lat" if q.lat is None else "lng"
            raise InvalidInput("give both lat and lng, or neither to start from your home", field=missing)
        point = GeoPoint(lat=q.lat, lng=q.lng)
        communities = [GeoPoint.model_validate(c["location"]) for c in self.tenancy.children("community")]
        reach = nearest(point, communities)
        if reach is None or reach > CITY_REACH_M:
            raise InvalidInput(f"this point is outside the city (more than {CITY_REACH_M // 1000} km from "
                               "every community)", field="lat")
        return Origin(lat=q.lat, lng=q.lng, source="given")
