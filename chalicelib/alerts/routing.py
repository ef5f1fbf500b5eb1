"""Who is told about an alert, and when it escalates.

Level 1 (on raise): the grid's staff — staff of the community who own the alert's grid, plus
staff of the community who own none of its grids (they serve all of it) — and, for a care
subject's device, the household's verified residents and the subject's active family contacts
(``care.watchers``). Level 2: every staff member of the community. Level 3: the city admins.
Nobody at a level → the next level's people are told. An alert not acknowledged within its
severity's time moves up one level.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.alerts import messages
from chalicelib.alerts.documents import iso
from chalicelib.alerts.inbox import InboxRepository
from chalicelib.care.watchers import family_usernames
from chalicelib.notify.models import Job
from chalicelib.notify.queue import enqueue
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.models import StaffRole
from chalicelib.tenancy.service import NODE_KINDS, TenantService

ESCALATE_AFTER = {"critical": timedelta(minutes=5), "warning": timedelta(minutes=30), "info": timedelta(hours=4)}
TOP_LEVEL = 3
COMMUNITY_DEPTH = NODE_KINDS.index("community") + 1
Doc = dict[str, Any]


def next_escalation(severity: str, level: int, at: datetime) -> datetime | None:
    """When an alert now at ``level`` moves up if still unacknowledged; None at the top level."""
    return at + ESCALATE_AFTER[severity] if level < TOP_LEVEL else None


class Router:
    def __init__(self, tenancy: TenantService, residents: ResidentRepository, inbox: InboxRepository) -> None:
        self.tenancy, self.residents, self.inbox = tenancy, residents, inbox

    def staff(self, level: int, doc: Doc) -> list[str]:
        """Usernames of the staff (or city admins) to tell at ``level``."""
        users = self.tenancy.repo.list_type("user")
        admins = [u for u in users if u.get("role") == StaffRole.CITY_ADMIN.value]
        community = [u for u in users if u.get("role") == StaffRole.STAFF.value
                     and doc["community_id"] in u.get("communities", []) and u.get("receives_alerts", True)]
        chosen = admins
        if level == 1 and doc.get("grid_id"):
            grids = {g["id"] for g in self.tenancy.children("grid", {"path": doc["path"][:COMMUNITY_DEPTH]})}
            chosen = [u for u in community if doc["grid_id"] in u.get("grids", [])
                      or not grids & set(u.get("grids", []))] or community or admins
        elif level <= 2:
            chosen = community or admins
        return sorted(u["username"] for u in chosen)

    def family(self, doc: Doc) -> list[str]:
        """Verified residents of a care subject's household, and the subject's active family contacts."""
        if not doc.get("care_subject") or not doc.get("household_id"):
            return []
        names = []
        for member in self.residents.household_members(doc["household_id"]):
            found = self.residents.get(member["user_id"])
            if found and found[0].get("status") == Status.VERIFIED.value:
                names.append(found[0]["username"])
        return names + family_usernames(self.tenancy.tenant, doc["device_id"])

    def send(self, doc: Doc, level: int, staff: list[str], at: datetime) -> None:
        """Write the notification of ``level`` to the staff's inboxes (and the family's, on raise)."""
        waited = ESCALATE_AFTER[doc["severity"]] if level > 1 else None
        to = [*staff, *(self.family(doc) if level == 1 else [])]
        note = {"alert_id": doc["alert_id"], "severity": doc["severity"], "level": level,
                "device_id": doc["device_id"], "rule_id": doc["rule_id"], "community_id": doc["community_id"],
                "text": messages.text(doc, level, waited), "sent_at": iso(at)}
        self.inbox.send(to, note, at)
        enqueue(Job(tenant_id=self.tenancy.tenant.tenant_id, alert_id=doc["alert_id"], level=level, staff=staff,
                    family=level == 1 and bool(doc.get("care_subject")),
                    call=level > 1 and doc["severity"] == "critical", at=at))
