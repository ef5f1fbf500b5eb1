"""Reads of safety status: one subject (family, the subject, staff) and a community's list (staff)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib import privacy
from chalicelib.alerts.access import prefix
from chalicelib.alerts.models import Bilingual
from chalicelib.alerts.repository import AlertRepository
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.care import render, status, visits
from chalicelib.care.access import CareAccess
from chalicelib.care.activity import ActivityReader, summarize
from chalicelib.care.repository import CareRepository
from chalicelib.care.status import Clock
from chalicelib.care.status_models import CallAction, CareStatus, SubjectPage, SubjectRow
from chalicelib.care.views import ConsentState, MyVisits, VisitQueue
from chalicelib.errors import NotFound
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.tenancy.households import household_label, parts
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]


class CareBoard:
    def __init__(self, principal: Principal, *, repo: CareRepository | None = None,
                 tenancy: TenantService | None = None, clock: Clock = now) -> None:
        self.principal, self.tenant, self.clock = principal, principal.tenant, clock
        self.repo = repo or CareRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)
        self.access = CareAccess(principal, self.repo, self.tenancy)
        self.alerts = AlertRepository(self.tenant)
        self.activity = ActivityReader(self.tenant)

    def status(self, subject_id: str) -> CareStatus:
        stored, _, relation = self.access.watch(subject_id)
        doc, at = stored.doc, self.clock()
        devices = set(doc["device_ids"])
        alerts = [a for a in status.open_alerts(self.alerts, status.household_prefix(doc)) if a["device_id"] in devices]
        activity = summarize(self.activity.of(devices), devices)
        summary, message = status.assess(alerts, activity, _has_door(doc), at, status.zone(self.tenancy))
        return CareStatus(subject_id=doc["subject_id"], name=doc["name_masked"], summary=summary, message=message,
                          last_activity=activity.last, last_door_activity=activity.door,
                          open_alerts=[status.brief(a) for a in alerts],
                          actions=self._actions(doc, relation, alerts),
                          last_visit=render.visit(doc),
                          next_visit=visits.plan(self.tenancy.care_visits(), doc),
                          checked_at=at)

    def _actions(self, doc: Doc, relation: str, alerts: list[Doc]) -> list[CallAction]:
        """Who to call, most urgent first: 120 on an SOS, then (family) her, then the grid worker and
        the community service centre."""
        out = status.actions(self.tenancy, doc, alerts)
        first = 1 if out and out[0].kind == "emergency" else 0
        out[first:first] = self._call_her(doc, relation)
        return out

    def _call_her(self, doc: Doc, relation: str) -> list[CallAction]:
        """给她打个电话: for her family contacts (named in the consent she or her guardian gave), her own
        number opened from her registration — the first thing a daughter does. Staff reveal it under
        audit instead; she does not need her own."""
        if relation not in ("family", "guardian"):
            return []
        found = ResidentRepository(self.tenant).get(doc["subject_id"])
        sealed = found[0].get("phone_sealed") if found else None
        if not sealed:
            return []
        return [CallAction(kind="subject", name=doc["name_masked"],
                           phone=privacy.unseal(self.tenant, "phone", sealed),
                           label=Bilingual(zh="给老人打电话", en="Call her"))]

    def community(self, community_id: str) -> SubjectPage:
        """A community's care subjects with their summaries: a handful of Queries, whatever its size."""
        node = self._community(community_id)
        subjects = self.repo.by_community(community_id)
        by_device: dict[str, list[Doc]] = defaultdict(list)
        for alert in status.open_alerts(self.alerts, prefix(node["path"])):
            by_device[alert["device_id"]].append(alert)
        times = self.activity.of({d for s in subjects for d in s["device_ids"]})
        at, tz = self.clock(), status.zone(self.tenancy)
        rows = []
        for doc in subjects:
            alerts = [a for d in doc["device_ids"] for a in by_device.get(d, [])]
            row = SubjectRow(subject_id=doc["subject_id"], name=doc["name_masked"], category=doc["category"],
                             household_id=doc["household_id"], grid_id=doc.get("grid_id"),
                             consent_state=doc["consent_state"], open_alerts=len(alerts))
            if doc["consent_state"] == ConsentState.ACTIVE.value:
                activity = summarize(times, doc["device_ids"])
                row.summary, row.message = status.assess(alerts, activity, _has_door(doc), at, tz)
                row.last_activity = activity.last
            rows.append(row)
        return SubjectPage(items=rows)

    def visit_queue(self, community_id: str) -> VisitQueue:
        """巡访关爱: the community's care subjects, urgent and overdue first, with where each lives and the care
        visitors who serve the community (a Query each for the subjects, the buildings and the users, and the
        open alerts')."""
        node = self._community(community_id)
        on = self.clock().astimezone(status.zone(self.tenancy)).date()
        alerts = status.open_alerts(self.alerts, prefix(node["path"]))
        subjects = self.repo.by_community(community_id)
        visitors = [u for u in self.tenancy.repo.list_type("user")
                    if u.get("role") == Role.VISITOR.value and community_id in u.get("communities", [])]
        return visits.queue(self.tenancy.care_visits(), community_id, subjects, on, alerts,
                            self._places(node, subjects), sorted(visitors, key=lambda u: u["username"]))

    def my_visits(self) -> MyVisits:
        """A care visitor's tasks: the subjects assigned to them in the communities they serve (per community
        with any: a Query each for its subjects and buildings, and its open alerts')."""
        me = self.principal.username
        on = self.clock().astimezone(status.zone(self.tenancy)).date()
        subjects: list[Doc] = []
        alerts: list[Doc] = []
        places: dict[str, str] = {}
        for community_id in self.tenancy.staff_scope(me):
            mine = [d for d in self.repo.by_community(community_id)
                    if me in {v["username"] for v in d.get("visitors", [])}]
            if mine:
                node = self.tenancy.node("community", community_id)
                subjects += mine
                alerts += status.open_alerts(self.alerts, prefix(node["path"]))
                places.update(self._places(node, mine))
        return visits.tasks(self.tenancy.care_visits(), subjects, on, alerts, places)

    def _places(self, community: Doc, subjects: list[Doc]) -> dict[str, str]:
        """Where each lives, ``2号楼 2单元 1203``: the community's buildings in one Query."""
        if not subjects:
            return {}
        buildings = {b["id"]: b for b in self.tenancy.children("building", community)}
        homes = {d["household_id"]: parts(d["household_id"]) for d in subjects}
        return {h: household_label(p, buildings.get(p["building_id"])) for h, p in homes.items()}

    def _community(self, community_id: str) -> Doc:
        """The community, if the caller serves it (404 for one the city does not have)."""
        try:
            node = self.tenancy.node("community", community_id)
        except NotFound as exc:
            raise NotFound(f"no community {community_id!r} in this city", field="community_id") from exc
        self.access.require_community(community_id)
        return node


def _has_door(doc: Doc) -> bool:
    return "door" in doc.get("device_types", {}).values()
