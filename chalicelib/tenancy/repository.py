"""Tenant configuration storage: profile, hierarchy nodes, departments, catalog, staff.

All of it lives in the tenant's ``T#<tenant>#CONF`` partition as whole documents keyed
``<type>#<id>``; hierarchy nodes are also indexed by kind and path (GSI1) so the
children of any node are one Query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from chalicelib.errors import AppError, NotFound
from chalicelib.store import models
from chalicelib.store.base import TenantRepository, now, storage_errors, transaction
from chalicelib.store.keys import PLATFORM_TENANTS
from chalicelib.store.models import ConfigItem

PROFILE = "tenant"
DIGESTS = "manifest"  # the fingerprints of the manifest's sections as last applied (chalicelib/tenancy/apply.py)
T = TypeVar("T")


@dataclass(frozen=True)
class ConfigDoc:
    item_type: str
    item_id: str
    data: dict[str, Any]
    index: tuple[str, str] | None = None  # (gsi1pk, gsi1sk)
    retired: bool = False
    created_at: datetime | None = None

    @property
    def sk(self) -> str:
        return f"{self.item_type}#{self.item_id}"


def _doc(item: ConfigItem) -> dict[str, Any]:
    data = item.data
    return data.as_dict() if hasattr(data, "as_dict") else dict(data)


def _config_doc(item: ConfigItem) -> ConfigDoc:
    return ConfigDoc(item.item_type, item.item_id, _doc(item),
                     (item.gsi1pk, item.gsi1sk) if item.gsi1pk and item.gsi1sk else None, bool(item.retired),
                     item.created_at)


class TenantConfigRepository(TenantRepository):
    def all_docs(self) -> dict[str, ConfigDoc]:
        """Every config document of the tenant, retired ones included: one paginated Query."""
        items: list[ConfigItem] = self._guard(lambda: list(ConfigItem.query(self.tenant.config_pk())))  # type: ignore[arg-type]
        return {i.sk: _config_doc(i) for i in items}

    def get(self, item_type: str, item_id: str) -> dict[str, Any]:
        item = self._get(ConfigItem, self.tenant.config_pk(), f"{item_type}#{item_id}")
        if item is None or item.retired:
            raise NotFound(f"{item_type} {item_id!r} not found", field=f"{item_type}_id")
        return _doc(item)

    def first_of(self, item_types: Iterable[str], item_id: str) -> dict[str, Any] | None:
        """The live record ``<type>#<id>`` for the first of ``item_types`` that has one: one BatchGetItem."""
        order = list(item_types)
        keys = [(self.tenant.config_pk(), f"{t}#{item_id}") for t in order]
        found = {i.item_type: i for i in self._guard(lambda: list(ConfigItem.batch_get(keys))) if not i.retired}
        return next((_doc(found[t]) for t in order if t in found), None)

    def live_of(self, item_type: str, item_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The live records ``<type>#<id>`` of the ids, by id: BatchGetItem, 100 keys a call."""
        keys = [(self.tenant.config_pk(), f"{item_type}#{i}") for i in sorted(set(item_ids)) if "#" not in i]
        if not keys:
            return {}
        found = self._guard(lambda: list(ConfigItem.batch_get(keys)))
        return {str(i.item_id): _doc(i) for i in found if not i.retired}

    def list_type(self, item_type: str) -> list[dict[str, Any]]:
        def read() -> list[ConfigItem]:
            return list(ConfigItem.query(self.tenant.config_pk(), ConfigItem.sk.startswith(f"{item_type}#")))

        return [_doc(i) for i in self._guard(read) if not i.retired]

    def list_nodes(self, kind: str, under: str | None = None) -> list[dict[str, Any]]:
        """Nodes of ``kind`` in path order, optionally only those below the node at path ``under``."""
        cond = ConfigItem.gsi1sk.startswith(f"{under}/") if under else None

        def read() -> list[ConfigItem]:
            return list(ConfigItem.gsi1.query(self.tenant.nodes_by_kind_pk(kind), cond))  # type: ignore[arg-type]

        return [_doc(i) for i in self._guard(read) if not i.retired]

    def of_type(self, item_type: str) -> dict[str, ConfigDoc]:
        """Every record of ``item_type``, retired ones included, by sort key: one paginated Query."""
        def read() -> list[ConfigItem]:
            return list(ConfigItem.query(self.tenant.config_pk(), ConfigItem.sk.startswith(f"{item_type}#")))

        return {str(i.sk): _config_doc(i) for i in self._guard(read)}

    def get_any(self, item_type: str, item_id: str) -> dict[str, Any]:
        """A record whether retired or not (the profile of a city being retired)."""
        item = self._get(ConfigItem, self.tenant.config_pk(), f"{item_type}#{item_id}")
        if item is None:
            raise NotFound(f"{item_type} {item_id!r} not found", field=f"{item_type}_id")
        return _doc(item)

    def digests(self) -> dict[str, str]:
        """The fingerprint of each manifest section as last applied (none before the first apply)."""
        item = self._get(ConfigItem, self.tenant.config_pk(), f"{DIGESTS}#current")
        return {str(k): str(v) for k, v in _doc(item).items()} if item else {}

    def save_digests(self, digests: dict[str, str]) -> None:
        stamp = now()
        self._guard(lambda: ConfigItem(self.tenant.config_pk(), f"{DIGESTS}#current", tenant_id=self.tenant.tenant_id,
                                       item_type=DIGESTS, item_id="current", data=digests, created_at=stamp,
                                       updated_at=stamp).save())

    def nodes_of(self, kind: str) -> dict[str, ConfigDoc]:
        """Every node of ``kind``, retired ones included, by id: a paginated Query of its level."""
        def read() -> list[ConfigItem]:
            return list(ConfigItem.gsi1.query(self.tenant.nodes_by_kind_pk(kind)))  # type: ignore[arg-type]

        return {str(i.item_id): _config_doc(i) for i in self._guard(read)}

    def _item(self, d: ConfigDoc, stamp: datetime) -> ConfigItem:
        item = ConfigItem(self.tenant.config_pk(), d.sk, tenant_id=self.tenant.tenant_id, item_type=d.item_type,
                          item_id=d.item_id, data=d.data, created_at=d.created_at or stamp, updated_at=stamp)
        if d.index:
            item.gsi1pk, item.gsi1sk = d.index
        return item

    def write_together(self, puts: Iterable[ConfigDoc], retire: Iterable[str]) -> None:
        """Upsert and retire in one transaction (at most 100 together): all of them or none."""
        stamp = now()
        with storage_errors(), transaction() as tx:
            for d in puts:
                tx.save(self._item(d, stamp))
            for key in retire:
                tx.update(ConfigItem(self.tenant.config_pk(), key),
                          actions=[ConfigItem.retired.set(stamp.isoformat()), ConfigItem.updated_at.set(stamp)])

    def write(self, puts: Iterable[ConfigDoc], retire: Iterable[str]) -> None:
        """Upsert documents (batched) and mark removed ones retired; never deletes."""
        stamp = now()
        with storage_errors(), ConfigItem.batch_write() as batch:
            for d in puts:
                batch.save(self._item(d, stamp))
        with storage_errors():
            for key in retire:
                ConfigItem(self.tenant.config_pk(), key).update(
                    actions=[ConfigItem.retired.set(stamp.isoformat()), ConfigItem.updated_at.set(stamp)])


def list_tenant_profiles() -> list[dict[str, Any]]:
    """Platform view: the registry of onboarded tenants (one Query on GSI1)."""
    models.bind()
    with storage_errors():
        return [_doc(i) for i in ConfigItem.gsi1.query(PLATFORM_TENANTS) if not i.retired]  # type: ignore[arg-type,attr-defined]


def for_each_active_city(what: str, work: Callable[[str], T]) -> tuple[dict[str, T], list[str]]:
    """A scheduled job's ``work(tenant_id)`` for every active city, each under its own credentials; one
    city's failure is logged (``what`` names the job) and does not stop the others. (results, failed)."""
    from chalicelib.observability import logger  # jobs only: not at the API's start
    from chalicelib.store.scope import tenant_scope

    done: dict[str, T] = {}
    failed: list[str] = []
    for profile in list_tenant_profiles():
        if profile.get("status", "active") != "active":
            continue
        tenant_id = str(profile["tenant_id"])
        try:
            with tenant_scope(tenant_id):
                done[tenant_id] = work(tenant_id)
        except AppError as exc:
            logger.exception(f"{what} failed", extra={"tenant_id": tenant_id, "code": exc.code})
            failed.append(tenant_id)
    return done, failed
