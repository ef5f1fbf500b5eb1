"""Notifications, one inbox per user: ``T#<t>#INBOX#<username>`` / ``<sent_at>#<ref>#<level>`` where
``ref`` is the alert, notice or request id; read newest first; kept 90 days (the table's TTL
attribute ``expires_at``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.errors import InvalidInput
from chalicelib.store.base import TenantRepository, doc_of, now, storage_errors
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import InboxItem
from chalicelib.usage.meter import meter

KEEP = timedelta(days=90)



class InboxRepository(TenantRepository):
    def send(self, usernames: Iterable[str], note: dict[str, Any], at: datetime) -> None:
        ref = note.get("alert_id") or note.get("notice_id") or note.get("request_id")
        sk = f"{note['sent_at']}#{ref}#{note.get('level', 1)}"
        expires = int((at + KEEP).timestamp())
        stamp = now()
        names = sorted(set(usernames))
        with storage_errors(), InboxItem.batch_write() as batch:
            for username in names:
                batch.save(InboxItem(self.tenant.inbox_pk(username), sk, tenant_id=self.tenant.tenant_id,
                                     data=note, expires_at=expires, created_at=stamp, updated_at=stamp))
        meter.count(self.tenant.tenant_id, notifications=len(names))  # usage: inbox items written
        meter.maybe_flush()

    def newest(self, username: str, limit: int, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        pk = self.tenant.inbox_pk(username)
        if after is not None and after.count("#") != 2:
            raise InvalidInput("cursor is not one this API returned", field="cursor")
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None

        def read() -> tuple[list[InboxItem], Any]:
            result = InboxItem.query(pk, scan_index_forward=False, limit=limit, last_evaluated_key=start)
            return list(result), result.last_evaluated_key

        items, last = self._guard(read)
        return [doc_of(i) for i in items], (last["sk"]["S"] if last else None)


def tell(tenant: TenantContext, usernames: Iterable[str], kind: str, ref: str, text: dict[str, str], at: datetime,
         **fields: Any) -> None:
    """A notice or request notification (``kind`` names the id field: ``notice_id`` / ``request_id``)."""
    names = [u for u in usernames if u]
    if names:
        sent = at.astimezone(UTC).isoformat(timespec="microseconds")
        note = {"kind": kind, f"{kind}_id": ref, "text": text, "sent_at": sent, "level": 1, **fields}
        InboxRepository(tenant).send(names, note, at)
