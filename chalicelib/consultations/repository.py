"""Consultations, their tallies and their discussion in the tenant's partitions.

- consultation ``T#<t>#CONS#<id>`` / ``CONSULTATION``, ``state`` top-level;
  gsi1 ``T#<t>#CONSS#<anchor>`` / ``<created_at>#<id>`` (anchor: ``city``, ``street#<id>``,
  ``community#<id>``); gsi2 ``T#<t>#CONSS`` / ``<created_at>#<id>`` (the whole city).
- tally ``…CONS#<id>`` / ``TALLY#<option>``: ``votes``, written with the consultation.
- proposal ``…CONS#<id>`` / ``PROPOSAL#<id>``, comment ``COMMENT#<id>`` (ids sort by time).
"""

from __future__ import annotations

from typing import Any

from chalicelib.consultations.models import State
from chalicelib.errors import Conflict
from chalicelib.store.base import TenantRepository, storage_errors, transaction
from chalicelib.store.models import ConsultationItem, ConsultationPostItem, TallyItem

CONSULTATION = "CONSULTATION"
Doc = dict[str, Any]


def doc_of(item: Any) -> Doc:
    return item.data.as_dict() if hasattr(item.data, "as_dict") else dict(item.data)


def anchor(doc: Doc) -> tuple[str, ...]:
    """Where a consultation is listed: the city, its street, or the community it lies in."""
    path = doc["path"]
    if not path:
        return ("city",)
    return ("street", path[1]) if len(path) == 2 else ("community", path[2])


class ConsultationRepository(TenantRepository):
    def create(self, doc: Doc) -> None:
        """The consultation and a zero tally per option, together."""
        pk, t = self.tenant.consultation_pk(doc["consultation_id"]), self.tenant.tenant_id
        index_sk = f"{doc['created_at']}#{doc['consultation_id']}"
        item = ConsultationItem(pk, CONSULTATION, tenant_id=t, data=doc, state=doc["state"],
                                gsi1pk=self.tenant.consultations_pk(*anchor(doc)), gsi1sk=index_sk,
                                gsi2pk=self.tenant.consultations_pk(), gsi2sk=index_sk)
        exists = Conflict("this consultation exists already", field="consultation_id")
        with storage_errors(on_condition=exists), transaction() as tx:
            tx.save(item, condition=ConsultationItem.pk.does_not_exist())
            for option in doc["options"]:
                tx.save(TallyItem(pk, f"TALLY#{option['id']}", tenant_id=t, votes=0))

    def get(self, consultation_id: str) -> Doc | None:
        item = self._get(ConsultationItem, self.tenant.consultation_pk(consultation_id), CONSULTATION)
        return doc_of(item) if item else None

    def listed(self, anchor: tuple[str, ...], limit: int) -> list[Doc]:
        """Newest first; an empty anchor lists the whole city (GSI2)."""
        partition = self.tenant.consultations_pk(*anchor)
        index = ConsultationItem.gsi1 if anchor else ConsultationItem.gsi2
        items = self._guard(lambda: list(index.query(partition, scan_index_forward=False, limit=limit)))
        return [doc_of(i) for i in items]

    def finish(self, doc: Doc) -> None:
        """Store a closed or cancelled consultation, once: only an active one changes state."""
        with storage_errors(on_condition=Conflict("this consultation is already closed or cancelled",
                                                  field="phase")):
            ConsultationItem(self.tenant.consultation_pk(doc["consultation_id"]), CONSULTATION).update(
                actions=[ConsultationItem.state.set(doc["state"]), ConsultationItem.data.set(doc)],
                condition=ConsultationItem.state == State.ACTIVE.value)

    def tallies(self, consultation_id: str) -> dict[str, int]:
        """Votes per option: one Query of the counters, no ballot is read."""
        items = self._guard(lambda: list(TallyItem.query(self.tenant.consultation_pk(consultation_id),
                                                         TallyItem.sk.startswith("TALLY#"))))
        return {str(i.sk).removeprefix("TALLY#"): int(i.votes) for i in items}

    # -- discussion ----------------------------------------------------------------
    def add_post(self, consultation_id: str, sort_key: str, doc: Doc) -> None:
        item = ConsultationPostItem(self.tenant.consultation_pk(consultation_id), sort_key,
                                    tenant_id=self.tenant.tenant_id, data=doc)
        with storage_errors(on_condition=Conflict("posted twice", field="body")):
            item.save(condition=ConsultationPostItem.pk.does_not_exist())

    def post(self, consultation_id: str, sort_key: str) -> Doc | None:
        item = self._get(ConsultationPostItem, self.tenant.consultation_pk(consultation_id), sort_key)
        return doc_of(item) if item else None

    def posts(self, consultation_id: str, prefix: str) -> list[Doc]:
        """Proposals (``PROPOSAL#``) or comments (``COMMENT#``), oldest first."""
        items = self._guard(lambda: list(ConsultationPostItem.query(
            self.tenant.consultation_pk(consultation_id), ConsultationPostItem.sk.startswith(prefix))))
        return [doc_of(i) for i in items]

    def hide(self, consultation_id: str, sort_key: str, doc: Doc) -> None:
        """Mark a comment hidden (kept, with the reason), once."""
        with storage_errors(on_condition=Conflict("this comment is hidden already", field="comment_id")):
            ConsultationPostItem(self.tenant.consultation_pk(consultation_id), sort_key).update(
                actions=[ConsultationPostItem.hidden_at.set(doc["hidden_at"]), ConsultationPostItem.data.set(doc)],
                condition=ConsultationPostItem.pk.exists() & ConsultationPostItem.hidden_at.does_not_exist())
