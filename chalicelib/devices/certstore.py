"""Vendor-provisioned devices in the table: serial claims and certificates.

``T#<t>#SERIAL#<SERIAL>`` / ``SERIAL`` — a claimed serial number (case-insensitive) → its device;
``T#<t>#DEV#<device>`` / ``CERT#<certificate id>`` — one certificate of the device, with its status
and status history, next to the device itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.devices.iot_models import Certificate, CertificateStatus, Credentials
from chalicelib.devices.models import Device
from chalicelib.devices.repository import device_item
from chalicelib.errors import Conflict, StorageError
from chalicelib.store.base import TenantRepository, doc_of, now
from chalicelib.store.models import DeviceCertificateItem, DeviceItem, SerialItem
from chalicelib.usage.quotas import DEVICES, QuotaCounter, first_failed

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
        def writes(tx: TransactWrite) -> None:
            tx.save(device_item(self.tenant, device), condition=DeviceItem.pk.does_not_exist())
            tx.save(serial, condition=SerialItem.pk.does_not_exist())

        def refused(exc: TransactWriteError) -> Conflict:
            if first_failed(exc) == 0:
                return Conflict(f"设备编号已登记 / device {device.device_id!r} is already registered",
                                field="device_id")
            return Conflict(f"序列号已登记 / serial {device.serial!r} is already registered in this city",
                            field="serial")

        # The device quota is taken in the same transaction: over it, 409 quota_exceeded and nothing written.
        QuotaCounter(self.tenant, DEVICES).write(1, writes, refused)

    def release(self, device: Device) -> None:
        """Undo ``claim`` (a provisioning that could not finish), giving its place in the quota back."""
        def writes(tx: TransactWrite) -> None:
            tx.delete(DeviceItem(self.tenant.device_pk(device.device_id), "DEVICE"))
            tx.delete(SerialItem(self.tenant.serial_pk(device.serial), SERIAL))

        QuotaCounter(self.tenant, DEVICES).write(-1, writes, lambda exc: StorageError("release refused"))

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

    def is_active(self, device_id: str, certificate_id: str) -> bool:
        """One GetItem: is this certificate of the device active?"""
        item = self._get(DeviceCertificateItem, self.tenant.device_pk(device_id), CERT + certificate_id)
        return item is not None and item.status == CertificateStatus.ACTIVE.value

    def has_active(self, device_id: str) -> bool:
        """One Query in the device's partition: is any of its certificates active?"""
        def read() -> bool:
            found = DeviceCertificateItem.query(
                self.tenant.device_pk(device_id), DeviceCertificateItem.sk.startswith(CERT),
                filter_condition=DeviceCertificateItem.status == CertificateStatus.ACTIVE.value)
            return any(True for _ in found)

        return self._guard(read)
