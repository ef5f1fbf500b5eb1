"""Checks shared by registration and re-consent: the consent as recorded, and the devices it covers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import privacy
from chalicelib.auth import users
from chalicelib.care.models import COVERS, ConsentIn, Monitor
from chalicelib.devices.repository import DeviceRepository
from chalicelib.errors import InvalidInput
from chalicelib.store.keys import TenantContext

SKEW = timedelta(minutes=5)  # clocks of the recording device may run a little ahead
Doc = dict[str, Any]


def consent_doc(tenant: TenantContext, body: ConsentIn, by: str, at: datetime) -> Doc:
    if body.given_at > at + SKEW:
        raise InvalidInput("consent cannot be given in the future", field="consent.given_at")
    doc: Doc = {"given_by": body.given_by.value, "given_at": body.given_at.isoformat(), "method": body.method.value,
                "monitors": [m.value for m in body.monitors], "recorded_by": by, "recorded_at": at.isoformat(),
                "guardian": None}
    g = body.guardian
    if g is not None:
        user_id = None
        if g.username:
            info = users.lookup(g.username)
            if info is None or info.tenant_id != tenant.tenant_id:
                raise InvalidInput(f"no user {g.username!r} in this city", field="consent.guardian.username")
            user_id = info.user_id
        doc["guardian"] = {"name_sealed": privacy.seal(tenant, "name", g.name),
                           "name_masked": privacy.mask_name(g.name), "relation": g.relation.value,
                           "username": g.username, "user_id": user_id}
    return doc


def devices(tenant: TenantContext, device_ids: list[str], household_id: str, monitors: list[str]) -> dict[str, str]:
    """Device id → type, each in the subject's household and of a kind the consent covers."""
    if len(set(device_ids)) != len(device_ids):
        raise InvalidInput("each device once", field="device_ids")
    found = DeviceRepository(tenant).get_many(device_ids)
    allowed = {t for m in monitors for t in COVERS[Monitor(m)]}
    for device_id in device_ids:
        device = found.get(device_id)
        if device is None:
            raise InvalidInput(f"no device {device_id!r} in this city", field="device_ids")
        if device.household_id != household_id:
            raise InvalidInput(f"device {device_id!r} is not in the subject's household", field="device_ids")
        if device.type.value not in allowed:
            raise InvalidInput(f"the consent does not cover {device.type.value} devices ({device_id!r})",
                               field="device_ids")
    return {d: found[d].type.value for d in device_ids}
