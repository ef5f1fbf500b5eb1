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

    def alert_stats_pk(self, month: str) -> str:
        """Alerts closed by a person in a month (``YYYY-MM``), sort key ``community#<id>`` or ``type#<type>``."""
        return self.key("ALERTSTATS", month)

    def sends_pk(self) -> str:
        """SMS and voice calls sent per month, sort key ``YYYY-MM`` (chalicelib/notify)."""
        return self.key("SENDS")

    def alert_link_pk(self, code: str) -> str:
        """An SMS's one-time acknowledge link, by its random code (sort key ``LINK``)."""
        return self.key("ALERTLINK", code)

    def receipt_pk(self, message_id: str) -> str:
        """Which delivery a provider's message id is (sort key ``RECEIPT``): its receipt names no city."""
        return self.key("RECEIPT", message_id)

    def outbox_pk(self, day: str) -> str:
        """The city's SMS and calls of one UTC day (``YYYY-MM-DD``), on gsi1 (sort key ``<at>#<alert>#…``)."""
        return self.key("OUTBOX", day)

    def notify_prefs_pk(self) -> str:
        """People's notification channels and quiet hours, sort key the username."""
        return self.key("NOTIFYPREFS")

    def inbox_pk(self, username: str) -> str:
        """A user's notifications, newest first."""
        return self.key("INBOX", username)

    def households_pk(self, community_id: str) -> str:
        """GSI1 partition: a community's verified households, sorted by place path."""
        return self.key("HHS", community_id)

    def audit_pk(self, month: str) -> str:
        """The city's personal-data access log for one month (``YYYY-MM``), sorted by time: append-only."""
        return self.key("AUDIT", month)

    def reveals_pk(self, username: str) -> str:
        """A staff user's count of personal-data reveals, sort key the city's local day."""
        return self.key("REVEALS", username)

    def members_pk(self, community_id: str) -> str:
        """GSI2 partition: a community's verified residents, sorted by place path then household."""
        return self.key("MEMBERS", community_id)

    # -- service requests (接诉即办) ------------------------------------------------------
    def request_pk(self, request_id: str) -> str:
        """A service request (sk ``REQUEST``)."""
        return self.key("REQ", request_id)

    def request_sequence_pk(self) -> str:
        """Per-day counters that number the city's requests (sk ``<yyyymmdd>``, city time)."""
        return self.key("REQSEQ")

    def community_requests_pk(self, community_id: str, state: str) -> str:
        """GSI1 partition: a community's requests in one state, oldest first."""
        return self.key("REQC", community_id, state)

    def department_requests_pk(self, department_id: str) -> str:
        """GSI2 partition: a department's requests still to be handled, by next due time."""
        return self.key("REQD", department_id)

    def closing_requests_pk(self) -> str:
        """GSI2 partition: resolved requests by the time they close by themselves."""
        return self.key("REQCLOSE")

    def household_requests_pk(self, household_id: str) -> str:
        """References (sk ``<filed_at>#<id>``) to the requests filed by or for a household."""
        return self.key("REQH", household_id)

    def month_requests_pk(self, month: str) -> str:
        """References (sk ``<filed_at>#<id>``) to the requests filed in a month (``2026-11``, city time)."""
        return self.key("REQM", month)

    def request_stats_pk(self, month: str) -> str:
        """Counters of the requests filed in a month: sk ``department#<id>`` and ``community#<id>``."""
        return self.key("REQSTAT", month)


    # -- Open311 -----------------------------------------------------------------------

    # -- notices and emergency broadcasts --------------------------------------------------
    def notice_pk(self, notice_id: str) -> str:
        """A notice (``NOTICE``), its household deliveries (``HH#<household>``) and reads (``READ#<user>``)."""
        return self.key("NOTICE", notice_id)

    def notices_at_pk(self, level: str, place_id: str | None) -> str:
        """GSI1 partition: live notices addressed to one place (``city`` has no id), by valid-until time."""
        return self.key("NOTICEAT", level, *((place_id,) if place_id else ()))

    def notices_area_pk(self, community_id: str | None) -> str:
        """GSI2 partition: every notice inside one community (``None``: city- and street-wide ones),
        newest first."""
        return self.key("NOTICEAREA", community_id) if community_id else self.key("NOTICEWIDE")

    def notice_receipts_pk(self, notice_id: str, state: str) -> str:
        """GSI1 partition: an emergency broadcast's household deliveries in one state (read/unread), by place."""
        return self.key("NOTICERCPT", notice_id, state)


    # -- consultations and votes ---------------------------------------------------------
    def consultation_pk(self, consultation_id: str) -> str:
        """A consultation (``CONSULTATION``) and, beside it, its tallies (``TALLY#<option>``), ballots
        (``BALLOT#<voter>``), proposals (``PROPOSAL#<id>``) and comments (``COMMENT#<id>``)."""
        return self.key("CONS", consultation_id)

    def consultations_pk(self, *anchor: str) -> str:
        """GSI1 partition: consultations anchored to ``("city",)``, ``("street", <id>)`` or
        ``("community", <id>)`` (grid and building scopes too), newest first; GSI2 with no anchor:
        all of the city's."""
        return self.key("CONSS", *anchor)

    # -- nearby services directory ---------------------------------------------------------

    def service_point_pk(self, service_point_id: str) -> str:
        """A service point of the nearby-services directory (便民服务网点), sort key ``POINT``."""
        return self.key("SVC", service_point_id)

    def services_cell_pk(self, cell: str) -> str:
        """GSI1 partition: live service points in one geohash-5 cell, sorted by category then geohash."""
        return self.key("SVCGEO", cell)

    def community_services_pk(self, community_id: str) -> str:
        """GSI2 partition: a community's live service points, sorted by category."""
        return self.key("SVCS", community_id)

    # -- care subjects and family links ------------------------------------------------------
    def care_subject_pk(self, subject_id: str) -> str:
        """A care subject (sk ``SUBJECT``), its family links (``LINK#<link>``) and caring visits
        (``VISIT#<date>#<id>``)."""
        return self.key("CARE", subject_id)

    def care_subjects_pk(self, community_id: str) -> str:
        """GSI1 partition: a community's care subjects, sorted by household path."""
        return self.key("CARES", community_id)

    def care_watch_pk(self, user_id: str) -> str:
        """GSI1 partition: one resident's family links (invitations and active links), by link id."""
        return self.key("WATCH", user_id)

    def care_device_pk(self, device_id: str) -> str:
        """The care subjects a device watches (sk ``<subject_id>``), present while their consent is active."""
        return self.key("CAREDEV", device_id)

    # -- API keys ----------------------------------------------------------------------------

    def api_keys_pk(self) -> str:
        """The city's integration API keys, sort key ``KEY#<sha256 of the key>`` (verify is one GetItem)."""
        return self.key("APIKEYS")

    # -- quotas, rate windows and usage metering (chalicelib/usage) --------------------------

    def quota_pk(self) -> str:
        """The city's count-quota counters, sort key the quota (``devices``, ``residents``): moved by
        ``ADD`` in the transaction that adds or removes what they count."""
        return self.key("QUOTA")

    def rate_pk(self, what: str, window: str) -> str:
        """One rate window of the city (``api`` per epoch second, ``telemetry`` per epoch minute); the
        item expires (TTL) shortly after its window."""
        return self.key("RATE", what, window)

    def usage_pk(self) -> str:
        """The city's daily usage counters, sort key the UTC day ``YYYY-MM-DD`` (a period is one Query)."""
        return self.key("USAGE")

    # -- sorting points (chalicelib/points) ---------------------------------------------------

    def points_pk(self, household_id: str) -> str:
        """A household's points: ``BALANCE``, ``LEDGER#<at>#<id>``, ``CARD#<credential>``, ``DAY#<date>``."""
        return self.key("PTS", household_id)

    def credential_pk(self, credential: str) -> str:
        """A sorting credential (the keyed hash of a card number or phone) → its household."""
        return self.key("CRED", credential)

    def deposit_pk(self, device_id: str, event_id: str) -> str:
        """One deposit a bin reported, written once: the idempotency key of its credit."""
        return self.key("DEPOSIT", device_id, event_id)

    def points_ranking_pk(self, building_id: str, month: str) -> str:
        """A building's households in one month (``YYYY-MM``), sort key the household."""
        return self.key("PTSRANK", building_id, month)

    def stock_pk(self, service_point_id: str) -> str:
        """A redemption point's goods (``GOODS#<id>``, quantity by ``ADD``) and receipts (``RECEIPT#<at>#<no>``)."""
        return self.key("STOCK", service_point_id)

    def sorting_stats_pk(self, month: str) -> str:
        """Sorting counters of one month (``YYYY-MM``), sort key the community (grams by category, points)."""
        return self.key("SORTSTAT", month)

    def care_visit_stats_pk(self, month: str) -> str:
        """Caring visits of one month (``YYYY-MM``, the visits' dates), sort key the community."""
        return self.key("CAREVISITS", month)

    # -- entrance access and group-rental leads (chalicelib/access) ---------------------------

    def access_pk(self, household_id: str) -> str:
        """A household's entrance passages, sort key ``W#<Monday of the local week>``: sets of passage ids
        per day and of cards (``ADD``: a passage delivered twice counts once)."""
        return self.key("ACCESS", household_id)

    def rental_leads_pk(self, community_id: str) -> str:
        """A community's 疑似群租 leads, sort key the household (one lead per household: repeats merge)."""
        return self.key("RENTLEAD", community_id)

    def rental_lead_stats_pk(self) -> str:
        """Leads by status, sort key the community (moved in the transaction that moves a lead)."""
        return self.key("RENTLEADSTAT")

    # -- the city dashboard (chalicelib/reports) ---------------------------------------------------

    def device_census_pk(self) -> str:
        """Each community's devices (total, online, by type) as the city health job last counted them,
        sort key the community: what the dashboard reads instead of every community's devices."""
        return self.key("DEVCENSUS")

    # -- spreadsheet imports (chalicelib/imports) ----------------------------------------------

    def imports_pk(self) -> str:
        """The city's spreadsheet imports, sort key the import id (time-ordered: newest last)."""
        return self.key("IMPORT")

    # -- one-table reporting (chalicelib/reporting) ---------------------------------------------

    def report_submissions_pk(self, month: str) -> str:
        """The month's submitted community reports (``YYYY-MM``), sort key the community: locked counts."""
        return self.key("REPORT", month)
