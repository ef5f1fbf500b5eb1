"""Nearby services (一刻钟便民生活圈): staff keep each community's service points; residents search them."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.directory.models import ListQuery, NearbyPage, NearbyQuery, ServicePage, ServicePoint, ServicePointIn
from chalicelib.directory.nearby import NearbySearch
from chalicelib.directory.service import DirectoryService
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route

bp = Blueprint(__name__)
READERS = STAFF_ROLES | {Role.RESIDENT}
POINTS = "/v1/communities/{community_id}/services"
POINT = POINTS + "/{service_point_id}"


@route(bp, "/v1/services/nearby", roles=READERS, query=NearbyQuery)
@documented(raises=[404])  # the caller has no verified household to measure from
def nearby(principal: Principal, query: NearbyQuery) -> NearbyPage:
    """Service points near home (or lat/lng), nearest first.

    ``?category=canteen&radius_m=1200&open_now=true&elderly_friendly=true&lat=&lng=&limit=20``
    """
    return NearbySearch(principal).search(query)


@route(bp, POINTS, roles=READERS, query=ListQuery)
def services(principal: Principal, community_id: str, query: ListQuery) -> ServicePage:
    """A community's service points by category: ``?category=&limit=50&cursor=…``"""
    return DirectoryService(principal).list(community_id, query)


@route(bp, POINTS, method="POST", roles=STAFF_ROLES, status=201, body=ServicePointIn)
def create_service(principal: Principal, community_id: str, body: ServicePointIn) -> ServicePoint:
    """Add a service point to a community's directory."""
    return DirectoryService(principal).create(community_id, body)


@route(bp, POINT, roles=READERS)
def service(principal: Principal, community_id: str, service_point_id: str) -> ServicePoint:
    """One service point (retired ones too)."""
    return DirectoryService(principal).get(community_id, service_point_id)


@route(bp, POINT, method="PUT", roles=STAFF_ROLES, body=ServicePointIn)
def update_service(principal: Principal, community_id: str, service_point_id: str,
                   body: ServicePointIn) -> ServicePoint:
    """Replace a service point."""
    return DirectoryService(principal).update(community_id, service_point_id, body)


@route(bp, POINT, method="DELETE", roles=STAFF_ROLES)
def retire_service(principal: Principal, community_id: str, service_point_id: str) -> ServicePoint:
    """Retire a service point: it leaves searches and lists, and stays readable by its id."""
    return DirectoryService(principal).retire(community_id, service_point_id)
