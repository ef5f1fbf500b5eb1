"""Residents' reads, in the notice's partition: ``READ#<user>``, written once.

The read item is put on the condition that there is none yet, and the notice's ``readers``
counter goes up in the same transaction, so marking read twice counts once.
"""

from __future__ import annotations

from typing import Any

from chalicelib.notices.deliveries import once
from chalicelib.notices.repository import NOTICE
from chalicelib.store.base import TenantRepository, now, transaction
from chalicelib.store.models import NoticeItem, NoticeReadItem


def _read_at(item: Any) -> str:
    data = item.data.as_dict() if hasattr(item.data, "as_dict") else dict(item.data)
    return str(data["read_at"])


class ReadRepository(TenantRepository):
    def mark(self, notice_id: str, user_id: str, at: str) -> bool:
        """True for the resident's first read of the notice, False after that."""
        pk, stamp = self.tenant.notice_pk(notice_id), now()
        item = NoticeReadItem(pk, f"READ#{user_id}", tenant_id=self.tenant.tenant_id, data={"read_at": at},
                              created_at=stamp, updated_at=stamp)

        def write() -> None:
            with transaction() as tx:
                tx.save(item, condition=NoticeReadItem.pk.does_not_exist())
                tx.update(NoticeItem(pk, NOTICE), actions=[NoticeItem.readers.add(1)])

        return once(write)

    def of(self, user_id: str, notice_ids: list[str]) -> dict[str, str]:
        """notice id → when this resident read it, for the notices they did (one BatchGetItem per 100)."""
        keys = [(self.tenant.notice_pk(n), f"READ#{user_id}") for n in notice_ids]
        if not keys:
            return {}
        found = self._guard(lambda: list(NoticeReadItem.batch_get(keys)))
        return {str(i.pk).rsplit("#", 1)[-1]: _read_at(i) for i in found}
