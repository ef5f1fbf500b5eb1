"""Who may see and change a notice, and the collaborators every notice use case needs.

Staff see a notice that reaches any community they serve (city admins: all) and change one
only when they serve every community it reaches (city-wide ones: city admins only), as for
publishing. Residents see a notice that is not withdrawn, has started, and whose place
contains their verified household's building; for anyone else it does not exist (404).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.errors import Forbidden, NotFound
from chalicelib.notices.deliveries import DeliveryRepository
from chalicelib.notices.documents import Doc, iso
from chalicelib.notices.models import Stats
from chalicelib.notices.reads import ReadRepository
from chalicelib.notices.repository import NoticeRepository, Stored
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.tenancy.scope import ScopeLevel, served_communities, verified_household
from chalicelib.tenancy.service import TenantService

NOTICE_ID = re.compile(r"^nt-[0-9a-f]{12}$")
Clock = Callable[[], datetime]


def stats(stored: Stored) -> Stats:
    return Stats(readers=stored.readers, households=stored.households, households_read=stored.households_read)


def contains(doc: Doc, path: list[str]) -> bool:
    """Whether the notice's place contains a building path."""
    place = list(doc["scope"]["path"])
    return list(path[: len(place)]) == place


class NoticeAccess:
    def __init__(self, principal: Principal, *, repo: NoticeRepository | None = None,
                 deliveries: DeliveryRepository | None = None, reads: ReadRepository | None = None,
                 tenancy: TenantService | None = None,
                 residents: ResidentRepository | None = None, clock: Clock | None = None) -> None:
        self.principal, self.tenant = principal, principal.tenant
        self.clock: Clock = clock or (lambda: now())  # looked up per call, so tests can move time
        self.repo = repo or NoticeRepository(self.tenant)
        self.deliveries = deliveries or DeliveryRepository(self.tenant)
        self.reads = reads or ReadRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)
        self.residents = residents or ResidentRepository(self.tenant)

    def _load(self, notice_id: str) -> Stored:
        stored = self.repo.get(notice_id) if NOTICE_ID.match(notice_id) else None
        if stored is None:
            raise NotFound("notice not found", field="notice_id")
        return stored

    def served(self) -> list[str] | None:
        return served_communities(self.principal, self.tenancy)

    def seen_by_staff(self, notice_id: str) -> Stored:
        stored = self._load(notice_id)
        served = self.served()
        if served is not None and not set(stored.doc["communities"]) & set(served):
            raise NotFound("notice not found", field="notice_id")
        return stored

    def managed_by_staff(self, notice_id: str) -> Stored:
        stored = self.seen_by_staff(notice_id)
        served, doc = self.served(), stored.doc
        if served is not None and (doc["scope"]["level"] == ScopeLevel.CITY.value
                                   or not set(doc["communities"]) <= set(served)):
            raise Forbidden("this notice reaches places outside your area", field="scope")
        return stored

    def seen_by_resident(self, notice_id: str) -> tuple[Stored, dict[str, Any]]:
        """The notice and the caller's registration; 404 unless the notice is live for their home."""
        registration = verified_household(self.principal, self.residents)
        stored = self._load(notice_id)
        doc = stored.doc
        if doc["status"] != "active" or doc["valid_from"] > iso(self.clock()) \
                or not contains(doc, list(registration["path"])):
            raise NotFound("notice not found", field="notice_id")
        return stored, registration
