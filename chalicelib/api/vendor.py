"""Vendor provisioning (设备开通): devices with their IoT thing, certificate and connection details."""

from __future__ import annotations

import re

from chalice import Blueprint, Response

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.devices.bulk import provision_bulk
from chalicelib.devices.iot_models import (
    CERTIFICATE_ID_PATTERN,
    BulkIn,
    BulkResult,
    Certificate,
    CertificateList,
    ProvisionedDevice,
    RevokeIn,
    RotationIn,
    VendorDeviceIn,
)
from chalicelib.devices.provisioning import ProvisioningService
from chalicelib.errors import NotFound
from chalicelib.http.errors import JSON
from chalicelib.http.openapi import Error, documented
from chalicelib.http.routing import parse_body, route

bp = Blueprint(__name__)
PROVISIONERS = frozenset({Role.VENDOR, Role.CITY_ADMIN})
REVOKERS = PROVISIONERS | {Role.STAFF}  # staff: devices of their communities
_CERT_ID = re.compile(CERTIFICATE_ID_PATTERN)


@route(bp, "/v1/vendor/devices", method="POST", roles=PROVISIONERS, status=201, body=VendorDeviceIn)
def provision(principal: Principal, body: VendorDeviceIn) -> ProvisionedDevice:
    """设备开通: a device with its IoT thing, certificate and connection details.

    ``DeviceIn`` fields + ``serial``, ``credentials`` (csr | generate | fleet) and ``csr`` (PEM).
    """
    return ProvisioningService(principal).provision(body)


@route(bp, "/v1/vendor/devices/bulk", method="POST", roles=PROVISIONERS, status=201, body=BulkIn)
# When no item is provisioned the status is the first item's error and the body still the per-item results.
@documented(response=BulkResult, statuses=[207],
            errors={e: Error | BulkResult for e in (400, 403, 404, 409)})
def provision_many(principal: Principal, body: BulkIn) -> Response:
    """Provision up to 100 devices, each whole or not at all.

    ``{"devices": [...]}``, each item as for ``POST /v1/vendor/devices``; per-item results
    (201 all, 207 some, else the first item's error).
    """
    result, status = provision_bulk(ProvisioningService(principal), body)
    return Response(result.model_dump_json(), status_code=status, headers=JSON)


@route(bp, "/v1/vendor/devices/{device_id}/certificates", roles=PROVISIONERS)
@documented(raises=[409])  # a device registered but never provisioned has none
def certificates(principal: Principal, device_id: str) -> CertificateList:
    """A device's certificates with their status history, newest first."""
    return ProvisioningService(principal).certificates(device_id)


@route(bp, "/v1/vendor/devices/{device_id}/certificates", method="POST", roles=PROVISIONERS, status=201,
       body=RotationIn)
def rotate(principal: Principal, device_id: str, body: RotationIn) -> ProvisionedDevice:
    """A new certificate (from ``csr``, or ``credentials: generate``); the active one becomes inactive."""
    return ProvisioningService(principal).rotate(device_id, body)


@route(bp, "/v1/vendor/devices/{device_id}/certificates/{certificate_id}/revoke", method="POST", roles=REVOKERS)
@documented(body=RevokeIn, body_required=False)
def revoke(principal: Principal, device_id: str, certificate_id: str) -> Certificate:
    """Revoke a certificate: the device can no longer connect or publish with it.

    ``{"reason": …}`` optional.
    """
    if not _CERT_ID.match(certificate_id):
        raise NotFound("没有此证书 / no such certificate", field="certificate_id")
    body = parse_body(bp.current_request, RevokeIn, optional=True)
    return ProvisioningService(principal).revoke(device_id, certificate_id, body)
