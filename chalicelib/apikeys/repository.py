"""API keys in the tenant's ``T#<t>#APIKEYS`` partition, keyed ``KEY#<sha256 hex of the key>``.

Verifying a key is one GetItem by its hash; the list (a city has a few dozen keys at most) is one
Query of the partition. ``status`` and ``last_used_at`` are top-level for conditional writes.
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Conflict
from chalicelib.store.base import TenantRepository, now, storage_errors
from chalicelib.store.models import ApiKeyItem

Doc = dict[str, Any]


def sort_key(key_hash: str) -> str:
    return f"KEY#{key_hash}"


def _doc(item: ApiKeyItem) -> Doc:
    data = item.data.as_dict() if hasattr(item.data, "as_dict") else dict(item.data)
    return {**data, "status": item.status, "last_used_at": item.last_used_at}


class ApiKeyRepository(TenantRepository):
    def by_hash(self, key_hash: str) -> Doc | None:
        item = self._get(ApiKeyItem, self.tenant.api_keys_pk(), sort_key(key_hash))
        return _doc(item) if item else None

    def all(self) -> list[Doc]:
        items = self._guard(lambda: list(ApiKeyItem.query(self.tenant.api_keys_pk())))
        return [_doc(i) for i in items]

    def add(self, key_hash: str, doc: Doc) -> None:
        stamp = now()
        item = ApiKeyItem(self.tenant.api_keys_pk(), sort_key(key_hash), tenant_id=self.tenant.tenant_id,
                          status="active", data=doc, created_at=stamp, updated_at=stamp)
        with storage_errors(on_condition=Conflict("key collision; try again", field="api_key")):
            item.save(condition=ApiKeyItem.sk.does_not_exist())

    def revoke(self, key_hash: str, changes: Doc, data: Doc) -> None:
        """Mark an active key revoked, once."""
        with storage_errors(on_condition=Conflict("this key is already revoked", field="api_key_id")):
            ApiKeyItem(self.tenant.api_keys_pk(), sort_key(key_hash)).update(
                actions=[ApiKeyItem.status.set("revoked"), ApiKeyItem.data.set({**data, **changes}),
                         ApiKeyItem.updated_at.set(now())],
                condition=ApiKeyItem.status == "active")

    def touch(self, key_hash: str, at: str, stale_before: str) -> bool:
        """Stamp ``last_used_at`` unless it is newer than ``stale_before``; False when it was."""
        return self._written(lambda: ApiKeyItem(self.tenant.api_keys_pk(), sort_key(key_hash)).update(
            actions=[ApiKeyItem.last_used_at.set(at)],
            condition=ApiKeyItem.sk.exists() & (ApiKeyItem.last_used_at.does_not_exist()
                                                | (ApiKeyItem.last_used_at < stale_before))))
