"""Device registry: vendors and staff place devices; staff read them in their communities."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.devices.models import Device, DeviceIn, DevicePage, DeviceQuery
from chalicelib.devices.service import DeviceService
from chalicelib.http.routing import route

bp = Blueprint(__name__)
INSTALLERS = STAFF_ROLES | {Role.VENDOR}


@route(bp, "/v1/devices", method="POST", roles=INSTALLERS, status=201, body=DeviceIn)
def register(principal: Principal, body: DeviceIn) -> Device:
    """设备登记: place a device in a community; its hierarchy path is computed and checked."""
    return DeviceService(principal).register(body)


@route(bp, "/v1/devices/{device_id}", roles=INSTALLERS)
def device(principal: Principal, device_id: str) -> Device:
    """One device."""
    return DeviceService(principal).get(device_id)


@route(bp, "/v1/communities/{community_id}/devices", roles=STAFF_ROLES, query=DeviceQuery)
def community_devices(principal: Principal, community_id: str, query: DeviceQuery) -> DevicePage:
    """A community's devices in place order, paged: ``?limit=50&cursor=…``"""
    return DeviceService(principal).by_community(community_id, query.limit, query.cursor)
