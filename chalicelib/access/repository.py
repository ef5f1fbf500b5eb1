"""Entrance passages and leads in the city's partitions (keys in ``store/keys.py``):

- ``ACCESS#<household>`` / ``W#<Monday>``: one local week of a household's passages — ``in1``..``in7``
  (entries each day), ``out``, ``night`` as sets of passage ids and ``cards`` as a set of credentials, all
  moved by ``ADD``: a passage delivered twice, or by two batches at once, counts once (TTL 12 weeks);
- ``RENTLEAD#<community>`` / ``<household>``: the household's lead, written on the version read;
- ``RENTLEADSTAT`` / ``<community>``: leads by status, moved in the lead's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action

from chalicelib.errors import StorageError
from chalicelib.store.base import TenantRepository, condition_failed, doc_of, transaction
from chalicelib.store.models import AccessWeekItem, RentalLeadItem, RentalLeadStatsItem

Doc = dict[str, Any]
WEEK_TTL_SECONDS = 12 * 7 * 86_400
DAYS = ("in1", "in2", "in3", "in4", "in5", "in6", "in7")
STATUSES = ("open", "confirmed", "dismissed")


@dataclass(frozen=True)
class WeekAdd:
    """What one batch adds to a household's week."""

    household_id: str
    community_id: str
    week: str  # the Monday, YYYY-MM-DD
    entries: dict[int, set[str]]  # weekday (0 = Monday) → passage ids
    exits: set[str]
    night: set[str]
    cards: set[str]
    expires_at: int


@dataclass(frozen=True)
class WeekTotals:
    entries: list[int]  # Monday first
    exits: int
    night: int
    cards: int


def _totals(item: Any) -> WeekTotals:
    return WeekTotals([len(getattr(item, d) or ()) for d in DAYS], len(item.out or ()), len(item.night or ()),
                      len(item.cards or ()))


class AccessRepository(TenantRepository):
    def add_week(self, add: WeekAdd) -> WeekTotals:
        """Add a batch's passages to the household's week (``ADD`` of sets, one UpdateItem) and return the
        week's totals after it."""
        t = self.tenant.tenant_id
        actions: list[Action] = [AccessWeekItem.kind.set(AccessWeekItem), AccessWeekItem.tenant_id.set(t),
                                 AccessWeekItem.household_id.set(add.household_id),
                                 AccessWeekItem.community_id.set(add.community_id),
                                 AccessWeekItem.week.set(add.week), AccessWeekItem.expires_at.set(add.expires_at)]
        for weekday, ids in add.entries.items():
            actions.append(getattr(AccessWeekItem, DAYS[weekday]).add(ids))
        for attr, ids in ((AccessWeekItem.out, add.exits), (AccessWeekItem.night, add.night),
                          (AccessWeekItem.cards, add.cards)):
            if ids:
                actions.append(attr.add(ids))
        item = AccessWeekItem(self.tenant.access_pk(add.household_id), f"W#{add.week}")
        self._guard(lambda: item.update(actions=actions))
        return _totals(item)

    def weeks(self, household_id: str, limit: int) -> list[tuple[str, WeekTotals]]:
        """The household's latest weeks, newest first."""
        items = self._guard(lambda: list(AccessWeekItem.query(
            self.tenant.access_pk(household_id), AccessWeekItem.sk.startswith("W#"), scan_index_forward=False,
            limit=limit)))
        return [(i.week, _totals(i)) for i in items]

    def lead(self, community_id: str, household_id: str, consistent: bool = False) -> tuple[Doc, int] | None:
        def read() -> RentalLeadItem | None:
            try:
                return RentalLeadItem.get(self.tenant.rental_leads_pk(community_id), household_id,
                                          consistent_read=consistent)
            except RentalLeadItem.DoesNotExist:
                return None

        item = self._guard(read)
        return (doc_of(item), int(item.version)) if item else None

    def leads(self, community_id: str) -> list[Doc]:
        """A community's leads (one per household: a community has tens, not thousands)."""
        items = self._guard(lambda: list(RentalLeadItem.query(self.tenant.rental_leads_pk(community_id))))
        return [doc_of(i) for i in items]

    def counts(self, community_ids: list[str] | None) -> dict[str, dict[str, int]]:
        """Leads by status per community (the whole city with ``None``): one Query."""
        items = self._guard(lambda: list(RentalLeadStatsItem.query(self.tenant.rental_lead_stats_pk())))
        return {i.sk: {s: int(getattr(i, s)) for s in STATUSES} for i in items
                if community_ids is None or i.sk in community_ids}

    def save_lead(self, doc: Doc, version: int | None, moves: dict[str, int]) -> bool:
        """Write the lead if its version is still ``version`` (``None``: only if there is none yet), moving the
        community's counts in the same transaction; False when someone else wrote it first."""
        t, community = self.tenant.tenant_id, doc["community_id"]
        item = RentalLeadItem(self.tenant.rental_leads_pk(community), doc["household_id"], tenant_id=t,
                              status=doc["status"], version=(version or 0) + 1, data=doc)
        cond = RentalLeadItem.pk.does_not_exist() if version is None else RentalLeadItem.version == version
        try:
            with transaction() as tx:
                tx.save(item, condition=cond)
                if moves:
                    tx.update(RentalLeadStatsItem(self.tenant.rental_lead_stats_pk(), community), actions=[
                        *(getattr(RentalLeadStatsItem, s).add(n) for s, n in moves.items()),
                        RentalLeadStatsItem.kind.set(RentalLeadStatsItem), RentalLeadStatsItem.tenant_id.set(t)])
        except PynamoDBException as exc:
            if condition_failed(exc):
                return False
            raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
        return True
