"""Escalation as due dates: an open alert sits in the tenant's ``ESC`` index (gsi2) under the
time it escalates; a sweep every minute moves the due ones up a level and tells that level's
people. Acknowledging, closing or reaching the top level takes an alert out of the index."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from chalicelib.alerts import documents
from chalicelib.alerts.inbox import InboxRepository
from chalicelib.alerts.models import AlertState
from chalicelib.alerts.repository import AlertRepository, Stored
from chalicelib.alerts.routing import TOP_LEVEL, Router, next_escalation
from chalicelib.errors import AppError
from chalicelib.observability import logger
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.tenancy.repository import list_tenant_profiles
from chalicelib.tenancy.service import TenantService


class Escalator:
    def __init__(self, tenant: TenantContext, repo: AlertRepository | None = None,
                 router: Router | None = None) -> None:
        self.repo = repo or AlertRepository(tenant)
        self.router = router or Router(TenantService(tenant), ResidentRepository(tenant), InboxRepository(tenant))

    def sweep(self, now: datetime) -> Counter[str]:
        """Escalate every alert due at ``now``; how many moved up, by severity."""
        return Counter(str(stored.doc["severity"]) for stored in self.repo.due(documents.iso(now))
                       if self._escalate(stored, now))

    def _escalate(self, stored: Stored, now: datetime) -> bool:
        doc = stored.doc
        level = int(doc["level"]) + 1
        if doc["state"] != AlertState.OPEN or level > TOP_LEVEL:  # should not be indexed: take it out
            self.repo.save(stored, {**doc, "escalate_at": None})
            return False
        staff = self.router.staff(level, doc)
        changed = documents.escalated(doc, level, now, next_escalation(doc["severity"], level, now), staff)
        if not self.repo.save(stored, changed):
            return False  # acknowledged or escalated by someone else meanwhile
        self.router.send(changed, level, staff, now)
        return True


def sweep_escalations(now: datetime) -> dict[str, Counter[str]]:
    """Every onboarded city's due escalations; alerts escalated per tenant and severity. One
    city's failure is logged and does not hold up the others."""
    done: dict[str, Counter[str]] = {}
    for profile in list_tenant_profiles():
        tenant_id = str(profile["tenant_id"])
        try:
            with tenant_scope(tenant_id):
                done[tenant_id] = Escalator(TenantContext(tenant_id)).sweep(now)
        except AppError:
            logger.exception("escalation sweep failed", extra={"tenant_id": tenant_id})
    return done
