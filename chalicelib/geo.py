"""Distances on the WGS-84 ellipsoid (Karney's geodesic algorithm, via geographiclib): the nearby-services
search and matching a reported point to its community use the same measure."""

from __future__ import annotations

import math
from collections.abc import Iterable

from geographiclib.geodesic import Geodesic

from chalicelib.tenancy.common import GeoPoint

WALK_M_PER_MIN = 80.0  # an unhurried adult pace; the circle's "15 minutes" is 1200 m


def distance_m(a: GeoPoint, b: GeoPoint) -> float:
    """Geodesic distance in metres between two WGS-84 points (accurate to well under a millimetre)."""
    return float(Geodesic.WGS84.Inverse(a.lat, a.lng, b.lat, b.lng, Geodesic.DISTANCE)["s12"])


def walk_minutes(metres: float) -> int:
    """Minutes on foot at 80 m/min, rounded up (at least one minute)."""
    return max(1, math.ceil(metres / WALK_M_PER_MIN))


def surely_beyond(a: GeoPoint, b: GeoPoint, metres: float) -> bool:
    """A cheap test that spares the geodesic for most far candidates: True only when the latitude or
    longitude difference alone already exceeds ``metres`` (with 1 % to spare; the geodesic decides the rest)."""
    lat_m = abs(a.lat - b.lat) * 110_574 * 0.99  # a degree of latitude is at least 110.574 km
    lng_m = abs(a.lng - b.lng) * 111_320 * math.cos(math.radians(max(abs(a.lat), abs(b.lat)))) * 0.99
    return max(lat_m, lng_m) > metres


def nearest(point: GeoPoint, others: Iterable[GeoPoint]) -> float | None:
    """Distance to the nearest of ``others``; None when there are none."""
    return min((distance_m(point, o) for o in others), default=None)
