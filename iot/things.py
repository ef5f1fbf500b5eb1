"""IoT thing names and the fixed names of the IoT resources — the one mapping everyone uses.

An IoT thing name is global to the AWS account, a device id only unique in its city, so the
thing name carries the tenant::

    thing_name("zhengzhou", "zz-smoke-0501") == "zhengzhou_zz-smoke-0501"

The separator is ``_`` because a tenant id can never contain one (``[a-z0-9-]``): the first
``_`` ends the tenant, so no two (tenant, device) pairs share a thing name — with ``-`` the
tenants ``zheng`` and ``zheng-zhou`` could. The thing name is also the MQTT client id, the
topic segment (``cc/<tenant>/d/<thing>/…``), the ``device`` the topic rules add to a message and
the certificate CN of the local CA; it is at most 64 characters, as topics and telemetry allow.
Inside the platform a device keeps its in-city ``device_id``: map with :func:`device_id_of`.
"""

from __future__ import annotations

import re

from iot.topics import TENANT, THING_NAME

SEPARATOR = "_"
MAX_THING_NAME = 64

THING_TYPE = "cc-device"  # searchable attributes: tenant, type, serial
POLICY_NAME = "cc-device"  # iot/policy.py
PARENT_GROUP = "cc_cities"  # the tenants' groups sit under it ("_": no tenant group can be named so)
PROVISIONING_TEMPLATE = "cc-fleet"
TENANT_GROUP_PREFIX = "cc-"

_THING = re.compile(rf"^(?P<tenant>{TENANT}){SEPARATOR}(?P<device>[A-Za-z0-9_-]+)$")
_THING_NAME = re.compile(rf"^{THING_NAME}$")


def thing_name(tenant: str, device_id: str) -> str:
    """``<tenant>_<device_id>``; ValueError when it would not be a valid thing name (too long)."""
    name = f"{tenant}{SEPARATOR}{device_id}"
    m = _THING.match(name)
    if not m or m["tenant"] != tenant or not _THING_NAME.match(name):
        raise ValueError(f"no thing name of at most {MAX_THING_NAME} characters for {tenant!r}/{device_id!r}")
    return name


def device_id_of(tenant: str, thing: str) -> str | None:
    """The in-city device id of a thing of ``tenant``; None when the thing is not one of that tenant's."""
    m = _THING.match(thing)
    if not m or m["tenant"] != tenant or not _THING_NAME.match(thing):
        return None
    return m["device"]


def tenant_of(thing: str) -> str | None:
    m = _THING.match(thing)
    return m["tenant"] if m and _THING_NAME.match(thing) else None


def tenant_group(tenant: str) -> str:
    """The tenant's thing group (a child of :data:`PARENT_GROUP`)."""
    return f"{TENANT_GROUP_PREFIX}{tenant}"
