"""Vendor-provisioned devices in the table: serial claims and certificates.

``T#<t>#SERIAL#<SERIAL>`` / ``SERIAL`` — a claimed serial number (case-insensitive) → its device;
``T#<t>#DEV#<device>`` / ``CERT#<certificate id>`` — one certificate of the device, with its status
and status history, next to the device itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.update import Action

from chalicelib.devices.iot_models import Certificate, CertificateStatus, Credentials
from chalicelib.devices.models import Device
from chalicelib.devices.repository import device_item
from chalicelib.errors import Conflict, StorageError
from chalicelib.store.base import TenantRepository, condition_failed, doc_of, now, transaction
from chalicelib.store.models import DeviceCertificateItem, DeviceItem, SerialItem

SERIAL = "SERIAL"
CERT = "CERT#"


@dataclass(frozen=True)
class SerialClaim:
    serial: str
    device_id: str
    thing_name: str
    credentials: Credentials



class CertificateStore(TenantRepository):
    def claim(self, device: Device, credentials: Credentials) -> None:
        """Register the device and claim its serial together: 409 naming ``device_id`` or ``serial``."""
        assert device.thing_name
        stamp = now()
        serial = SerialItem(self.tenant.serial_pk(device.serial), SERIAL, tenant_id=self.tenant.tenant_id,
                            data={"serial": device.serial, "device_id": device.device_id,
                                  "thing_name": device.thing_name, "credentials": credentials.value},
                            created_at=stamp, updated_at=stamp)
        try:
            with transaction() as tx:
                tx.save(device_item(self.tenant, device), condition=DeviceItem.pk.does_not_exist())
                tx.save(serial, condition=SerialItem.pk.does_not_exist())
        except PynamoDBException as exc:
            if not condition_failed(exc):
                raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
            reasons = exc.cancellation_reasons if isinstance(exc, TransactWriteError) else []
            if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
                raise Conflict(f"设备编号已登记 / device {device.device_id!r} is already registered",
                               field="device_id") from exc
            raise Conflict(f"序列号已登记 / serial {device.serial!r} is already registered in this city",
                           field="serial") from exc

    def release(self, device: Device) -> None:
        """Undo ``claim`` (a provisioning that could not finish)."""
        def delete() -> None:
            with transaction() as tx:
                tx.delete(DeviceItem(self.tenant.device_pk(device.device_id), "DEVICE"))
                tx.delete(SerialItem(self.tenant.serial_pk(device.serial), SERIAL))

        self._guard(delete)

    def serial(self, serial: str) -> SerialClaim | None:
        item = self._get(SerialItem, self.tenant.serial_pk(serial), SERIAL)
        if item is None:
            return None
        d = doc_of(item)
        return SerialClaim(d["serial"], d["device_id"], d["thing_name"], Credentials(d["credentials"]))

    def add(self, device_id: str, cert: Certificate) -> None:
        stamp = now()
        item = DeviceCertificateItem(self.tenant.device_pk(device_id), CERT + cert.certificate_id,
                                     tenant_id=self.tenant.tenant_id, status=cert.status.value,
                                     data=cert.model_dump(mode="json"), created_at=stamp, updated_at=stamp)
        self._guard(lambda: item.save(condition=DeviceCertificateItem.pk.does_not_exist()))

    def certificates(self, device_id: str) -> list[Certificate]:
        """Newest first."""
        items = self._guard(lambda: list(DeviceCertificateItem.query(
            self.tenant.device_pk(device_id), DeviceCertificateItem.sk.startswith(CERT))))
        certs = [Certificate.model_validate(doc_of(i)) for i in items]
        return sorted(certs, key=lambda c: c.issued_at, reverse=True)

    def change(self, device_id: str, before: Certificate, after: Certificate) -> bool:
        """Store ``after`` if the certificate is still in ``before``'s status; False if it changed meanwhile."""
        item = DeviceCertificateItem(self.tenant.device_pk(device_id), CERT + after.certificate_id)
        actions: list[Action] = [DeviceCertificateItem.status.set(after.status.value),
                   DeviceCertificateItem.data.set(after.model_dump(mode="json")),
                   DeviceCertificateItem.updated_at.set(now())]
        return self._written(lambda: item.update(actions=actions,
                                                 condition=DeviceCertificateItem.status == before.status.value))

    def has_active(self, device_id: str) -> bool:
        """One Query in the device's partition: is any of its certificates active?"""
        def read() -> bool:
            found = DeviceCertificateItem.query(
                self.tenant.device_pk(device_id), DeviceCertificateItem.sk.startswith(CERT),
                filter_condition=DeviceCertificateItem.status == CertificateStatus.ACTIVE.value)
            return any(True for _ in found)

        return self._guard(read)
