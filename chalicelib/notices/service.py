"""Use cases of staff: publish a notice to a place, edit it, withdraw it; and anyone's detail view."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from chalicelib.alerts.inbox import tell
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.notices import documents
from chalicelib.notices.access import NoticeAccess, stats
from chalicelib.notices.documents import Doc, iso
from chalicelib.notices.inputs import NoticeEdit, NoticeIn, WithdrawIn
from chalicelib.notices.models import Category, Notice, State, Stats
from chalicelib.observability import emit
from chalicelib.tenancy import scope
from chalicelib.tenancy.scope import Place
from chalicelib.usage.meter import meter


class NoticeService(NoticeAccess):
    def publish(self, body: NoticeIn) -> Notice:
        place = scope.resolve(self.tenancy, body.scope)
        scope.require_staff(self.principal, self.tenancy, place)
        at = self.clock()
        if body.valid_until is not None and iso(body.valid_until) <= iso(at):
            raise InvalidInput("valid_until has already passed", field="valid_until")
        doc = documents.published(body, place, self.principal.username, at,
                                  self.tenancy.staff_name(self.principal.username))
        households = self._households(place, doc) if body.category is Category.EMERGENCY else []
        # Deliveries first: once the notice can be read, every household it counts is there.
        self.deliveries.deliver(doc["notice_id"], households)
        self.repo.create(doc, len(households))
        if body.category is Category.EMERGENCY:
            self._tell_staff(place, doc, at)
            emit(self.tenancy.tenant.tenant_id, {"BroadcastsPublished": 1, "BroadcastDeliveries": len(households)})
            meter.count(self.tenancy.tenant.tenant_id, broadcasts=1)  # usage, written with the next burst
        return documents.view(doc, at, stats=Stats(readers=0, households=len(households)))

    def _tell_staff(self, place: Place, doc: Doc, at: datetime) -> None:
        """The grid workers of the place's communities hear of a broadcast in their inbox at once: they
        follow up the households that do not read it."""
        staff = [u["username"] for u in self.tenancy.repo.list_type("user")
                 if u.get("role") == "staff" and u.get("receives_alerts", True)
                 and set(u.get("communities", [])) & set(place.communities)]
        title = doc["title"]
        text = {"zh": f"应急广播已发布：{title['zh']}，请跟进未读住户。",
                "en": f"Emergency broadcast published: {title.get('en') or title['zh']}; follow up unread households."}
        tell(self.tenancy.tenant, staff, "notice", doc["notice_id"], text, at, severity=doc.get("severity"),
             community_id=place.communities[0] if len(place.communities) == 1 else None)

    def _households(self, place: Place, doc: Doc) -> list[Doc]:
        """The verified households in the place now, each with its members' ids (a Query per community)."""
        members: dict[str, list[str]] = defaultdict(list)
        for m in scope.members(self.residents, place):
            members[m["household_id"]].append(m["user_id"])
        return [{"household_id": h["household_id"], "building_id": h["building_id"], "unit": int(h["unit"]),
                 "room": h["room"], "path": list(h["path"]), "community_id": h["community_id"],
                 "members": members.get(h["household_id"], []), "delivered_at": doc["published_at"]}
                for h in scope.households(self.residents, place)]

    def edit(self, notice_id: str, body: NoticeEdit) -> Notice:
        stored = self.managed_by_staff(notice_id)
        at = self.clock()
        current = documents.state(stored.doc, at)
        if current in (State.WITHDRAWN, State.EXPIRED):
            raise Conflict(f"a {current.value} notice cannot be edited", field="notice_id")
        emergency = stored.doc["category"] == Category.EMERGENCY.value
        if emergency and body.severity is None:
            raise InvalidInput("an emergency broadcast needs a severity: blue, yellow, orange or red", field="severity")
        if not emergency and body.severity is not None:
            raise InvalidInput("only emergency broadcasts have a severity", field="severity")
        doc = documents.edited(stored.doc, body, self.principal.username, at)
        if doc["valid_until"] is not None and doc["valid_until"] <= max(doc["valid_from"], iso(at)):
            raise InvalidInput("valid_until must be after valid_from and in the future", field="valid_until")
        self.repo.replace(stored, doc)
        return documents.view(doc, at, stats=stats(stored))

    def withdraw(self, notice_id: str, body: WithdrawIn) -> Notice:
        stored = self.managed_by_staff(notice_id)
        if stored.doc["status"] == "withdrawn":
            raise Conflict("this notice is withdrawn already", field="notice_id")
        at = self.clock()
        doc = documents.withdrawn(stored.doc, body.reason, self.principal.username, at,
                                  self.tenancy.staff_name(self.principal.username))
        self.repo.replace(stored, doc)
        return documents.view(doc, at, stats=stats(stored))

    def get(self, notice_id: str) -> Notice:
        """Staff: any notice reaching their area, withdrawn ones too. Residents: live ones for their home."""
        if self.principal.has_any(STAFF_ROLES):
            stored = self.seen_by_staff(notice_id)
            return documents.view(stored.doc, self.clock(), stats=stats(stored))
        stored, _ = self.seen_by_resident(notice_id)
        read = self.reads.of(self.principal.user_id, [notice_id]).get(notice_id)
        return documents.view(stored.doc, self.clock(), read_at=read, resident=True)
