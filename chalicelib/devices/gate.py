"""Who may publish: the local bridge asks this for every device it relays (AWS IoT Core enforces
the same with certificate status and the device policy)."""

from __future__ import annotations

from chalicelib.devices.certstore import CertificateStore
from chalicelib.store.keys import TenantContext
from iot.things import device_id_of


def is_publish_allowed(tenant: str, thing: str) -> bool:
    """The thing is registered in ``tenant`` (its name says so) and has an active certificate there.

    One Query in the device's partition; a revoked or rotated-out certificate alone is not enough.
    """
    try:
        context = TenantContext(tenant)
    except ValueError:
        return False
    device_id = device_id_of(tenant, thing)
    if device_id is None:
        return False
    return CertificateStore(context).has_active(device_id)
