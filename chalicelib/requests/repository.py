"""Requests in the tenant's partitions.

- request ``T#<t>#REQ#<id>`` / ``REQUEST``: gsi1 ``T#<t>#REQC#<community>#<state>`` / ``<filed_at>#<id>``;
  gsi2 ``T#<t>#REQD#<department>`` / ``<next due>#<id>`` while open, or ``T#<t>#REQCLOSE`` /
  ``<reopen window end>#<id>`` while resolved;
- references ``T#<t>#REQH#<household>`` and ``T#<t>#REQM#<month>`` / ``<filed_at>#<id>``;
- day counters ``T#<t>#REQSEQ`` / ``<yyyymmdd>``; stats ``T#<t>#REQSTAT#<month>`` / ``<dim>#<id>``.

Every change of a request is conditioned on the state and version read, and carries the stats
changes in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.errors import Conflict
from chalicelib.requests import documents
from chalicelib.requests.states import OPEN, State
from chalicelib.store.base import Stored, TenantRepository, doc_of, now, storage_errors, transaction
from chalicelib.store.models import RequestItem, RequestRefItem, RequestSequenceItem, RequestStatsItem

REQUEST = "REQUEST"
Doc = dict[str, Any]




def list_sk(doc: Doc) -> str:
    return f"{doc['created_at']}#{doc['request_id']}"


class RequestRepository(TenantRepository):
    def _item(self, doc: Doc, version: int) -> RequestItem:
        t = self.tenant
        item = RequestItem(t.request_pk(doc["request_id"]), REQUEST, tenant_id=t.tenant_id, state=doc["state"],
                           data=doc, version=version, created_at=datetime.fromisoformat(doc["created_at"]),
                           updated_at=now(), gsi1pk=t.community_requests_pk(doc["community_id"], doc["state"]),
                           gsi1sk=list_sk(doc))
        state = State(doc["state"])
        if state in OPEN:
            item.gsi2pk, item.gsi2sk = t.department_requests_pk(doc["department"]), \
                f"{documents.next_due(doc)}#{doc['request_id']}"
        elif state is State.RESOLVED and (until := documents.reopen_until(doc)):
            item.gsi2pk, item.gsi2sk = t.closing_requests_pk(), f"{documents.iso(until)}#{doc['request_id']}"
        return item

    def _stats(self, tx: Any, month: str, changes: dict[str, dict[str, int]]) -> None:
        pk = self.tenant.request_stats_pk(month)
        for sk, counts in changes.items():
            actions = [getattr(RequestStatsItem, k).add(v) for k, v in counts.items()]
            actions += [RequestStatsItem.kind.set(RequestStatsItem),
                        RequestStatsItem.tenant_id.set(self.tenant.tenant_id)]
            tx.update(RequestStatsItem(pk, sk), actions=actions)

    def next_number(self, day: str) -> int:
        """The next number of ``day`` (atomic: two requests never get the same one)."""
        item, seq = RequestSequenceItem(self.tenant.request_sequence_pk(), day), RequestSequenceItem
        with storage_errors():
            out = item.update(actions=[seq.seq.add(1), seq.kind.set(seq), seq.tenant_id.set(self.tenant.tenant_id)])
        return int(out["Attributes"]["seq"]["N"])

    def create(self, doc: Doc, refs: list[str], stats: dict[str, dict[str, int]]) -> None:
        """Write a new request, its references (partition keys) and its counters, together."""
        with storage_errors(on_condition=Conflict("this request number is taken; file again", field="request_id")), \
                transaction() as tx:
            tx.save(self._item(doc, 1), condition=RequestItem.pk.does_not_exist())
            for pk in refs:
                tx.save(RequestRefItem(pk, list_sk(doc), tenant_id=self.tenant.tenant_id,
                                       request_id=doc["request_id"], created_at=now()))
            self._stats(tx, doc["month"], stats)

    def replace(self, stored: Stored, doc: Doc, stats: dict[str, dict[str, int]]) -> None:
        """Write the changed request if nobody changed it since it was read (409 naming its state otherwise)."""
        cond = (RequestItem.version == stored.version) & (RequestItem.state == stored.doc["state"])
        stale = Conflict(f"the request changed meanwhile (it was {stored.doc['state']}); reload it", field="state")
        with storage_errors(on_condition=stale), transaction() as tx:
            tx.save(self._item(doc, stored.version + 1), condition=cond)
            self._stats(tx, doc["month"], stats)

    def get(self, request_id: str) -> Stored | None:
        item = self._get(RequestItem, self.tenant.request_pk(request_id), REQUEST)
        return Stored(doc_of(item), int(item.version)) if item else None

    def get_many(self, request_ids: list[str]) -> dict[str, Doc]:
        keys = [(self.tenant.request_pk(i), REQUEST) for i in dict.fromkeys(request_ids)]
        items = self._guard(lambda: list(RequestItem.batch_get(keys)))
        return {(d := doc_of(i))["request_id"]: d for i in items}

    def page(self, index: str, pk: str, limit: int, after: str | None, upto: str | None = None,
             newest_first: bool = False) -> tuple[list[Doc], str | None]:
        """A page of requests from ``gsi1``/``gsi2`` partition ``pk`` (sort key at most ``upto``)."""
        model_index = RequestItem.gsi1 if index == "gsi1" else RequestItem.gsi2
        sk_attr = RequestItem.gsi1sk if index == "gsi1" else RequestItem.gsi2sk
        start = None
        if after:
            rid = after.rsplit("#", 1)[-1]
            start = {"pk": {"S": self.tenant.request_pk(rid)}, "sk": {"S": REQUEST}, f"{index}pk": {"S": pk},
                     f"{index}sk": {"S": after}}
        cond = sk_attr <= f"{upto}#~" if upto else None

        def read() -> tuple[list[RequestItem], Any]:
            result = model_index.query(pk, cond, limit=limit, last_evaluated_key=start,  # type: ignore[arg-type]
                                       scan_index_forward=not newest_first)
            return list(result), result.last_evaluated_key  # type: ignore[arg-type]

        items, last = self._guard(read)
        return [doc_of(i) for i in items], (last[f"{index}sk"]["S"] if last else None)

    def refs(self, pk: str, limit: int, after: str | None, low: str | None = None,
             high: str | None = None) -> tuple[list[str], str | None]:
        """Request ids referenced from ``pk``, newest first (sort keys between ``low`` and ``high``)."""
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None
        cond = RequestRefItem.sk.between(low, high) if low and high else None

        def read() -> tuple[list[RequestRefItem], Any]:
            result = RequestRefItem.query(pk, cond, scan_index_forward=False, limit=limit, last_evaluated_key=start)
            return list(result), result.last_evaluated_key

        items, last = self._guard(read)
        return [str(i.request_id) for i in items], (last["sk"]["S"] if last else None)

    def stats(self, month: str, dimension: str) -> dict[str, dict[str, int]]:
        """The month's counters of one dimension (``department`` or ``community``), by id: one Query."""
        items = self._guard(lambda: list(RequestStatsItem.query(
            self.tenant.request_stats_pk(month), RequestStatsItem.sk.startswith(f"{dimension}#"))))
        return {str(i.sk).split("#", 1)[1]: {k: int(getattr(i, k)) for k in (
            "filed", "responded", "responded_on_time", "resolved", "resolved_on_time", "rated", "satisfied")}
            for i in items}
