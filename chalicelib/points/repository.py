"""Sorting points in the city's partitions (keys in ``store/keys.py``):

- ``PTS#<household>``: ``BALANCE`` (balance, earned, redeemed by ``ADD``), ``LEDGER#<at>#<id>`` (append
  only), ``CARD#<credential>`` (the household's cards and phones, masked), ``DAY#<date>`` (today's points,
  written on the value read: the daily cap under concurrency; TTL);
- ``CRED#<credential>`` / ``CRED``: a credential's household (one per credential, conditional put);
- ``DEPOSIT#<device>#<event>`` / ``DEPOSIT``: the deposit as recorded, put only if absent — a redelivered
  event finds it and credits nothing;
- ``PTSRANK#<building>#<month>`` / ``<household>``: a building's month (one Query ranks it);
- ``STOCK#<point>``: ``GOODS#<id>`` (quantity) and ``RECEIPT#<at>#<no>``;
- ``SORTSTAT#<month>`` / ``<community>``: the diversion figures, moved with every deposit and redemption.

Every credit and every redemption is one TransactWriteItems: the ledger entry never exists without the
balance it moved, and a redemption is conditioned on the balance and each goods' stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.expressions.update import Action

from chalicelib.errors import StorageError
from chalicelib.store.base import TenantRepository, doc_of, transaction
from chalicelib.store.models import (
    PointsBalanceItem,
    PointsDayItem,
    PointsEntryItem,
    PointsRankItem,
    SortingStatsItem,
    StockItem,
)

Doc = dict[str, Any]
BALANCE, CRED = "BALANCE", "CRED"
CATEGORIES = ("recyclable", "food", "hazardous", "residual")
DAY_TTL_SECONDS = 3 * 86_400
REDEEM_PUTS = 2  # a redemption's transaction: its puts come first in what PynamoDB sends (below)


@dataclass(frozen=True)
class Credit:
    """A deposit to record: the deposit doc, and for a household its ledger entry and today's points."""

    deposit: Doc
    community_id: str
    month: str
    household_id: str | None = None
    building_id: str | None = None
    entry: Doc | None = None
    day: str | None = None
    today_read: int = 0  # the day's points as read: the write is conditioned on it
    day_expires: int = 0


def _reasons(exc: PynamoDBException) -> list[str | None]:
    if isinstance(exc, TransactWriteError) and exc.cause_response_code == "TransactionCanceledException":
        return [r.code if r is not None else None for r in exc.cancellation_reasons]
    raise StorageError(f"storage call failed: {type(exc).__name__}") from exc


class PointsRepository(TenantRepository):
    # -- reads -----------------------------------------------------------------------------
    def balance(self, household_id: str, consistent: bool = False) -> tuple[int, int, int]:
        def read() -> PointsBalanceItem | None:
            try:
                return PointsBalanceItem.get(self.tenant.points_pk(household_id), BALANCE, consistent_read=consistent)
            except PointsBalanceItem.DoesNotExist:
                return None

        item = self._guard(read)
        return (int(item.balance), int(item.earned), int(item.redeemed)) if item else (0, 0, 0)

    def today(self, household_id: str, day: str) -> int:
        item = self._get(PointsDayItem, self.tenant.points_pk(household_id), f"DAY#{day}")
        return int(item.points) if item else 0

    def credential(self, credential_id: str) -> Doc | None:
        item = self._get(PointsEntryItem, self.tenant.credential_pk(credential_id), CRED)
        return doc_of(item) if item else None

    def bound(self, credential_ids: list[str]) -> dict[str, Doc]:
        """The households of many credentials at once (BatchGetItem): credential → its binding."""
        keys = [(self.tenant.credential_pk(c), CRED) for c in dict.fromkeys(credential_ids)]
        items = self._guard(lambda: list(PointsEntryItem.batch_get(keys))) if keys else []
        return {(doc := doc_of(i))["credential_id"]: doc for i in items}

    def credentials(self, household_id: str) -> list[Doc]:
        return self._entries(self.tenant.points_pk(household_id), "CARD#")

    def ledger(self, household_id: str, limit: int, after: str | None) -> tuple[list[Doc], str | None]:
        """Newest first; ``after``: the sort key the previous page ended at."""
        pk = self.tenant.points_pk(household_id)
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None

        def read() -> tuple[list[Any], Any]:
            result = PointsEntryItem.query(pk, PointsEntryItem.sk.startswith("LEDGER#"), scan_index_forward=False,
                                           limit=limit, last_evaluated_key=start)
            return list(result), result.last_evaluated_key

        items, last = self._guard(read)
        return [doc_of(i) for i in items], (last["sk"]["S"] if last else None)

    def month_of(self, building_id: str, month: str, household_id: str) -> PointsRankItem | None:
        return self._get(PointsRankItem, self.tenant.points_ranking_pk(building_id, month), household_id)

    def ranking(self, building_id: str, month: str) -> list[tuple[str, int]]:
        """(household, points) of a building's month, most points first (one Query: a building's households)."""
        items = self._guard(lambda: list(PointsRankItem.query(self.tenant.points_ranking_pk(building_id, month))))
        return sorted(((i.sk, int(i.points)) for i in items), key=lambda r: (-r[1], r[0]))

    def stock(self, service_point_id: str) -> dict[str, int]:
        items = self._guard(lambda: list(StockItem.query(self.tenant.stock_pk(service_point_id),
                                                         StockItem.sk.startswith("GOODS#"))))
        return {i.sk.removeprefix("GOODS#"): int(i.quantity) for i in items}

    def receipts(self, service_point_id: str, limit: int) -> list[Doc]:
        return self._entries(self.tenant.stock_pk(service_point_id), "RECEIPT#", limit=limit, newest_first=True)

    def stats(self, month: str) -> list[SortingStatsItem]:
        return self._guard(lambda: list(SortingStatsItem.query(self.tenant.sorting_stats_pk(month))))

    def _entries(self, pk: str, prefix: str, limit: int | None = None, newest_first: bool = False) -> list[Doc]:
        items = self._guard(lambda: list(PointsEntryItem.query(pk, PointsEntryItem.sk.startswith(prefix),
                                                               scan_index_forward=not newest_first, limit=limit)))
        return [doc_of(i) for i in items]

    # -- writes ----------------------------------------------------------------------------
    def bind(self, credential_id: str, doc: Doc) -> bool:
        """Bind a credential to ``doc['household_id']``; False when it is bound already (to anyone)."""
        t = self.tenant.tenant_id

        def write() -> None:
            with transaction() as tx:
                tx.save(PointsEntryItem(self.tenant.credential_pk(credential_id), CRED, tenant_id=t, data=doc),
                        condition=PointsEntryItem.pk.does_not_exist())
                tx.save(PointsEntryItem(self.tenant.points_pk(doc["household_id"]), f"CARD#{credential_id}",
                                        tenant_id=t, data=doc))

        return self._written(write)

    def unbind(self, credential_id: str, household_id: str) -> bool:
        """False when the credential is not (or no longer) this household's."""
        def write() -> None:
            with transaction() as tx:
                tx.delete(PointsEntryItem(self.tenant.credential_pk(credential_id), CRED),
                          condition=PointsEntryItem.data["household_id"] == household_id)
                tx.delete(PointsEntryItem(self.tenant.points_pk(household_id), f"CARD#{credential_id}"))

        return self._written(write)

    def record(self, credit: Credit) -> str:
        """Write a deposit (and its credit) at once: ``recorded``, ``duplicate`` (this bin's event was recorded
        before: nothing written) or ``day_changed`` (another deposit moved today's points: read and retry)."""
        t, dep = self.tenant.tenant_id, credit.deposit
        grams, points = round(dep["weight_kg"] * 1000), int(dep["points"])
        stats = [getattr(SortingStatsItem, f"{dep['category']}_g").add(grams), SortingStatsItem.deposits.add(1),
                 SortingStatsItem.unmatched.add(0 if credit.household_id else 1), SortingStatsItem.points.add(points),
                 SortingStatsItem.kind.set(SortingStatsItem), SortingStatsItem.tenant_id.set(t)]
        try:
            with transaction() as tx:
                tx.save(PointsEntryItem(self.tenant.deposit_pk(dep["device_id"], dep["event_id"]), "DEPOSIT",
                                        tenant_id=t, data=dep), condition=PointsEntryItem.pk.does_not_exist())
                tx.update(SortingStatsItem(self.tenant.sorting_stats_pk(credit.month), credit.community_id),
                          actions=stats)
                if credit.household_id and credit.entry is not None:
                    pk = self.tenant.points_pk(credit.household_id)
                    tx.save(PointsEntryItem(pk, f"LEDGER#{credit.entry['at']}#{credit.entry['entry_id']}",
                                            tenant_id=t, data=credit.entry))
                    self._credit(tx, credit, pk, points, grams)
        except PynamoDBException as exc:
            reasons = _reasons(exc)  # the deposit's put is the transaction's first item (puts go first)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return "duplicate"
            if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons:
                return "day_changed"
            raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
        return "recorded"

    def _credit(self, tx: Any, credit: Credit, pk: str, points: int, grams: int) -> None:
        """The household's month (grams always, points when any) and, for points, the balance and the day's
        points — the latter conditioned on the value the cap was computed from."""
        t, dep = self.tenant.tenant_id, credit.deposit
        if points:
            tx.update(PointsBalanceItem(pk, BALANCE), actions=[
                PointsBalanceItem.balance.add(points), PointsBalanceItem.earned.add(points),
                PointsBalanceItem.kind.set(PointsBalanceItem), PointsBalanceItem.tenant_id.set(t)])
            day = PointsDayItem(pk, f"DAY#{credit.day}")
            read = (PointsDayItem.pk.does_not_exist() if credit.today_read == 0
                    else PointsDayItem.points == credit.today_read)
            tx.update(day, actions=[PointsDayItem.points.set(credit.today_read + points),
                                    PointsDayItem.expires_at.set(credit.day_expires),
                                    PointsDayItem.kind.set(PointsDayItem), PointsDayItem.tenant_id.set(t)],
                      condition=read)
        assert credit.building_id and credit.household_id
        tx.update(PointsRankItem(self.tenant.points_ranking_pk(credit.building_id, credit.month),
                                 credit.household_id),
                  actions=[PointsRankItem.points.add(points),
                           getattr(PointsRankItem, f"{dep['category']}_g").add(grams),
                           PointsRankItem.kind.set(PointsRankItem), PointsRankItem.tenant_id.set(t)])

    def redeem(self, household_id: str, community_id: str, month: str, cost: int, lines: list[tuple[str, int]],
               entry: Doc, receipt: Doc, service_point_id: str) -> str | int:
        """One transaction: the balance (only while ``>= cost``), each goods' stock (only while enough), the
        ledger entry, the receipt and the month's figures. ``"ok"``; ``"points"`` when the balance is short;
        the index of the line whose stock is short."""
        t = self.tenant.tenant_id
        pk, stock_pk = self.tenant.points_pk(household_id), self.tenant.stock_pk(service_point_id)
        try:
            with transaction() as tx:
                tx.update(PointsBalanceItem(pk, BALANCE),
                          actions=[PointsBalanceItem.balance.add(-cost), PointsBalanceItem.redeemed.add(cost)],
                          condition=PointsBalanceItem.balance >= cost)
                for goods_id, quantity in lines:
                    tx.update(StockItem(stock_pk, f"GOODS#{goods_id}"), actions=[StockItem.quantity.add(-quantity)],
                              condition=StockItem.quantity >= quantity)
                tx.save(PointsEntryItem(pk, f"LEDGER#{entry['at']}#{entry['entry_id']}", tenant_id=t, data=entry))
                tx.save(PointsEntryItem(stock_pk, f"RECEIPT#{receipt['at']}#{receipt['receipt_no']}", tenant_id=t,
                                        data=receipt), condition=PointsEntryItem.pk.does_not_exist())
                tx.update(SortingStatsItem(self.tenant.sorting_stats_pk(month), community_id), actions=[
                    SortingStatsItem.redeemed.add(cost), SortingStatsItem.kind.set(SortingStatsItem),
                    SortingStatsItem.tenant_id.set(t)])
        except PynamoDBException as exc:
            reasons = _reasons(exc)
            failed = [i for i, r in enumerate(reasons) if r == "ConditionalCheckFailed"]
            if not failed:
                raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
            # PynamoDB sends the puts (ledger entry, receipt) before the updates (balance, each line's stock)
            return "points" if failed[0] == REDEEM_PUTS else failed[0] - REDEEM_PUTS - 1
        return "ok"

    def restock(self, service_point_id: str, goods_id: str, add: int) -> bool:
        """Add (or write off) goods; False when a write-off would take the stock below zero."""
        item = StockItem(self.tenant.stock_pk(service_point_id), f"GOODS#{goods_id}")
        actions: list[Action] = [StockItem.quantity.add(add), StockItem.kind.set(StockItem),
                   StockItem.tenant_id.set(self.tenant.tenant_id)]
        cond = None if add > 0 else StockItem.quantity >= -add
        return self._written(lambda: item.update(actions=actions, condition=cond))
