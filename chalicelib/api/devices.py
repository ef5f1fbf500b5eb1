"""Device registry: vendors and staff place devices; staff read them in their communities."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.devices.models import Device, DeviceIn, DevicePage, DeviceQuery
from chalicelib.devices.service import DeviceService
from chalicelib.http.routing import parse_body, parse_query, route

bp = Blueprint(__name__)
INSTALLERS = STAFF_ROLES | {Role.VENDOR}


@route(bp, "/v1/devices", method="POST", roles=INSTALLERS, status=201)
def register(principal: Principal) -> Device:
    return DeviceService(principal).register(parse_body(bp.current_request, DeviceIn))


@route(bp, "/v1/devices/{device_id}", roles=INSTALLERS)
def device(principal: Principal, device_id: str) -> Device:
    return DeviceService(principal).get(device_id)


@route(bp, "/v1/communities/{community_id}/devices", roles=STAFF_ROLES)
def community_devices(principal: Principal, community_id: str) -> DevicePage:
    """``?limit=50&cursor=…``"""
    q = parse_query(bp.current_request, DeviceQuery)
    return DeviceService(principal).by_community(community_id, q.limit, q.cursor)
