"""Key builders. Every partition key starts with ``T#<tenant_id>#``.

Keys can only be built from a :class:`TenantContext`, so code that holds one tenant's
context cannot address another tenant's items. That is what makes the IAM condition
``dynamodb:LeadingKeys = T#<tenant>#*`` possible in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TENANT_ID_PATTERN = r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$"
_TENANT_RE = re.compile(TENANT_ID_PATTERN)
_SEP = "#"

# Platform-wide index partition listing the onboarded tenants (platform admins only).
PLATFORM_TENANTS = "PLATFORM#TENANTS"


@dataclass(frozen=True, slots=True)
class TenantContext:
    tenant_id: str

    def __post_init__(self) -> None:
        if not _TENANT_RE.match(self.tenant_id):
            raise ValueError(f"invalid tenant id: {self.tenant_id!r}")

    def key(self, *parts: str) -> str:
        """``T#<tenant>#part#part…``; parts may not contain the separator."""
        for part in parts:
            if _SEP in part:
                raise ValueError(f"key part may not contain {_SEP!r}: {part!r}")
        return _SEP.join(("T", self.tenant_id, *parts))

    # The partitions the platform uses so far, named once.
    def config_pk(self) -> str:
        """Tenant profile, departments, catalog, hierarchy nodes, staff records."""
        return self.key("CONF")

    def nodes_by_kind_pk(self, kind: str) -> str:
        """GSI1 partition listing hierarchy nodes of one kind, sorted by path."""
        return self.key("NODES", kind)

    def resident_pk(self, user_id: str) -> str:
        return self.key("RES", user_id)

    def household_pk(self, household_id: str) -> str:
        return self.key("HH", household_id)

    def registrations_pk(self, community_id: str, status: str) -> str:
        """GSI1 partition: a community's resident registrations in one status."""
        return self.key("REG", community_id, status)

    def device_pk(self, device_id: str) -> str:
        """A device and, beside it, the locks of its active alerts (one per rule)."""
        return self.key("DEV", device_id)

    def serial_pk(self, serial: str) -> str:
        """A serial number claimed by a vendor-provisioned device (case-insensitive); its certificates
        sit in the device's partition (``CERT#<certificate id>``)."""
        return self.key("SERIAL", serial.upper())

    def devices_pk(self, community_id: str) -> str:
        """GSI1 partition: a community's devices, sorted by place path."""
        return self.key("DEVICES", community_id)

    def alert_pk(self, alert_id: str) -> str:
        return self.key("ALERT", alert_id)

    def alerts_pk(self, state: str, severity: str) -> str:
        """GSI1 partition: alerts in one state and severity, sorted by place path then time."""
        return self.key("ALERTS", state, severity)

    def escalations_pk(self) -> str:
        """GSI2 partition: unacknowledged alerts by the time they escalate."""
        return self.key("ESC")

    def inbox_pk(self, username: str) -> str:
        """A user's notifications, newest first."""
        return self.key("INBOX", username)

    def households_pk(self, community_id: str) -> str:
        """GSI1 partition: a community's verified households, sorted by place path."""
        return self.key("HHS", community_id)

    def members_pk(self, community_id: str) -> str:
        """GSI2 partition: a community's verified residents, sorted by place path then household."""
        return self.key("MEMBERS", community_id)

    # -- service requests (接诉即办) ------------------------------------------------------

    # -- Open311 -----------------------------------------------------------------------

    # -- notices and emergency broadcasts --------------------------------------------------

    # -- consultations and votes ---------------------------------------------------------

    # -- nearby services directory ---------------------------------------------------------

    # -- care subjects and family links ------------------------------------------------------
