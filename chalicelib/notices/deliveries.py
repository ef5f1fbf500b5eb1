"""Household receipts of emergency broadcasts, in the notice's partition: ``HH#<household>``, ``read_at``
top-level; gsi1 ``T#<t>#NOTICERCPT#<id>#<unread|read>`` / ``<building path>#<household>``.

Marking read writes the receipt on the condition that there is none yet, and adds 1 to the
notice's counter in the same transaction: two members of one household reading at once
cannot both count, and a counter never moves without its receipt.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib.errors import NotFound, StorageError
from chalicelib.notices.repository import NOTICE
from chalicelib.residents.repository import PROFILE
from chalicelib.store.base import (
    TenantRepository,
    condition_failed,
    decode_cursor,
    doc_of,
    now,
    storage_errors,
    transaction,
)
from chalicelib.store.models import NoticeDeliveryItem, NoticeItem, ResidentItem

Doc = dict[str, Any]
ATTEMPTS = 5



def _place_sk(d: Doc) -> str:
    return "/".join(d["path"]) + "#" + d["household_id"]


def _refused(exc: PynamoDBException) -> bool:
    """Refused by a condition (already read), as opposed to a conflict with a concurrent transaction."""
    if isinstance(exc, TransactWriteError) and exc.cancellation_reasons:
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in exc.cancellation_reasons)
    return condition_failed(exc)


def once(write: Callable[[], None]) -> bool:
    """Run a transaction: True when written, False when its condition says it was done already;
    lost races with other transactions on the notice's counters are retried."""
    for attempt in range(ATTEMPTS):
        try:
            write()
            return True
        except PynamoDBException as exc:
            if _refused(exc):
                return False
            if not condition_failed(exc):
                raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
        time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # noqa: S311 - jitter
    raise StorageError("the notice kept changing under this write; try again")


class DeliveryRepository(TenantRepository):
    def deliver(self, notice_id: str, households: list[Doc]) -> None:
        stamp, pk = now(), self.tenant.notice_pk(notice_id)
        unread = self.tenant.notice_receipts_pk(notice_id, "unread")
        with storage_errors(), NoticeDeliveryItem.batch_write() as batch:
            for h in households:
                batch.save(NoticeDeliveryItem(pk, f"HH#{h['household_id']}", tenant_id=self.tenant.tenant_id,
                                              data={**h, "followups": []}, gsi1pk=unread, gsi1sk=_place_sk(h),
                                              created_at=stamp, updated_at=stamp))

    def mark_household(self, notice_id: str, delivery: Doc, at: str, by: str, via: str) -> bool:
        pk = self.tenant.notice_pk(notice_id)
        item = NoticeDeliveryItem(pk, f"HH#{delivery['household_id']}")
        actions = [NoticeDeliveryItem.read_at.set(at), NoticeDeliveryItem.data["read_at"].set(at),
                   NoticeDeliveryItem.data["read_by"].set(by), NoticeDeliveryItem.data["read_via"].set(via),
                   NoticeDeliveryItem.gsi1pk.set(self.tenant.notice_receipts_pk(notice_id, "read")),
                   NoticeDeliveryItem.updated_at.set(now())]

        def write() -> None:
            with transaction() as tx:
                tx.update(item, actions=actions,
                          condition=NoticeDeliveryItem.pk.exists() & NoticeDeliveryItem.read_at.does_not_exist())
                tx.update(NoticeItem(pk, NOTICE), actions=[NoticeItem.households_read.add(1)])

        return once(write)

    def add_followup(self, notice_id: str, household_id: str, entry: Doc) -> None:
        item = NoticeDeliveryItem(self.tenant.notice_pk(notice_id), f"HH#{household_id}")
        followups = NoticeDeliveryItem.data["followups"]
        with storage_errors(on_condition=NotFound("no delivery to this household", field="household_id")):
            item.update(actions=[followups.set(followups.append([entry])), NoticeDeliveryItem.updated_at.set(now())],
                        condition=NoticeDeliveryItem.pk.exists())

    def delivery(self, notice_id: str, household_id: str) -> Doc | None:
        item = self._get(NoticeDeliveryItem, self.tenant.notice_pk(notice_id), f"HH#{household_id}")
        return doc_of(item) if item else None

    def page(self, notice_id: str, state: str, limit: int, cursor: str | None,
             communities: list[str] | None = None) -> tuple[list[Doc], str | None]:
        """Deliveries in one state by place, after the cursor (the last place key shown), only in
        ``communities`` when given."""
        after = decode_cursor(cursor)
        if communities is not None and not communities:
            return [], None
        partition = self.tenant.notice_receipts_pk(notice_id, state)
        where = NoticeDeliveryItem.data["community_id"].is_in(*communities) if communities else None

        def read() -> tuple[list[Any], Any]:
            result = NoticeDeliveryItem.gsi1.query(
                partition, NoticeDeliveryItem.gsi1sk > after if after else None,  # type: ignore[arg-type]
                filter_condition=where, limit=limit)
            return list(result), result.last_evaluated_key

        items, last = self._guard(read)
        return [doc_of(i) for i in items], (str(items[-1].gsi1sk) if last and items else None)

    def masked_names(self, user_ids: list[str]) -> dict[str, str]:
        """user id → masked name, from the residents' registrations (one BatchGetItem per 100)."""
        keys = [(self.tenant.resident_pk(u), PROFILE) for u in sorted(set(user_ids))]
        if not keys:
            return {}
        found = self._guard(lambda: list(ResidentItem.batch_get(keys)))
        return {str(i.pk).rsplit("#", 1)[-1]: doc_of(i).get("name_masked", "") for i in found}
