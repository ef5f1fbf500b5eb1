"""Ballots and the counters they move, in the consultation's partition.

- ballot ``T#<t>#CONS#<id>`` / ``BALLOT#<voter key>`` (``HH-<household>`` or ``P-<user>``);
  ``option_id`` top-level, everything else in ``data``.

One vote per voter is the ballot's put condition (``attribute_not_exists``); the tally moves in the
same transaction, which also checks that the consultation is still active. A change of vote is
conditioned on the option it replaces, so the tally can never count a ballot twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.transactions import TransactWrite

from chalicelib.consultations.models import State
from chalicelib.consultations.repository import CONSULTATION, Doc, doc_of
from chalicelib.store.base import TenantRepository, transaction
from chalicelib.store.models import BallotItem, ConsultationItem, TallyItem


@dataclass(frozen=True)
class Stored:
    doc: Doc
    option_id: str


class BallotRepository(TenantRepository):
    def get(self, consultation_id: str, voter_key: str) -> Stored | None:
        item = self._get(BallotItem, self.tenant.consultation_pk(consultation_id), f"BALLOT#{voter_key}")
        return Stored(doc_of(item), str(item.option_id)) if item else None

    def _tally(self, tx: TransactWrite, pk: str, option_id: str, delta: int) -> None:
        tx.update(TallyItem(pk, f"TALLY#{option_id}"), actions=[TallyItem.votes.add(delta)],
                  condition=TallyItem.pk.exists())

    def cast(self, consultation_id: str, doc: Doc, option_id: str) -> bool:
        """Write a first ballot and count it; False if this voter has one already or voting stopped."""
        pk = self.tenant.consultation_pk(consultation_id)
        ballot = BallotItem(pk, f"BALLOT#{doc['voter_key']}", tenant_id=self.tenant.tenant_id, data=doc,
                            option_id=option_id)

        def write() -> None:
            with transaction() as tx:
                tx.save(ballot, condition=BallotItem.pk.does_not_exist())
                self._tally(tx, pk, option_id, 1)
                tx.condition_check(ConsultationItem, pk, CONSULTATION,
                                   condition=ConsultationItem.state == State.ACTIVE.value)

        return self._written(write)

    def change(self, consultation_id: str, previous: Stored, doc: Doc, option_id: str) -> bool:
        """Move a ballot to another option and the count with it; False if it changed meanwhile."""
        pk = self.tenant.consultation_pk(consultation_id)

        def write() -> None:
            with transaction() as tx:
                tx.update(BallotItem(pk, f"BALLOT#{doc['voter_key']}"),
                          actions=[BallotItem.option_id.set(option_id), BallotItem.data.set(doc)],
                          condition=BallotItem.option_id == previous.option_id)
                self._tally(tx, pk, previous.option_id, -1)
                self._tally(tx, pk, option_id, 1)
                tx.condition_check(ConsultationItem, pk, CONSULTATION,
                                   condition=ConsultationItem.state == State.ACTIVE.value)

        return self._written(write)

    def all(self, consultation_id: str) -> list[Doc]:
        """Every ballot's data — without its option, which only the tallies and the voter need."""
        items = self._guard(lambda: list(BallotItem.query(self.tenant.consultation_pk(consultation_id),
                                                          BallotItem.sk.startswith("BALLOT#"))))
        return [doc_of(i) for i in items]
