"""巡访关爱: visit plans and the visit queue. A care subject has a level of the city's (普遍巡访: a phone
call a month; 重点巡访: a home visit a week — ``care_visits`` in the manifest); the next visit is due the
level's interval after the last one made (registration counts as the first), sooner when a visit set a
follow-up date, and the next day when nobody was reached. The queue lists a community's subjects under
active consent: urgent first (an SOS, a fall or a day without activity since her last visit), then overdue;
a visit overdue by a whole interval more is escalated.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import privacy
from chalicelib.care.models import Outcome, VisitMode
from chalicelib.care.views import (
    CommunityVisits,
    ConsentState,
    MyVisits,
    VisitDue,
    VisitFigures,
    VisitLevelView,
    VisitorRef,
    VisitPlan,
    VisitQueue,
    VisitState,
)

if TYPE_CHECKING:  # the manifest's models: not imported by the API at start
    from chalicelib.tenancy.models import CareVisits, VisitLevel

Doc = dict[str, Any]
# Alerts on a care subject's devices that call for a visit now (紧急巡访): she pressed SOS or fell, or a day
# went by without her door opening or any power used.
URGENT_RULES = frozenset({"wristband.sos", "wristband.sos_repeated", "wristband.fall", "door.no_exit_24h",
                          "power_meter.no_use_24h"})


def level_of(settings: CareVisits, doc: Doc) -> VisitLevel:
    """The subject's level; a level the city has since removed falls back to its category's."""
    return settings.level(doc.get("visit_level") or "") or settings.level_for(doc["category"])


def next_on(level: VisitLevel, since: date, outcome: str = Outcome.WELL.value, follow_up: date | None = None) -> date:
    """When the visit after one made on ``since`` is due."""
    if outcome == Outcome.NOT_REACHED.value:
        return since + timedelta(days=1)  # not reached: try again tomorrow
    due = since + timedelta(days=level.every_days)
    return min(due, follow_up) if follow_up else due


def plan(settings: CareVisits, doc: Doc) -> VisitPlan:
    level = level_of(settings, doc)
    due = doc.get("next_visit_on") or next_on(level, date.fromisoformat(doc["registered_at"][:10])).isoformat()
    return VisitPlan(level=level.id, name=level.name, every_days=level.every_days, mode=VisitMode(level.mode),
                     next_on=date.fromisoformat(due))


def urgent_alert(doc: Doc, alerts: list[Doc]) -> Doc | None:
    """The oldest open alert on her devices that calls for a visit now, raised after her last visit was
    recorded (a visit recorded since answers it)."""
    recorded = (doc.get("last_visit") or {}).get("recorded_at")
    since = datetime.fromisoformat(recorded) if recorded else datetime.min.replace(tzinfo=UTC)
    devices = set(doc["device_ids"])
    found = [a for a in alerts if a["device_id"] in devices and a["rule_id"] in URGENT_RULES
             and datetime.fromisoformat(a["opened_at"]) > since]
    return min(found, key=lambda a: a["opened_at"]) if found else None


def visitor_ref(record: Doc) -> Doc:
    """A care visitor (manifest user of role ``visitor``) as stored on the subjects assigned to them."""
    return {"username": record["username"], "name": privacy.mask_name(record.get("name") or record["username"]),
            "kind": record["visitor_kind"], "organisation": record.get("organisation")}


def row(settings: CareVisits, doc: Doc, on: date, alerts: list[Doc], place: str | None = None) -> VisitDue:
    p = plan(settings, doc)
    late = (on - p.next_on).days
    alert = urgent_alert(doc, alerts)
    state = (VisitState.URGENT if alert else VisitState.OVERDUE if late > 0
             else VisitState.DUE_SOON if -late <= settings.due_soon_days else VisitState.PLANNED)
    return VisitDue.model_validate({
        "subject_id": doc["subject_id"], "name": doc["name_masked"], "category": doc["category"],
        "household_id": doc["household_id"], "place": place, "grid_id": doc.get("grid_id"), "plan": p,
        "state": state, "days_overdue": max(0, late), "escalated": late >= p.every_days,
        "last_visit": doc.get("last_visit"), "alert": alert, "visitors": doc.get("visitors", [])})


ORDER = {VisitState.URGENT: 0, VisitState.OVERDUE: 1, VisitState.DUE_SOON: 2, VisitState.PLANNED: 2}


def tasks(settings: CareVisits, subjects: list[Doc], on: date, alerts: list[Doc],
          places: dict[str, str] | None = None) -> MyVisits:
    """Subjects under active consent: urgent first, then overdue (longest first), then by due date."""
    places = places or {}
    rows = [row(settings, d, on, alerts, places.get(d["household_id"])) for d in subjects
            if d["consent_state"] == ConsentState.ACTIVE.value]
    rows.sort(key=lambda r: (ORDER[r.state], r.plan.next_on, r.subject_id))
    levels = [VisitLevelView(level=lv.id, name=lv.name, every_days=lv.every_days, mode=VisitMode(lv.mode))
              for lv in settings.levels]
    return MyVisits(items=rows, levels=levels, urgent=sum(r.state is VisitState.URGENT for r in rows),
                    overdue=sum(r.state is VisitState.OVERDUE for r in rows),
                    due_soon=sum(r.state is VisitState.DUE_SOON for r in rows))


def queue(settings: CareVisits, community_id: str, subjects: list[Doc], on: date, alerts: list[Doc],
          places: dict[str, str] | None = None, visitors: list[Doc] | None = None) -> VisitQueue:
    """The community's visit queue (``tasks``), with the care visitors serving it (to assign)."""
    found = tasks(settings, subjects, on, alerts, places)
    return VisitQueue(community_id=community_id, levels=found.levels, urgent=found.urgent, overdue=found.overdue,
                      due_soon=found.due_soon, items=found.items,
                      visitors=[VisitorRef.model_validate(visitor_ref(v)) for v in visitors or []])


def figures(stats: list[Any], month: str, communities: list[Doc]) -> VisitFigures:
    """The month's visit counters (``CareRepository.visit_stats``) of ``communities`` (the caller's) and their
    totals: the dashboard's 巡访按时率."""
    names = {c["id"]: c.get("name") for c in communities}
    rows = [_row(str(i.sk), names[str(i.sk)], int(i.visits), int(i.on_time), int(i.not_reached), int(i.needs))
            for i in stats if i.sk in names]
    totals = _row("all", {"zh": "合计", "en": "Total"},
                  *(sum(getattr(r, f) for r in rows) for f in ("visits", "on_time", "not_reached", "needs")))
    return VisitFigures(month=month, communities=sorted(rows, key=lambda r: r.community_id), totals=totals)


def _row(community_id: str, name: Any, made: int, on_time: int, not_reached: int, needs: int) -> CommunityVisits:
    return CommunityVisits(community_id=community_id, name=name, visits=made, on_time=on_time,
                           on_time_rate=round(on_time / made, 3) if made else None, not_reached=not_reached,
                           needs=needs)
