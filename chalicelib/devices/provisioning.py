"""Use cases of vendor provisioning: a device with its IoT thing and certificate, rotation, revocation.

A device is provisioned whole or not at all: the device record and its serial are claimed
together first (409 on either), then the thing and certificate are made in IoT; if any step
fails, what was made is undone and the claim released.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.devices.certs import CertificateAuthority, Issued, authority, load_csr
from chalicelib.devices.certstore import CertificateStore
from chalicelib.devices.connection import connection
from chalicelib.devices.iot_models import (
    Certificate,
    CertificateEvent,
    CertificateList,
    CertificateStatus,
    Credentials,
    CredentialsIn,
    FleetProvisioning,
    ProvisionedDevice,
    RevokeIn,
    RotationIn,
    VendorDeviceIn,
)
from chalicelib.devices.models import Device
from chalicelib.devices.registry import IotRegistry
from chalicelib.devices.service import DeviceService
from chalicelib.errors import Conflict, InvalidInput, NotFound
from iot.things import MAX_THING_NAME, PROVISIONING_TEMPLATE, thing_name


class ProvisioningService:
    def __init__(self, principal: Principal, *, devices: DeviceService | None = None,
                 store: CertificateStore | None = None, registry: IotRegistry | None = None,
                 ca: CertificateAuthority | None = None) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.devices = devices or DeviceService(principal)
        self.store = store or CertificateStore(self.tenant)
        self._registry, self._ca = registry, ca

    @property
    def registry(self) -> IotRegistry:
        self._registry = self._registry or IotRegistry()
        return self._registry

    @property
    def ca(self) -> CertificateAuthority:
        self._ca = self._ca or authority()
        return self._ca

    def provision(self, body: VendorDeviceIn) -> ProvisionedDevice:
        thing = self._thing_name(body.device_id)
        device = self.devices.build(body.placement()).model_copy(update={"thing_name": thing})
        if body.csr:
            load_csr(body.csr)  # a bad CSR is refused before anything is written
        self.store.claim(device, body.credentials)
        issued: Issued | None = None
        thing_made = False
        try:
            if body.credentials is Credentials.FLEET:
                self.registry.ensure_tenant_group(self.tenant.tenant_id)  # the template puts the thing there
                return self._result(device, None, None, fleet=True)
            self.registry.create_thing(self.tenant.tenant_id, thing, device)
            thing_made = True
            issued = self._issue(body, thing)
            self.registry.bind(thing, issued.certificate_arn)
            cert = self._record(issued, body.credentials, "issued")
            self.store.add(device.device_id, cert)
        except Exception:
            made = (issued.certificate_id, issued.certificate_arn) if issued else None
            if made or thing_made:
                self.registry.discard(thing, made, keep_thing=not thing_made)
            self.store.release(device)
            raise
        return self._result(device, cert, issued.private_key_pem)

    def certificates(self, device_id: str) -> CertificateList:
        device, thing = self._provisioned(device_id)
        return CertificateList(device_id=device.device_id, thing_name=thing,
                               items=self.store.certificates(device.device_id))

    def rotate(self, device_id: str, body: RotationIn) -> ProvisionedDevice:
        """A new certificate (active) for the device; then its previously active ones are made inactive."""
        device, thing = self._provisioned(device_id)
        before = self.store.certificates(device.device_id)
        if not before:  # registered for fleet provisioning and never provisioned: make its thing now
            self.registry.create_thing(self.tenant.tenant_id, thing, device)
        issued = self._issue(body, thing)
        try:
            self.registry.bind(thing, issued.certificate_arn)
            cert = self._record(issued, body.credentials, "rotation")
            self.store.add(device.device_id, cert)
        except Exception:
            self.registry.discard(thing, (issued.certificate_id, issued.certificate_arn), keep_thing=True)
            raise
        for old in before:
            if old.status is CertificateStatus.ACTIVE:
                self._set_status(device.device_id, old, CertificateStatus.INACTIVE, "rotated out")
        return self._result(device, cert, issued.private_key_pem)

    def revoke(self, device_id: str, certificate_id: str, body: RevokeIn) -> Certificate:
        device, _ = self._provisioned(device_id)
        cert = next((c for c in self.store.certificates(device.device_id) if c.certificate_id == certificate_id), None)
        if cert is None:
            raise NotFound(f"该设备没有此证书 / no certificate {certificate_id!r} for this device",
                           field="certificate_id")
        if cert.status is CertificateStatus.REVOKED:
            return cert  # revoking twice is harmless
        return self._set_status(device.device_id, cert, CertificateStatus.REVOKED, body.reason)

    # -- helpers ---------------------------------------------------------------------
    def _thing_name(self, device_id: str) -> str:
        try:
            return thing_name(self.tenant.tenant_id, device_id)
        except ValueError as exc:
            raise InvalidInput(f"设备编号过长, 物联网名称不能超过 {MAX_THING_NAME} 个字符 / device_id too long: "
                               f"the thing name <city>_<device_id> must fit in {MAX_THING_NAME} characters",
                               field="device_id") from exc

    def _provisioned(self, device_id: str) -> tuple[Device, str]:
        device = self.devices.get(device_id)  # 404 in another city; 403 for staff outside their communities
        if not device.thing_name:
            raise Conflict("该设备未经厂商开通 / this device was not provisioned through /v1/vendor/devices",
                           field="device_id")
        return device, device.thing_name

    def _issue(self, body: CredentialsIn, thing: str) -> Issued:
        if body.credentials is Credentials.GENERATE:
            return self.ca.with_new_key(thing)
        assert body.csr
        return self.ca.from_csr(body.csr, thing)

    def _record(self, issued: Issued, source: Credentials, reason: str) -> Certificate:
        at = datetime.now(UTC)
        return Certificate(certificate_id=issued.certificate_id, certificate_arn=issued.certificate_arn,
                           status=CertificateStatus.ACTIVE, authority=self.ca.name, source=source, issued_at=at,
                           issued_by=self.principal.username, not_after=issued.not_after,
                           certificate_pem=issued.certificate_pem,
                           history=[CertificateEvent(status=CertificateStatus.ACTIVE, at=at,
                                                     by=self.principal.username, reason=reason)])

    def _set_status(self, device_id: str, cert: Certificate, status: CertificateStatus,
                    reason: str | None) -> Certificate:
        """IoT first (that is what stops the device), then the record, conditioned on the status read."""
        self.registry.set_status(cert.certificate_id, status.value.upper())
        event = CertificateEvent(status=status, at=datetime.now(UTC), by=self.principal.username, reason=reason)
        after = cert.model_copy(update={"status": status, "history": [*cert.history, event]})
        if not self.store.change(device_id, cert, after):
            raise Conflict("证书状态已被他人修改, 请重试 / the certificate changed meanwhile; try again",
                           field="certificate_id")
        return after

    def _result(self, device: Device, cert: Certificate | None, private_key: str | None, *,
                fleet: bool = False) -> ProvisionedDevice:
        thing = device.thing_name or ""
        tenant = self.tenant.tenant_id
        extra: dict[str, Any] = {}
        if fleet:
            extra["fleet_provisioning"] = FleetProvisioning(template_name=PROVISIONING_TEMPLATE,
                                                            parameters={"tenant": tenant, "serial": device.serial})
        return ProvisionedDevice(device=device, thing_name=thing, certificate=cert, private_key_pem=private_key,
                                 connection=connection(tenant, thing, self.ca.root_ca_pem()), **extra)
