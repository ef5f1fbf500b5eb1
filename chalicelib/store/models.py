"""PynamoDB models of the single table.

One table, keys ``pk``/``sk`` plus two generic indexes (``gsi1``, ``gsi2``). Every item carries its
``kind`` (PynamoDB discriminator) and its ``tenant_id``. Entity payloads that are
managed as whole documents (manifest-driven config) live in ``data``.
The physical definition of the table lives in ``infra/template.json``; this file
describes the same attributes to PynamoDB.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    DiscriminatorAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.config import get_settings


class Gsi1(GlobalSecondaryIndex["Entity"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex["Entity"]):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Entity(Model):
    class Meta:
        table_name: str = "community-cloud"
        region: str | None = None
        host: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    tenant_id = UnicodeAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    version = NumberAttribute(default=0)

    gsi1 = Gsi1()
    gsi2 = Gsi2()


class ConfigItem(Entity, discriminator="config"):
    """A manifest-managed record: tenant profile, node, department, category, staff."""

    item_type = UnicodeAttribute()
    item_id = UnicodeAttribute()
    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    retired = UnicodeAttribute(null=True)


class ResidentItem(Entity, discriminator="resident"):
    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()


class HouseholdItem(Entity, discriminator="household"):
    data: MapAttribute[str, Any] = MapAttribute(default=dict)


class DeviceItem(Entity, discriminator="device"):
    data: MapAttribute[str, Any] = MapAttribute(default=dict)


class DeviceCertificateItem(Entity, discriminator="device_cert"):
    """A device's certificate (``CERT#<id>`` in the device partition); ``status`` is top-level so
    writes can be conditioned on it."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()


class SerialItem(Entity, discriminator="serial"):
    """A claimed serial number → the device that has it."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)


class AlertItem(Entity, discriminator="alert"):
    """An alert; ``state`` is top-level so writes can be conditioned on it."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    state = UnicodeAttribute()


class AlertLockItem(Entity, discriminator="alert_lock"):
    """One per (device, rule): ``alert_id`` while an alert is active; ``watermark`` is the
    newest sample ts already accounted for, so a redelivered raise cannot reopen it."""

    alert_id = UnicodeAttribute(null=True)
    watermark = NumberAttribute(default=0)


class InboxItem(Entity, discriminator="inbox"):
    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


# -- service requests (接诉即办) ---------------------------------------------------------

# -- Open311 ---------------------------------------------------------------------------

# -- notices and emergency broadcasts ------------------------------------------------------

# -- consultations and votes -------------------------------------------------------------

# -- nearby services directory -------------------------------------------------------------

# -- care subjects and family links ----------------------------------------------------------


def _subclasses(cls: type[Entity]) -> list[type[Entity]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def bind() -> None:
    """Point the models at the configured table and endpoint (lazily, once per settings)."""
    s = get_settings()
    meta = Entity.Meta
    if (meta.table_name, meta.region, meta.host) != (s.table_name, s.region, s.aws_endpoint_url):
        meta.table_name, meta.region, meta.host = s.table_name, s.region, s.aws_endpoint_url
        Entity._connection = None
        for sub in _subclasses(Entity):
            sub._connection = None
