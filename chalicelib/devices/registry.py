"""The IoT side of a device: its thing (attributes, tenant group), certificate bindings, endpoint.

Every call goes through ``iot_call`` (503 when IoT fails). The fixed names — thing type, device
policy, groups — are in iot/things.py and are created by infra/ (or the local bootstrap).
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.devices.certs import error_code, iot_call, unavailable
from chalicelib.devices.models import Device
from chalicelib.errors import Conflict
from iot.things import PARENT_GROUP, POLICY_NAME, THING_TYPE, tenant_group

DEFAULT_PORT = 8883  # MQTT over TLS with client certificates


ALREADY_EXISTS = "ResourceAlreadyExistsException"


class IotRegistry:
    def __init__(self, iot: Any | None = None) -> None:
        self.iot = iot or client("iot")
        self._groups: set[str] = set()  # made sure of in this request (a bulk one provisions many devices)

    def ensure_tenant_group(self, tenant: str) -> str:
        group = tenant_group(tenant)
        if group not in self._groups:
            try:
                self.iot.create_thing_group(thingGroupName=group, parentGroupName=PARENT_GROUP, thingGroupProperties={
                    "thingGroupDescription": f"{tenant} 的设备 / devices of {tenant}"})
            except (ClientError, BotoCoreError) as exc:
                if error_code(exc) != ALREADY_EXISTS:
                    raise unavailable("CreateThingGroup", exc) from exc
            self._groups.add(group)
        return group

    def create_thing(self, tenant: str, thing: str, device: Device) -> str:
        """The thing with its attributes, in the tenant's group; returns its ARN."""
        attributes = {"tenant": tenant, "type": device.type.value, "serial": device.serial,
                      "device_id": device.device_id}
        group = self.ensure_tenant_group(tenant)
        try:
            arn = self.iot.create_thing(thingName=thing, thingTypeName=THING_TYPE,
                                        attributePayload={"attributes": attributes})["thingArn"]
        except (ClientError, BotoCoreError) as exc:
            if error_code(exc) != ALREADY_EXISTS:
                raise unavailable("CreateThing", exc) from exc
            # left over from an attempt that failed half-way: the name holds the tenant, so it is ours
            found = iot_call("DescribeThing", self.iot.describe_thing, thingName=thing)
            if found.get("attributes", {}).get("tenant") != tenant:
                raise Conflict(f"IoT thing {thing!r} belongs to another city", field="device_id") from exc
            iot_call("UpdateThing", self.iot.update_thing, thingName=thing, thingTypeName=THING_TYPE,
                     attributePayload={"attributes": attributes, "merge": False})
            arn = found["thingArn"]
        iot_call("AddThingToThingGroup", self.iot.add_thing_to_thing_group, thingGroupName=group, thingName=thing)
        return str(arn)

    def bind(self, thing: str, certificate_arn: str) -> None:
        """The device policy on the certificate, the certificate on the thing."""
        iot_call("AttachPolicy", self.iot.attach_policy, policyName=POLICY_NAME, target=certificate_arn)
        iot_call("AttachThingPrincipal", self.iot.attach_thing_principal, thingName=thing, principal=certificate_arn)

    def has_certificates(self, thing: str) -> bool:
        """Whether any certificate is attached to the thing in IoT (False when there is no such thing)."""
        try:
            return bool(self.iot.list_thing_principals(thingName=thing).get("principals"))
        except (ClientError, BotoCoreError) as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return False
            raise unavailable("ListThingPrincipals", exc) from exc

    def set_status(self, certificate_id: str, status: str) -> None:
        """``ACTIVE``, ``INACTIVE`` or ``REVOKED``."""
        iot_call("UpdateCertificate", self.iot.update_certificate, certificateId=certificate_id, newStatus=status)

    def discard(self, thing: str, certificate: tuple[str, str] | None, *, keep_thing: bool = False) -> None:
        """Undo a provisioning that failed half-way (best effort): ``certificate`` is (id, arn)."""
        steps: list[tuple[Any, dict[str, Any]]] = []
        if certificate:
            cert_id, cert_arn = certificate
            steps += [(self.iot.detach_thing_principal, {"thingName": thing, "principal": cert_arn}),
                      (self.iot.detach_policy, {"policyName": POLICY_NAME, "target": cert_arn}),
                      (self.iot.update_certificate, {"certificateId": cert_id, "newStatus": "INACTIVE"}),
                      (self.iot.delete_certificate, {"certificateId": cert_id})]
        if not keep_thing:
            steps.append((self.iot.delete_thing, {"thingName": thing}))
        for fn, kwargs in steps:
            with contextlib.suppress(ClientError, BotoCoreError):
                fn(**kwargs)


def endpoint() -> tuple[str, int]:
    """Where devices connect: ``CC_IOT_ENDPOINT`` (host[:port]) or the account's iot:Data-ATS endpoint."""
    configured = get_settings().iot_endpoint
    if configured:
        host, _, port = configured.rpartition(":") if ":" in configured else (configured, "", "")
        return host, int(port) if port else DEFAULT_PORT
    return _described(str(client("iot").meta.endpoint_url)), DEFAULT_PORT


@cache
def _described(_client_endpoint: str) -> str:
    r = iot_call("DescribeEndpoint", client("iot").describe_endpoint, endpointType="iot:Data-ATS")
    return str(r["endpointAddress"])
