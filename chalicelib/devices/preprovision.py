"""Fleet provisioning's pre-provisioning hook (AWS IoT invokes it before RegisterThing).

A factory-flashed device presents the claim certificate and the parameters ``tenant`` and
``serial``. It is accepted only if a vendor registered that serial in that city with
``credentials: fleet`` and the device has no certificate yet (none active in the table, none
attached to its thing in IoT — fleet provisioning itself attaches one), so a claim certificate
cannot mint a second identity for a device, nor one in another city. The hook answers with the
device's thing name, id and type, which the template (infra/provisioning.py) uses; whatever the
device sent for those is overridden.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.devices.certstore import CertificateStore
from chalicelib.devices.iot_models import SERIAL_PATTERN, Credentials
from chalicelib.devices.registry import IotRegistry
from chalicelib.devices.repository import DeviceRepository
from chalicelib.errors import AppError
from chalicelib.observability import logger
from chalicelib.store.keys import TenantContext

_SERIAL = re.compile(SERIAL_PATTERN)
DENY: dict[str, Any] = {"allowProvisioning": False}


def hook(event: dict[str, Any], context: Any) -> dict[str, Any]:
    params = event.get("parameters") or {}
    tenant, serial = params.get("tenant"), params.get("serial")
    if not isinstance(tenant, str) or not isinstance(serial, str) or not _SERIAL.match(serial):
        logger.warning("pre-provisioning refused: parameters", extra={"tenant": str(tenant)[:40]})
        return DENY
    try:
        ctx = TenantContext(tenant)
        store = CertificateStore(ctx)
        claim = store.serial(serial)
        if (claim is None or claim.credentials is not Credentials.FLEET or store.has_active(claim.device_id)
                or IotRegistry().has_certificates(claim.thing_name)):
            logger.warning("pre-provisioning refused: serial", extra={"tenant": tenant, "serial": serial})
            return DENY
        device = DeviceRepository(ctx).get(claim.device_id)
    except (ValueError, AppError):
        logger.exception("pre-provisioning refused: lookup failed")
        return DENY
    if device is None:
        return DENY
    logger.info("pre-provisioning accepted", extra={"tenant": tenant, "device_id": device.device_id})
    return {"allowProvisioning": True,
            "parameterOverrides": {"thing_name": claim.thing_name, "device_id": device.device_id,
                                   "type": device.type.value}}
