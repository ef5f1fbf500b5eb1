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
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.aws import share_loader
from chalicelib.config import get_settings
from chalicelib.store import scope


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

    @classmethod
    def _get_connection(cls) -> TableConnection:
        """Inside a city's scope, the table signed with the city's own credentials (``store/scope.py``)."""
        base = super()._get_connection()
        scoped = scope.current()
        conn = base if scoped is None else scope.table_connection(scoped, base, cls.Meta)
        share_loader(conn.connection.session)  # PynamoDB's session of this thread: models parsed once per process
        return conn


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
    newest sample ts already accounted for, so a redelivered raise cannot reopen it;
    ``cleared_ts`` a clear that came while no alert was active (its raise still on the way)."""

    alert_id = UnicodeAttribute(null=True)
    watermark = NumberAttribute(default=0)
    cleared_ts = NumberAttribute(null=True)


class DeliveryItem(Entity, discriminator="delivery"):
    """One notification of an alert to one person on one channel at one level, in the alert's partition
    (``T#<t>#ALERT#<id>`` / ``DELIVERY#<level>#<channel>#<person>``): written before it is sent, so a
    redelivered job sends nothing twice; ``status`` top-level for conditional writes."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()
    claimed_at = NumberAttribute(default=0)  # epoch seconds; a claim left ``sending`` this long ago is stale


class ReceiptItem(Entity, discriminator="receipt"):
    """A sent SMS's provider message id → its delivery (``T#<t>#RECEIPT#<message id>`` / ``RECEIPT``),
    for the provider's delivery receipt; kept 3 days."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


class SendCountItem(Entity, discriminator="send_count"):
    """SMS and voice calls a city sent in one month (``T#<t>#SENDS`` / ``YYYY-MM``), moved by a
    conditional ``ADD`` that keeps each under the city's quota."""

    sms = NumberAttribute(null=True)
    voice = NumberAttribute(null=True)


class AlertLinkItem(Entity, discriminator="alert_link"):
    """An SMS's one-time acknowledge link (``T#<t>#ALERTLINK#<code>`` / ``LINK``): whose it is, used once."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    used_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


class NotifyPrefsItem(Entity, discriminator="notify_prefs"):
    """A person's channels and quiet hours (``T#<t>#NOTIFYPREFS`` / ``<username>``)."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)


class AlertStatsItem(Entity, discriminator="alert_stats"):
    """Alerts closed by a person in a month, per community or device type
    (``T#<t>#ALERTSTATS#<YYYY-MM>`` / ``community#<id>`` | ``type#<device type>``), by atomic ``ADD``s."""

    resolved = NumberAttribute(default=0)
    false_alarm = NumberAttribute(default=0)


class InboxItem(Entity, discriminator="inbox"):
    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


# -- service requests (接诉即办) ---------------------------------------------------------
class RequestItem(Entity, discriminator="request"):
    """A service request; ``state`` is top-level so transitions can be conditioned on it (and ``version``)."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    state = UnicodeAttribute()


class RequestRefItem(Entity, discriminator="request_ref"):
    """A reference to a request in a household's or a month's list."""

    request_id = UnicodeAttribute()


class RequestSequenceItem(Entity, discriminator="request_seq"):
    """The last number given to a request on one day (atomic ``ADD``)."""

    seq = NumberAttribute(default=0)


class RequestStatsItem(Entity, discriminator="request_stats"):
    """Counters of one (month, department) or (month, community), changed by atomic ``ADD`` in the
    transaction that changes the request."""

    filed = NumberAttribute(default=0)
    responded = NumberAttribute(default=0)
    responded_on_time = NumberAttribute(default=0)
    resolved = NumberAttribute(default=0)
    resolved_on_time = NumberAttribute(default=0)
    rated = NumberAttribute(default=0)
    satisfied = NumberAttribute(default=0)


# -- Open311 ---------------------------------------------------------------------------

# -- notices and emergency broadcasts ------------------------------------------------------
class NoticeItem(Entity, discriminator="notice"):
    """A notice; ``status``, ``category`` and ``scope_path`` are top-level for conditions and list
    filters, and the read counters for atomic ``ADD``s."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()
    category = UnicodeAttribute()
    scope_path = UnicodeAttribute()
    households = NumberAttribute(default=0)
    households_read = NumberAttribute(default=0)
    readers = NumberAttribute(default=0)


class NoticeDeliveryItem(Entity, discriminator="notice_delivery"):
    """An emergency broadcast delivered to one household; ``read_at`` set once, conditionally."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    read_at = UnicodeAttribute(null=True)


class NoticeReadItem(Entity, discriminator="notice_read"):
    """One resident has opened a notice (written once)."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)


# -- consultations and votes -------------------------------------------------------------
class ConsultationItem(Entity, discriminator="consultation"):
    """A consultation; ``state`` (active, closed, cancelled) is top-level so ballots can be
    conditioned on it."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    state = UnicodeAttribute()


class TallyItem(Entity, discriminator="consultation_tally"):
    """Votes for one option (``TALLY#<option>``), moved only in the transaction that writes a ballot."""

    votes = NumberAttribute(default=0)


class BallotItem(Entity, discriminator="consultation_ballot"):
    """One per voter (``BALLOT#<household or person>``); ``option_id`` is top-level for the change
    condition and is shown to nobody but the voter."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    option_id = UnicodeAttribute()


class ConsultationPostItem(Entity, discriminator="consultation_post"):
    """A proposal (``PROPOSAL#<id>``) or a comment (``COMMENT#<id>``); ``hidden_at`` is top-level so a
    comment is hidden once."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    hidden_at = UnicodeAttribute(null=True)


# -- nearby services directory -------------------------------------------------------------

class ServicePointItem(Entity, discriminator="service_point"):
    """A nearby-services point; ``status`` (active/retired) is top-level so writes can be conditioned on it.
    Only live points carry the index attributes (gsi1: geohash cell, gsi2: community)."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()


# -- care subjects and family links ----------------------------------------------------------
class CareSubjectItem(Entity, discriminator="care_subject"):
    """A care subject (关爱对象); ``status`` (consent ``active`` / ``withdrawn``) is top-level so
    writes can be conditioned on it."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()


class CareLinkItem(Entity, discriminator="care_link"):
    """A family contact of a care subject; ``status`` (pending / active / removed) is top-level."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()


class CareDeviceItem(Entity, discriminator="care_device"):
    """A device watching a care subject (``CAREDEV#<device>`` / ``<subject>``), while consent is active."""

    subject_id = UnicodeAttribute()


class CareVisitItem(Entity, discriminator="care_visit"):
    """A caring visit (巡访) recorded by staff."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)


# -- API keys ----------------------------------------------------------------------------------


class ApiKeyItem(Entity, discriminator="api_key"):
    """An integration API key, stored by the SHA-256 of the key only; ``status`` and ``last_used_at``
    (ISO, UTC) are top-level so revocation and the once-a-minute use stamp are conditional writes."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()
    last_used_at = UnicodeAttribute(null=True)


# -- quotas, rate windows and usage metering ------------------------------------------------


class QuotaItem(Entity, discriminator="quota"):
    """A count quota's use (``T#<t>#QUOTA`` / ``devices``), changed only together with what it counts."""

    used = NumberAttribute(default=0)


class RateItem(Entity, discriminator="rate"):
    """Requests or messages admitted in one window (epoch second or minute); gone by TTL after it."""

    used = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


class UsageItem(Entity, discriminator="usage"):
    """One city's usage on one UTC day (``T#<t>#USAGE`` / ``YYYY-MM-DD``), by atomic ``ADD``s."""

    api_requests = NumberAttribute(default=0)
    api_throttled = NumberAttribute(default=0)
    telemetry_messages = NumberAttribute(default=0)
    telemetry_readings = NumberAttribute(default=0)
    telemetry_dropped = NumberAttribute(default=0)
    alerts_raised = NumberAttribute(default=0)
    notifications = NumberAttribute(default=0)
    broadcasts = NumberAttribute(default=0)
    sms_sent = NumberAttribute(default=0)
    voice_calls = NumberAttribute(default=0)


class AuditItem(Entity, discriminator="audit"):
    """One access to a resident's personal data, written once (never updated or deleted): in the city's
    monthly log and, the same record, in the resident's partition (``VIEWED#…``)."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)


class RevealCountItem(Entity, discriminator="reveal_count"):
    """How many reveals a staff user made on one local day (a conditional ``ADD`` caps it)."""

    reveals = NumberAttribute(default=0)


# -- sorting points ------------------------------------------------------------------------
class PointsBalanceItem(Entity, discriminator="points_balance"):
    """A household's points (``BALANCE``): moved only by ``ADD`` in the transaction that writes the
    ledger entry; a redemption is conditioned on ``balance >= cost``, so it never goes below zero."""

    balance = NumberAttribute(default=0)
    earned = NumberAttribute(default=0)
    redeemed = NumberAttribute(default=0)


class PointsDayItem(Entity, discriminator="points_day"):
    """Points a household earned on one local day, written conditionally on the value read (the daily cap)."""

    points = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


class PointsEntryItem(Entity, discriminator="points_entry"):
    """A ledger entry, a bound credential, a deposit record or a receipt: written once, never changed."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)


class PointsRankItem(Entity, discriminator="points_rank"):
    """One household's month in its building: points and grams by category (``ADD``)."""

    points = NumberAttribute(default=0)
    recyclable_g = NumberAttribute(default=0)
    food_g = NumberAttribute(default=0)
    hazardous_g = NumberAttribute(default=0)
    residual_g = NumberAttribute(default=0)


class StockItem(Entity, discriminator="stock"):
    """Goods on hand at a redemption point; a redemption takes them only while ``quantity >= wanted``."""

    quantity = NumberAttribute(default=0)


class SortingStatsItem(Entity, discriminator="sorting_stats"):
    """One community's month of sorting (``ADD`` with every deposit and redemption)."""

    deposits = NumberAttribute(default=0)
    unmatched = NumberAttribute(default=0)
    points = NumberAttribute(default=0)
    redeemed = NumberAttribute(default=0)
    recyclable_g = NumberAttribute(default=0)
    food_g = NumberAttribute(default=0)
    hazardous_g = NumberAttribute(default=0)
    residual_g = NumberAttribute(default=0)


class CareVisitStatsItem(Entity, discriminator="care_visit_stats"):
    """One community's caring visits in a month (``ADD`` in the transaction that records each visit)."""

    visits = NumberAttribute(default=0)  # made: she was reached
    on_time = NumberAttribute(default=0)  # made by the date it was due
    not_reached = NumberAttribute(default=0)
    needs = NumberAttribute(default=0)  # needs found, filed as service requests


# -- entrance access and group-rental leads -------------------------------------------------
class AccessWeekItem(Entity, discriminator="access_week"):
    """A household's passages in one local week: each day's entries and exits and the week's night
    entries as sets of passage ids, the cards used as a set of credentials (``ADD``: idempotent)."""

    household_id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    week = UnicodeAttribute()  # the Monday, YYYY-MM-DD
    in1 = UnicodeSetAttribute(null=True)
    in2 = UnicodeSetAttribute(null=True)
    in3 = UnicodeSetAttribute(null=True)
    in4 = UnicodeSetAttribute(null=True)
    in5 = UnicodeSetAttribute(null=True)
    in6 = UnicodeSetAttribute(null=True)
    in7 = UnicodeSetAttribute(null=True)
    out = UnicodeSetAttribute(null=True)
    night = UnicodeSetAttribute(null=True)
    cards = UnicodeSetAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # TTL (epoch seconds)


class RentalLeadItem(Entity, discriminator="rental_lead"):
    """A 疑似群租 lead: one per household, its evidence (counts only) and decisions; written on the version read."""

    status = UnicodeAttribute()
    data: MapAttribute[str, Any] = MapAttribute(default=dict)


class RentalLeadStatsItem(Entity, discriminator="rental_lead_stats"):
    """A community's leads by status (``ADD`` as a lead opens, is confirmed or dismissed)."""

    open = NumberAttribute(default=0)
    confirmed = NumberAttribute(default=0)
    dismissed = NumberAttribute(default=0)


# -- the city dashboard ----------------------------------------------------------------------
class DeviceCensusItem(Entity, discriminator="device_census"):
    """A community's devices as the city health job counted them at ``counted_at`` (put whole each run)."""

    total = NumberAttribute(default=0)
    online = NumberAttribute(default=0)
    by_type: MapAttribute[str, Any] = MapAttribute(default=dict)  # device type → how many
    counted_at = UTCDateTimeAttribute()


# -- one-table reporting ---------------------------------------------------------------------
class ReportSubmissionItem(Entity, discriminator="report_submission"):
    """A community's monthly report as submitted: its counts, locked (put only if absent), who and when."""

    counts: MapAttribute[str, Any] = MapAttribute(default=dict)
    submitted_by = UnicodeAttribute()


# -- spreadsheet imports -----------------------------------------------------------------------
class ImportItem(Entity, discriminator="import"):
    """An import of the city's hierarchy from a spreadsheet: its file, state, progress and problems."""

    data: MapAttribute[str, Any] = MapAttribute(default=dict)
    status = UnicodeAttribute()


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
