"""Use cases: staff open, close or cancel a consultation; everyone lists and reads those for them.

``clock`` is injectable so tests (and demo data) can move time; the roll of voters is fixed when
the consultation is published (see README: eligibility).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.consultations import documents
from chalicelib.consultations.access import Access
from chalicelib.consultations.ballots import BallotRepository
from chalicelib.consultations.inputs import ConsultationIn, ListQuery, ReasonIn
from chalicelib.consultations.models import Consultation, ConsultationList, Phase, State
from chalicelib.consultations.repository import ConsultationRepository
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.tenancy import scope
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


class Base:
    """What every consultation use case needs: the caller, the clock, the stores, access rules."""

    def __init__(self, principal: Principal, clock: Callable[[], datetime] | None = None) -> None:
        self.principal, self.tenant = principal, principal.tenant
        self.clock = clock or now
        self.repo = ConsultationRepository(self.tenant)
        self.ballots = BallotRepository(self.tenant)
        self.residents = ResidentRepository(self.tenant)
        self.tenancy = TenantService(self.tenant)
        self.access = Access(principal, self.tenancy, self.residents)

    def _load(self, consultation_id: str) -> Doc:
        """A consultation the caller may read (404 for an unknown or malformed id)."""
        doc = self.repo.get(consultation_id) if _ID.match(consultation_id) else None
        if doc is None:
            raise NotFound("no such consultation", field="consultation_id")
        self.access.require_read(doc)
        return doc

    def _phase(self, doc: Doc, *allowed: Phase, action: str) -> Phase:
        current = documents.phase(doc, self.clock())
        if current not in allowed:
            raise Conflict(f"cannot {action} while the consultation is {current.value}", field="phase")
        return current


class ConsultationService(Base):
    def create(self, body: ConsultationIn) -> Consultation:
        at = self.clock()
        if body.voting_close <= at:
            raise InvalidInput("voting must close in the future", field="voting_close")
        place = scope.resolve(self.tenancy, body.scope)
        scope.require_staff(self.principal, self.tenancy, place)
        eligible = documents.roll(scope.members(self.residents, place), body.eligibility.per,
                                  body.eligibility.owners_only)
        doc = documents.new_consultation(body, place, eligible, self.principal.username, at)
        self.repo.create(doc)
        return documents.view(doc, at)

    def listing(self, query: ListQuery) -> ConsultationList:
        at, found = self.clock(), dict[str, Consultation]()
        for anchor in self.access.anchors():
            for doc in self.repo.listed(anchor, query.limit):
                if self.access.lists(doc):
                    found[doc["consultation_id"]] = documents.view(doc, at)
        items = sorted(found.values(), key=lambda c: c.created_at, reverse=True)
        items.sort(key=lambda c: c.phase not in documents.OPEN)  # stable: open ones first, newest first
        return ConsultationList(items=items[: query.limit])

    def get(self, consultation_id: str) -> Consultation:
        return documents.view(self._load(consultation_id), self.clock())

    def close(self, consultation_id: str) -> Consultation:
        """End the vote now (提前结束), before its planned close."""
        doc = self._load(consultation_id)
        self.access.require_manage(doc)
        self._phase(doc, Phase.VOTING, action="close voting")
        at = self.clock()
        doc = {**doc, "state": State.CLOSED.value, "closed_at": at.isoformat(), "closed_by": self.principal.username}
        self.repo.finish(doc)
        return documents.view(doc, at)

    def cancel(self, consultation_id: str, body: ReasonIn) -> Consultation:
        doc = self._load(consultation_id)
        self.access.require_manage(doc)
        self._phase(doc, Phase.SCHEDULED, Phase.PROPOSALS, Phase.VOTING, action="cancel")
        at = self.clock()
        doc = {**doc, "state": State.CANCELLED.value, "cancelled_at": at.isoformat(),
               "cancelled_by": self.principal.username, "cancel_reason": body.reason}
        self.repo.finish(doc)
        return documents.view(doc, at)
