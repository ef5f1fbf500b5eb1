"""The access log: each reveal is written once, in the same transaction as the staff member's daily count.

``T#<t>#AUDIT#<YYYY-MM>`` / ``<iso time>#<audit id>``: the city's log, a month per partition, newest
first by Query. ``T#<t>#RES#<user>`` / ``VIEWED#<iso time>#<audit id>``: the same record beside the
resident's profile ("who viewed my data" is one Query). ``T#<t>#REVEALS#<username>`` / ``<day>``:
the count, raised with a conditional ``ADD`` so the daily cap holds under concurrent reveals.
Nothing here is ever updated or deleted — not even when the resident closes the account.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PynamoDBException

from chalicelib.errors import RateLimited, StorageError
from chalicelib.store.base import TenantRepository, condition_failed, doc_of, transaction
from chalicelib.store.models import AuditItem, RevealCountItem

VIEWED = "VIEWED#"


class AuditRepository(TenantRepository):
    def record(self, record: dict[str, Any], day: str, limit: int, retry_after: int) -> int:
        """Count the reveal (at most ``limit`` a day) and write it to both places, all or nothing; the count."""
        at, audit_id = record["at"], record["audit_id"]
        counter = RevealCountItem(self.tenant.reveals_pk(record["viewer"]), day)
        under_cap = RevealCountItem.reveals.does_not_exist() | (RevealCountItem.reveals < limit)
        t = self.tenant.tenant_id
        try:
            with transaction() as tx:
                tx.update(counter, actions=[RevealCountItem.reveals.add(1),
                                            RevealCountItem.tenant_id.set(t)], condition=under_cap)
                for pk, sk in ((self.tenant.audit_pk(record["month"]), f"{at}#{audit_id}"),
                               (self.tenant.resident_pk(record["resident_id"]), f"{VIEWED}{at}#{audit_id}")):
                    tx.save(AuditItem(pk, sk, tenant_id=t, data=record), condition=AuditItem.pk.does_not_exist())
        except PynamoDBException as exc:
            if condition_failed(exc):
                raise RateLimited(f"at most {limit} reveals a day; the count starts again tomorrow",
                                  quota="reveals_per_day", limit=limit, retry_after=retry_after) from exc
            raise StorageError(f"storage call failed: {type(exc).__name__}") from exc
        found = self._get(RevealCountItem, counter.pk, day)
        return int(found.reveals) if found else 1

    def month(self, month: str, limit: int, after: str | None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a month's log, newest first, and the sort key to continue after."""
        pk = self.tenant.audit_pk(month)
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None

        def read() -> tuple[list[AuditItem], Any]:
            result = AuditItem.query(pk, scan_index_forward=False, limit=limit, last_evaluated_key=start)
            return list(result), result.last_evaluated_key

        items, last = self._guard(read)
        return [doc_of(i) for i in items], (last["sk"]["S"] if last else None)

    def whole_month(self, month: str) -> list[dict[str, Any]]:
        return [doc_of(i) for i in self._guard(lambda: list(AuditItem.query(self.tenant.audit_pk(month))))]

    def viewed(self, resident_id: str, limit: int = 200) -> list[dict[str, Any]]:
        """Who saw the resident's data, newest first."""
        def read() -> list[AuditItem]:
            return list(AuditItem.query(self.tenant.resident_pk(resident_id), AuditItem.sk.startswith(VIEWED),
                                        scan_index_forward=False, limit=limit))

        return [doc_of(i) for i in self._guard(read)]
