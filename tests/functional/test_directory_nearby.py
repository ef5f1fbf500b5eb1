"""The nearby search: real geodesic distances, the 15-minute circle, filters, and geohash cell borders."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.directory import geohash
from chalicelib.directory.hours import DAYS
from chalicelib.directory.models import NearbyQuery
from chalicelib.directory.nearby import NearbySearch
from chalicelib.geo import distance_m, surely_beyond, walk_minutes
from chalicelib.tenancy.common import GeoPoint
from tests.functional.test_directory import JINGHU, create, point
from tests.support import auth

NEARBY = "/v1/services/nearby"
M_LAT = 1 / 110_920  # degrees of latitude per metre at 34.7° N
M_LNG = 1 / 91_620  # degrees of longitude per metre at 34.7° N


def vincenty_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Slow reference: Vincenty's inverse formula on WGS-84 (good to a millimetre away from antipodes)."""
    f, big_a = 1 / 298.257223563, 6_378_137.0
    small_b = big_a * (1 - f)
    u1, u2 = math.atan((1 - f) * math.tan(math.radians(a[0]))), math.atan((1 - f) * math.tan(math.radians(b[0])))
    lam = big_l = math.radians(b[1] - a[1])
    for _ in range(200):
        sin_s = math.hypot(math.cos(u2) * math.sin(lam),
                           math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * math.cos(lam))
        cos_s = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * math.cos(lam)
        sigma = math.atan2(sin_s, cos_s)
        sin_al = math.cos(u1) * math.cos(u2) * math.sin(lam) / sin_s
        cos2_al = 1 - sin_al**2
        cos_2sm = cos_s - 2 * math.sin(u1) * math.sin(u2) / cos2_al
        c = f / 16 * cos2_al * (4 + f * (4 - 3 * cos2_al))
        inner = cos_2sm + c * cos_s * (-1 + 2 * cos_2sm**2)
        prev, lam = lam, big_l + (1 - c) * f * sin_al * (sigma + c * sin_s * inner)
        if abs(lam - prev) < 1e-13:
            break
    u_sq = cos2_al * (big_a**2 - small_b**2) / small_b**2
    k_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    k_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    d_sigma = k_b * sin_s * (cos_2sm + k_b / 4 * (cos_s * (-1 + 2 * cos_2sm**2)
                                                 - k_b / 6 * cos_2sm * (-3 + 4 * sin_s**2) * (-3 + 4 * cos_2sm**2)))
    return small_b * k_a * (sigma - d_sigma)


def at(north_m: float, east_m: float) -> dict[str, float]:
    return {"lat": round(JINGHU[0] + north_m * M_LAT, 6), "lng": round(JINGHU[1] + east_m * M_LNG, 6)}


@pytest.fixture
def city(aws: Any) -> Any:
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    return aws


def _add(client: Any, token: str, zh: str, category: str, where: dict[str, float], **more: Any) -> str:
    r = create(client, token, point(name={"zh": zh, "en": zh}, category=category, location=where, **more))
    assert r.status_code == 201, r.body
    return str(r.json_body["service_point_id"])


def test_geodesic_distances_match_a_reference_and_a_degree_of_latitude_is_110_9_km_at_34_north():
    assert distance_m(GeoPoint(lat=33.5, lng=113.0), GeoPoint(lat=34.5, lng=113.0)) == pytest.approx(110_922, abs=15)
    pairs = [((34.7036, 113.6288), (34.7372, 113.6518)), ((34.7036, 113.6288), (38.5562, 106.3478)),
             ((38.5562, 106.3478), (38.5570, 106.3490))]
    for a, b in pairs:
        assert distance_m(GeoPoint(lat=a[0], lng=a[1]), GeoPoint(lat=b[0], lng=b[1])) == pytest.approx(
            vincenty_m(a, b), abs=0.001)
    assert walk_minutes(1200) == 15 and walk_minutes(1201) == 16 and walk_minutes(3) == 1



def test_the_cheap_prefilter_never_drops_a_point_within_the_radius():
    rng = random.Random(7)
    for lat in (18.3, 34.7036, 38.5562, 53.5):
        origin = GeoPoint(lat=lat, lng=113.0)
        for _ in range(400):
            other = GeoPoint(lat=lat + rng.uniform(-0.03, 0.03), lng=113.0 + rng.uniform(-0.04, 0.04))
            metres = distance_m(origin, other)
            for radius in (50, 1200, 2000):
                assert not (surely_beyond(origin, other, radius) and metres <= radius)
    assert surely_beyond(GeoPoint(lat=34.70, lng=113.62), GeoPoint(lat=34.73, lng=113.62), 2000)


def test_geohash_matches_the_published_example_and_the_block_is_the_cell_and_its_8_neighbours():
    assert geohash.encode(57.64911, 10.40744, 11) == "u4pruydqqvj"
    cell = geohash.encode(*JINGHU, 5)
    cells = geohash.block(*JINGHU, 5)
    assert len(set(cells)) == 9 and cell in cells
    lat_lo, lat_hi, lng_lo, lng_hi = geohash.bounds(cell)
    assert lat_lo <= JINGHU[0] < lat_hi and lng_lo <= JINGHU[1] < lng_hi
    assert lat_hi - lat_lo == pytest.approx(180 / 2**12) and lng_hi - lng_lo == pytest.approx(360 / 2**13)
    corners = {geohash.encode(lat_lo + dy * (lat_hi - lat_lo), lng_lo + dx * (lng_hi - lng_lo), 5)
               for dy in (-0.5, 0.5, 1.5) for dx in (-0.5, 0.5, 1.5)}
    assert corners == set(cells)

def test_a_resident_finds_the_points_of_the_15_minute_circle_nearest_first(city, client):
    staff = city.login("zz.wang.fang")
    far = _add(client, staff, "远处超市", "supermarket", at(0, 1500))
    mid = _add(client, staff, "菜鸟驿站", "express_locker", at(-600, 0))
    near = _add(client, staff, "物业服务中心", "property", at(200, 150))
    r = client.http.get(NEARBY, headers=auth(city.login("zz.zhang.guilan")))
    assert r.status_code == 200, r.body
    page = r.json_body
    assert page["origin"] == {"lat": JINGHU[0], "lng": JINGHU[1], "source": "home"} and page["radius_m"] == 1200
    assert [i["service_point_id"] for i in page["items"]] == [near, mid]  # 1.5 km is beyond 15 minutes
    for item in page["items"]:
        expected = vincenty_m(JINGHU, (item["location"]["lat"], item["location"]["lng"]))
        assert item["distance_m"] == round(expected)
        assert item["walk_minutes"] == math.ceil(expected / 80)
    wider = client.http.get(f"{NEARBY}?radius_m=2000", headers=auth(city.login("zz.zhang.guilan"))).json_body
    assert [i["service_point_id"] for i in wider["items"]] == [near, mid, far]
    lockers = client.http.get(f"{NEARBY}?category=express_locker", headers=auth(city.login("zz.zhang.guilan")))
    assert [i["service_point_id"] for i in lockers.json_body["items"]] == [mid]


def test_a_given_point_inside_the_city_is_searched_from_there_and_limit_cuts_the_list(city, client):
    staff = city.login("zz.wang.fang")
    a = _add(client, staff, "东点", "barber", at(0, 900))
    b = _add(client, staff, "西点", "barber", at(0, -300))
    here = at(0, 800)
    r = client.http.get(f"{NEARBY}?lat={here['lat']}&lng={here['lng']}", headers=auth(city.login("zz.admin")))
    assert r.status_code == 200 and r.json_body["origin"]["source"] == "given"
    assert [i["service_point_id"] for i in r.json_body["items"]] == [a, b]
    one = client.http.get(f"{NEARBY}?lat={here['lat']}&lng={here['lng']}&limit=1", headers=auth(staff))
    assert [i["service_point_id"] for i in one.json_body["items"]] == [a]


def test_open_now_and_elderly_friendly_filter_the_results(city, client):
    staff = city.login("zz.wang.fang")
    other_day = DAYS[(datetime.now(UTC) + timedelta(hours=8)).weekday() - 3]  # never today in 郑州
    always = _add(client, staff, "24小时快递柜", "express_locker", at(100, 0),
                  opening_hours={"mon-sun": "00:00-24:00"}, elderly_friendly=False)
    closed = _add(client, staff, "周日洗衣", "laundry", at(50, 0), opening_hours={other_day: "09:00-17:00"})
    resident = auth(city.login("zz.zhang.guilan"))
    both = client.http.get(NEARBY, headers=resident).json_body["items"]
    assert [(i["service_point_id"], i["open_now"]) for i in both] == [(closed, False), (always, True)]
    opened = client.http.get(f"{NEARBY}?open_now=true", headers=resident).json_body["items"]
    assert [i["service_point_id"] for i in opened] == [always]
    friendly = client.http.get(f"{NEARBY}?elderly_friendly=true", headers=resident).json_body["items"]
    assert [i["service_point_id"] for i in friendly] == [closed]


def test_open_now_follows_the_citys_clock(city, client):
    staff = city.login("zz.wang.fang")
    _add(client, staff, "长者食堂", "canteen", at(100, 0), opening_hours={"mon-fri": "10:30-13:00"})
    info = users.lookup("zz.zhang.guilan")
    assert info is not None
    resident = Principal(info.user_id, "zz.zhang.guilan", "zhengzhou", frozenset({Role.RESIDENT}))
    # Wednesday 2026-03-04: 02:45 UTC is 10:45 in 郑州 (open); 05:30 UTC is 13:30 (closed)
    lunch = NearbySearch(resident, clock=lambda: datetime(2026, 3, 4, 2, 45, tzinfo=UTC)).search(NearbyQuery())
    after = NearbySearch(resident, clock=lambda: datetime(2026, 3, 4, 5, 30, tzinfo=UTC)).search(NearbyQuery())
    sunday = NearbySearch(resident, clock=lambda: datetime(2026, 3, 8, 2, 45, tzinfo=UTC)).search(NearbyQuery())
    assert [i.open_now for i in lunch.items] == [True]
    assert [i.open_now for i in after.items] == [False] and [i.open_now for i in sunday.items] == [False]


def test_a_point_across_a_geohash_cell_border_is_still_found(city, client):
    _, lat_hi, _, lng_hi = geohash.bounds(geohash.encode(*JINGHU, 5))
    east = {"lat": JINGHU[0], "lng": round(lng_hi + 30 * M_LNG, 6)}  # 30 m east of the cell's east edge
    origin = {"lat": JINGHU[0], "lng": round(lng_hi - 30 * M_LNG, 6)}
    north = {"lat": round(lat_hi + 20 * M_LAT, 6), "lng": origin["lng"]}
    assert len({geohash.encode(p["lat"], p["lng"], 5) for p in (east, origin, north)}) == 3
    staff = city.login("zz.wang.fang")
    across = _add(client, staff, "跨格充电桩", "charging", east)
    corner = _add(client, staff, "北格投放点", "garbage_point", north)
    r = client.http.get(f"{NEARBY}?lat={origin['lat']}&lng={origin['lng']}&radius_m=100", headers=auth(staff))
    assert [i["service_point_id"] for i in r.json_body["items"]] == [across]
    assert r.json_body["items"][0]["distance_m"] == pytest.approx(60, abs=1)
    r = client.http.get(f"{NEARBY}?lat={origin['lat']}&lng={origin['lng']}&radius_m=2000", headers=auth(staff))
    assert {i["service_point_id"] for i in r.json_body["items"]} == {across, corner}


@pytest.mark.parametrize(("query", "field"), [
    ("radius_m=5000", "radius_m"),
    ("radius_m=0", "radius_m"),
    ("category=casino", "category"),
    ("lat=39.9042&lng=116.4074", "lat"),  # 北京: not in 郑州
    ("lat=34.70", "lng"),
    ("lng=113.62", "lat"),
    ("lat=north&lng=113.62", "lat"),
    ("lat=60&lng=113.62", "lat"),
    ("limit=500", "limit"),
    ("open_now=maybe", "open_now"),
    ("colour=red", "colour"),
])
def test_bad_searches_are_refused_naming_the_parameter(city, client, query, field):
    r = client.http.get(f"{NEARBY}?{query}", headers=auth(city.login("zz.zhang.guilan")))
    assert r.status_code == 400, r.body
    assert r.json_body["field"] == field


def test_without_a_verified_home_a_search_needs_a_point(city, client):
    r = client.http.get(NEARBY, headers=auth(city.token_for("resident")))
    assert r.status_code == 404 and r.json_body["field"] == "registration"
    r = client.http.get(NEARBY, headers=auth(city.login("zz.wang.fang")))
    assert r.status_code == 404 and r.json_body["field"] == "registration"
    assert client.http.get(NEARBY, headers=auth(city.token_for("vendor"))).status_code == 403
