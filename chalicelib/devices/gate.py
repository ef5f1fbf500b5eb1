"""Who may publish: the local bridge asks this for every message it relays, with the id of the
certificate that sent it (the broker's gateway plugin stamps it). AWS IoT Core enforces the same
with the certificate's status and the device policy."""

from __future__ import annotations

from chalicelib.devices.certstore import CertificateStore
from chalicelib.store.keys import TenantContext
from iot.things import device_id_of


def is_publish_allowed(tenant: str, thing: str, certificate_id: str | None) -> bool:
    """The thing is registered in ``tenant`` (its name says so) and ``certificate_id`` is one of its
    certificates and active: one GetItem, keyed by the certificate. Another certificate of the same
    device being active is not enough — a rotated-out or revoked certificate stays refused."""
    if not certificate_id:
        return False
    try:
        context = TenantContext(tenant)
    except ValueError:
        return False
    device_id = device_id_of(tenant, thing)
    if device_id is None:
        return False
    return CertificateStore(context).is_active(device_id, certificate_id)
