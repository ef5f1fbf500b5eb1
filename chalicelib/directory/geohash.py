"""Geohash, the tiny part the directory needs: encode a point, and the 3 × 3 block of cells around it.

A geohash interleaves longitude and latitude bits (longitude first) and writes them five at a time
in base 32. At precision 5 a cell is 0.0439° × 0.0439°: about 4.9 km north–south and, within China's
extent (3°–54° N), between 4.9 km and 2.9 km east–west.
"""

from __future__ import annotations

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"


def encode(lat: float, lng: float, precision: int) -> str:
    """The geohash of a WGS-84 point, ``precision`` characters long."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0) or not 1 <= precision <= 12:
        raise ValueError("lat, lng or precision out of range")
    lat_lo, lat_hi, lng_lo, lng_hi = -90.0, 90.0, -180.0, 180.0
    chars: list[str] = []
    bits, value, even = 0, 0, True
    while len(chars) < precision:
        if even:
            mid = (lng_lo + lng_hi) / 2
            value, lng_lo, lng_hi = (value * 2 + 1, mid, lng_hi) if lng >= mid else (value * 2, lng_lo, mid)
        else:
            mid = (lat_lo + lat_hi) / 2
            value, lat_lo, lat_hi = (value * 2 + 1, mid, lat_hi) if lat >= mid else (value * 2, lat_lo, mid)
        even, bits = not even, bits + 1
        if bits == 5:
            chars.append(BASE32[value])
            bits, value = 0, 0
    return "".join(chars)


def bounds(cell: str) -> tuple[float, float, float, float]:
    """``(lat_min, lat_max, lng_min, lng_max)`` of a cell."""
    lat_lo, lat_hi, lng_lo, lng_hi = -90.0, 90.0, -180.0, 180.0
    even = True
    for char in cell:
        value = BASE32.index(char)
        for shift in range(4, -1, -1):
            bit = (value >> shift) & 1
            if even:
                mid = (lng_lo + lng_hi) / 2
                lng_lo, lng_hi = (mid, lng_hi) if bit else (lng_lo, mid)
            else:
                mid = (lat_lo + lat_hi) / 2
                lat_lo, lat_hi = (mid, lat_hi) if bit else (lat_lo, mid)
            even = not even
    return lat_lo, lat_hi, lng_lo, lng_hi


def block(lat: float, lng: float, precision: int) -> list[str]:
    """The cell of a point and its 8 neighbours (fewer at the poles or the antimeridian, never in China)."""
    lat_lo, lat_hi, lng_lo, lng_hi = bounds(encode(lat, lng, precision))
    centre_lat, centre_lng = (lat_lo + lat_hi) / 2, (lng_lo + lng_hi) / 2
    height, width = lat_hi - lat_lo, lng_hi - lng_lo
    cells: list[str] = []
    for d_lat in (-height, 0.0, height):
        for d_lng in (-width, 0.0, width):
            y, x = centre_lat + d_lat, centre_lng + d_lng
            if -90.0 <= y <= 90.0 and -180.0 <= x <= 180.0:
                cell = encode(y, x, precision)
                if cell not in cells:
                    cells.append(cell)
    return cells
