"""Request and response models of vendor provisioning: credentials, certificates, connection details."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, SkipValidation, ValidationInfo, field_validator

from chalicelib.devices.models import Device, DeviceIn
from chalicelib.model import Model

SERIAL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{2,63}$"
CERTIFICATE_ID_PATTERN = r"^[0-9a-f]{64}$"
MAX_BULK = 100
MAX_CSR_CHARS = 16_384


class Credentials(StrEnum):
    CSR = "csr"  # the device made its key and sends a CSR: the key never leaves it
    GENERATE = "generate"  # the platform makes the key pair and returns the private key once
    FLEET = "fleet"  # no certificate now: the device gets one by fleet provisioning (serial checked)


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"  # rotated out
    REVOKED = "revoked"


# A CSR exactly when the credentials are ``csr`` (the default), in the document as in the validator.
_CSR_WITH_CSR: dict[str, Any] = {
    "if": {"properties": {"credentials": {"const": Credentials.CSR.value}}},
    "then": {"required": ["csr"], "properties": {"csr": {"type": "string", "minLength": 1}}},
    "else": {"properties": {"csr": {"type": "null"}}},
}


def _rotation_schema(schema: dict[str, Any]) -> None:
    schema.update(_CSR_WITH_CSR)
    schema["properties"]["credentials"] = {"type": "string", "default": Credentials.CSR.value,
                                           "enum": [Credentials.CSR.value, Credentials.GENERATE.value]}


class CredentialsIn(Model):
    """How a device gets its certificate (registration and rotation)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_CSR_WITH_CSR)

    credentials: Credentials = Credentials.CSR
    csr: str | None = Field(default=None, max_length=MAX_CSR_CHARS, validate_default=True,
                            description="PEM certificate signing request made on the device")

    @field_validator("csr")
    @classmethod
    def _csr_goes_with_csr_credentials(cls, value: str | None, info: ValidationInfo) -> str | None:
        mode = info.data.get("credentials")
        if mode is Credentials.CSR and not value:
            raise ValueError("需要设备生成的证书签名请求 (PEM) / a PEM certificate signing request is required "
                             "(or credentials: generate)")
        if mode is not None and mode is not Credentials.CSR and value:
            raise ValueError("仅在 credentials 为 csr 时提供 / only with credentials: csr")
        return value


class RotationIn(CredentialsIn):
    """A new certificate for a device: from its CSR or generated (fleet provisioning is for a first one)."""

    model_config = ConfigDict(json_schema_extra=_rotation_schema)

    @field_validator("credentials")
    @classmethod
    def _not_fleet(cls, mode: Credentials) -> Credentials:
        if mode is Credentials.FLEET:
            raise ValueError("轮换需要 csr 或 generate / rotation needs credentials csr or generate")
        return mode


class VendorDeviceIn(CredentialsIn, DeviceIn):
    """A device placed as ``DeviceIn`` places it, with its serial number and how it gets a certificate."""

    serial: str = Field(pattern=SERIAL_PATTERN, description="manufacturer's serial number, unique in the city")

    def placement(self) -> DeviceIn:
        return DeviceIn.model_validate(self.model_dump(exclude={"credentials", "csr"}))


class RevokeIn(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, min_length=1, max_length=200)


class CertificateEvent(Model):
    status: CertificateStatus
    at: datetime
    by: str
    reason: str | None = None


class Certificate(Model):
    certificate_id: str
    certificate_arn: str
    status: CertificateStatus
    authority: str = Field(description="aws-iot or local")
    source: Credentials
    issued_at: datetime
    issued_by: str
    not_after: datetime | None = None
    certificate_pem: str
    history: list[CertificateEvent]


class CertificateList(Model):
    device_id: str
    thing_name: str
    items: list[Certificate] = Field(description="newest first")


class Topics(Model):
    telemetry: str
    event: str
    command: str = Field(description="subscribe here for commands")
    basic_ingest: dict[str, str] = Field(description="rule name → topic that skips the broker (AWS IoT only)")


class Connection(Model):
    endpoint: str
    port: int
    client_id: str = Field(description="the thing name: the only client id the device may connect as")
    topics: Topics
    root_ca_pem: str = Field(description="the CA to trust for the server's certificate")


class FleetProvisioning(Model):
    template_name: str
    parameters: dict[str, str] = Field(description="what the device passes to RegisterThing")


class ProvisionedDevice(Model):
    device: Device
    thing_name: str
    certificate: Certificate | None = None
    private_key_pem: str | None = Field(default=None, description="credentials=generate only: shown once, never "
                                        "stored")
    connection: Connection
    fleet_provisioning: FleetProvisioning | None = None


class BulkIn(Model):
    model_config = ConfigDict(extra="forbid")

    # Each item is validated on its own by ``devices.bulk`` (a bad one gets its own 400 among the results);
    # the document states what each must be.
    devices: list[SkipValidation[VendorDeviceIn]] = Field(min_length=1, max_length=MAX_BULK)


class ItemError(Model):
    code: str
    message: str
    field: str | None = None


class BulkItem(Model):
    index: int
    status: int
    device_id: str | None = None
    result: ProvisionedDevice | None = None
    error: ItemError | None = None


class BulkResult(Model):
    created: int
    failed: int
    items: list[BulkItem]
