"""Entrance passages → a household's week → 疑似群租 leads; and what staff read and decide about them.

A batch of passages (the telemetry queue, ``telemetry.handler``) is laid out with the vectorized tally
(``alertcore/tally.py``): local day, weekday, week, night, grouped per (household, week). Each group is
one ``ADD`` of sets to the household's week, which answers with the week's totals; the totals of every
group are judged at once against the city's thresholds, and a household over any of them becomes a
lead, or feeds the lead it already has (one lead per household: repeats merge).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.access.models import (
    ConfirmIn,
    DismissIn,
    Lead,
    LeadDetail,
    LeadPage,
    LeadQuery,
    LeadStatus,
    Passage,
    Reason,
)
from chalicelib.access.repository import WEEK_TTL_SECONDS, AccessRepository, WeekAdd, WeekTotals
from chalicelib.auth.principal import Principal
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.observability import emit
from chalicelib.points.repository import PointsRepository
from chalicelib.points.service import credential_id
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import now
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.households import label_of
from chalicelib.tenancy.models import RentalLeads
from chalicelib.tenancy.scope import served_communities
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]
FUTURE_MS = 10 * 60_000  # a controller's clock may run this far ahead
OLDEST_MS = 7 * 86_400_000  # a passage older than a week no longer changes a lead
WEEKS_KEPT = 8  # evidence weeks a lead keeps
WEEKS_SHOWN = 6  # the household's recent weeks on the lead's page
WRITE_ATTEMPTS = 5
REASONS = (Reason.BUSY_DAYS, Reason.MANY_CARDS, Reason.NIGHT_ENTRIES)


@dataclass
class PassageReport:
    passages: int = 0
    unmatched: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # position in the batch, why
    raised: int = 0
    merged: int = 0


def _refusal(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"[:200]
    return str(exc)[:200]


def evidence(week: str, totals: WeekTotals, settings: RentalLeads) -> Doc:
    return {"week": week, "entries": totals.entries, "exits": totals.exits,
            "busy_days": sum(n > settings.daily_entries for n in totals.entries), "cards": totals.cards,
            "night_entries": totals.night}


class PassageRecorder:
    """The entrance controllers' passages of one city, a queue batch at a time."""

    def __init__(self, tenant: TenantContext, repo: AccessRepository | None = None,
                 tenancy: TenantService | None = None) -> None:
        self.tenant = tenant
        self.repo = repo or AccessRepository(tenant)
        self.tenancy = tenancy or TenantService(tenant)

    def record(self, messages: Sequence[Doc | str], devices: Sequence[str], received: Sequence[int | None],
               now_ms: int) -> PassageReport:
        """Count each passage once into its household's week and raise or feed leads. A passage that is not
        one of the city's controllers' (unreadable, unknown or other device, in the future, over a week old)
        is refused alone, with its reason."""
        import numpy as np
        import orjson

        from chalicelib.alertcore import tally
        from chalicelib.devices.repository import DeviceRepository

        report = PassageReport()
        kept: list[tuple[int, Passage, Doc]] = []
        registry: dict[str, Any] = {}
        for pos, (raw, device_id) in enumerate(zip(messages, devices, strict=True)):
            try:
                body = orjson.loads(raw) if isinstance(raw, str | bytes) else raw
                if not isinstance(body, dict):
                    raise ValueError("not a JSON object")
                msg = Passage.model_validate({**body, "device": device_id})
                if device_id not in registry:
                    registry[device_id] = DeviceRepository(self.tenant).get(device_id)
                device = registry[device_id]
                if device is None or device.type.value != "access_control":
                    raise ValueError("device: passages come from the city's entrance controllers only")
                arrived = received[pos] or now_ms
                if msg.ts > arrived + FUTURE_MS:
                    raise ValueError("ts: the passage is in the future")
                if msg.ts < arrived - OLDEST_MS:
                    raise ValueError("ts: the passage is more than a week old")
            except ValueError as exc:  # pydantic's ValidationError and orjson's JSONDecodeError are ValueErrors
                report.refused.append((pos, _refusal(exc)))
                continue
            kept.append((pos, msg, {"community_id": device.community_id}))
        if not kept:
            self._emit(report)
            return report
        creds = [credential_id(self.tenant, "card", m.card) for _, m, _ in kept]
        bound = PointsRepository(self.tenant).bound(creds)
        homes = [bound.get(c) for c in creds]
        report.passages = len(kept)
        report.unmatched = sum(h is None for h in homes)
        at = [i for i, h in enumerate(homes) if h is not None]
        if at:
            self._tally([kept[i][1] for i in at], [creds[i] for i in at], [h for h in homes if h is not None],
                        now_ms, np, tally, report)
        self._emit(report)
        return report

    def _tally(self, passages: list[Passage], creds: list[str], homes: list[Doc], now_ms: int, np: Any,
               tally: Any, report: PassageReport) -> None:
        settings = self.tenancy.rental_leads()
        offset = datetime.now(self.tenancy.zone()).utcoffset() or timedelta(hours=8)
        households = sorted({h["household_id"] for h in homes})
        code = {h: i for i, h in enumerate(households)}
        ts = np.fromiter((p.ts for p in passages), np.int64, len(passages))
        inbound = np.fromiter((p.direction == "in" for p in passages), bool, len(passages))
        lay = tally.layout(ts, int(offset.total_seconds() // 60), settings.night.start_minute,
                           settings.night.end_minute)
        groups = tally.by_key_and_week(np.fromiter((code[h["household_id"]] for h in homes), np.int64, len(homes)),
                                       lay.week)
        expires = now_ms // 1000 + WEEK_TTL_SECONDS
        weeks, totals = [], []
        for g in range(len(groups.lengths)):
            idx = groups.members(g)
            entries: dict[int, set[str]] = {}
            for i in idx[inbound[idx]]:
                entries.setdefault(int(lay.weekday[i]), set()).add(passages[i].passage)
            home = homes[int(idx[0])]
            week = (date(1970, 1, 1) + timedelta(days=int(tally.monday(int(groups.keys[g, 1]))))).isoformat()
            totals.append(self.repo.add_week(WeekAdd(
                home["household_id"], home["community_id"], week, entries,
                {passages[i].passage for i in idx[~inbound[idx]]},
                {passages[i].passage for i in idx[inbound[idx] & lay.night[idx]]},
                {creds[i] for i in idx}, expires)))
            weeks.append((home, week))
        over = tally.judge(np.array([t.entries for t in totals], np.int64).reshape(-1, 7),
                           np.array([t.cards for t in totals], np.int64),
                           np.array([t.night for t in totals], np.int64),
                           tally.Thresholds(settings.daily_entries, settings.busy_days, settings.weekly_cards,
                                            settings.weekly_night_entries))
        leads = LeadKeeper(self.tenant, self.repo, self.tenancy, settings)
        for g in np.flatnonzero(over.any(axis=1)):
            home, week = weeks[g]
            reasons = [r for r, hit in zip(REASONS, over[g], strict=True) if hit]
            outcome = leads.feed(home, evidence(week, totals[g], settings), reasons)
            report.raised += outcome == "raised"
            report.merged += outcome == "merged"

    def _emit(self, report: PassageReport) -> None:
        emit(self.tenant.tenant_id, {"AccessPassages": report.passages, "AccessPassagesUnmatched": report.unmatched,
                                     "AccessPassagesRefused": len(report.refused),
                                     "RentalLeadsRaised": report.raised, "RentalLeadsMerged": report.merged})


class LeadKeeper:
    """Opens a household's lead, or merges a week's evidence into the one it has."""

    def __init__(self, tenant: TenantContext, repo: AccessRepository, tenancy: TenantService,
                 settings: RentalLeads) -> None:
        self.tenant, self.repo, self.tenancy, self.settings = tenant, repo, tenancy, settings
        self.buildings: dict[str, Doc | None] = {}

    def feed(self, home: Doc, week: Doc, reasons: list[Reason]) -> str:
        """``raised`` (new, or reopened after a dismissal's quiet days), ``merged`` (a new week or reason on a
        lead), ``updated`` (the same week's figures grew), ``same``."""
        community, household = home["community_id"], home["household_id"]
        for _ in range(WRITE_ATTEMPTS):
            stamp = now()
            found = self.repo.lead(community, household, consistent=True)
            if found is None:
                building_id, label = label_of(self.tenancy, household, self.buildings)
                doc: Doc = {"household_id": household, "household": label, "community_id": community,
                            "building_id": building_id, "status": LeadStatus.OPEN.value,
                            "reasons": [r.value for r in reasons], "weeks": [week],
                            "first_raised_at": stamp.isoformat(), "updated_at": stamp.isoformat(),
                            "history": [{"action": "raised", "at": stamp.isoformat(),
                                         "reasons": [r.value for r in reasons]}]}
                outcome, moves, version = "raised", {"open": 1}, None
            else:
                doc, version = found
                outcome, moves = self._merge(doc, week, reasons, stamp)
                if outcome == "same":
                    return outcome
            if self.repo.save_lead(doc, version, moves):
                return outcome
        raise Conflict("the lead kept changing; the passages are left for retry", field="lead")

    def _merge(self, doc: Doc, week: Doc, reasons: list[Reason], stamp: datetime) -> tuple[str, dict[str, int]]:
        weeks = [w for w in doc["weeks"] if w["week"] != week["week"]]
        known = next((w for w in doc["weeks"] if w["week"] == week["week"]), None)
        fresh = [r.value for r in reasons if r.value not in doc["reasons"]]
        if known == week and not fresh:
            return "same", {}
        doc["weeks"] = sorted([*weeks, week], key=lambda w: w["week"], reverse=True)[:WEEKS_KEPT]
        doc["reasons"] = [*doc["reasons"], *fresh]
        doc["updated_at"] = stamp.isoformat()
        new = known is None or bool(fresh)
        if doc["status"] == LeadStatus.DISMISSED.value:
            decided = datetime.fromisoformat(next(h["at"] for h in reversed(doc["history"])
                                                  if h["action"] == "dismissed"))
            if new and stamp - decided >= timedelta(days=self.settings.dismissed_quiet_days):
                doc["status"] = LeadStatus.OPEN.value
                doc["history"].append({"action": "reopened", "at": stamp.isoformat(),
                                       "reasons": [r.value for r in reasons]})
                return "raised", {"dismissed": -1, "open": 1}
            return "updated", {}
        if new:
            doc["history"].append({"action": "merged", "at": stamp.isoformat(), "reasons": [r.value for r in reasons]})
            return "merged", {}
        return "updated", {}


class LeadService:
    """What the community's staff (and city admins) read and decide about leads."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.repo = AccessRepository(self.tenant)
        self.tenancy = TenantService(self.tenant)

    def leads(self, q: LeadQuery) -> LeadPage:
        if q.community_id is not None:
            self._served(q.community_id)
            docs = self.repo.leads(q.community_id)
        else:  # the caller's area: only the communities that have any lead (their counts: one Query)
            having = self.repo.counts(served_communities(self.principal, self.tenancy))
            docs = [d for c in sorted(having) if any(having[c].values()) for d in self.repo.leads(c)]
        shown = [d for d in docs if q.status == "all" or d["status"] == q.status]
        counts = {s: sum(d["status"] == s.value for d in docs) for s in LeadStatus}
        s = self.tenancy.rental_leads()
        return LeadPage(items=[Lead.model_validate(d) for d in self._newest_first(shown)], counts=counts,
                        thresholds={"daily_entries": s.daily_entries, "busy_days": s.busy_days,
                                    "weekly_cards": s.weekly_cards, "weekly_night_entries": s.weekly_night_entries,
                                    "night": f"{s.night.start}–{s.night.end}",
                                    "dismissed_quiet_days": s.dismissed_quiet_days})

    @staticmethod
    def _newest_first(docs: list[Doc]) -> list[Doc]:
        """Open first, then confirmed, then dismissed; the latest evidence or decision first in each."""
        rank = {LeadStatus.OPEN.value: 0, LeadStatus.CONFIRMED.value: 1, LeadStatus.DISMISSED.value: 2}
        return sorted(docs, key=lambda d: (rank[d["status"]], -datetime.fromisoformat(d["updated_at"]).timestamp()))

    def get(self, household_id: str) -> LeadDetail:
        doc, _ = self._lead(household_id)
        settings = self.tenancy.rental_leads()
        recent = [evidence(week, totals, settings) for week, totals in self.repo.weeks(household_id, WEEKS_SHOWN)]
        return LeadDetail.model_validate({**doc, "recent": recent})

    def confirm(self, household_id: str, body: ConfirmIn) -> LeadDetail:
        if body.visited_on > datetime.now(self.tenancy.zone()).date():
            raise InvalidInput("visited_on: the visit cannot be in the future", field="visited_on")
        return self._decide(household_id, "confirmed", {
            "visited_on": body.visited_on.isoformat(), "occupants": body.occupants, "note": body.note})

    def dismiss(self, household_id: str, body: DismissIn) -> LeadDetail:
        return self._decide(household_id, "dismissed",
                            {"dismiss_reason": body.reason.value, "note": body.note})

    def _decide(self, household_id: str, status: str, fields: Doc) -> LeadDetail:
        for _ in range(WRITE_ATTEMPTS):
            doc, version = self._lead(household_id)
            if doc["status"] != LeadStatus.OPEN.value:
                raise Conflict(f"this lead is already {doc['status']}; only an open lead is decided", field="status")
            stamp = now().isoformat()
            doc["status"], doc["updated_at"] = status, stamp
            doc["history"].append({"action": status, "at": stamp, "by": self.principal.username,
                                   **{k: v for k, v in fields.items() if v is not None}})
            if self.repo.save_lead(doc, version, {"open": -1, status: 1}):
                emit(self.tenant.tenant_id, {"RentalLeadsConfirmed" if status == "confirmed"
                                             else "RentalLeadsDismissed": 1})
                return self.get(household_id)
        raise Conflict("the lead kept changing; try again", field="status")

    def _lead(self, household_id: str) -> tuple[Doc, int]:
        """The lead of a household of the caller's area (its community from its registration)."""
        home = ResidentRepository(self.tenant).household(household_id) if "#" not in household_id else None
        served = served_communities(self.principal, self.tenancy)
        if home is None or (served is not None and home["community_id"] not in served):
            raise NotFound("no lead for this household in your area", field="household_id")
        found = self.repo.lead(home["community_id"], household_id, consistent=True)
        if found is None:
            raise NotFound("no lead for this household", field="household_id")
        return found

    def _served(self, community_id: str) -> None:
        served = served_communities(self.principal, self.tenancy)
        if (served is not None and community_id not in served) or "#" in community_id:
            raise NotFound("no such community in your area", field="community_id")
        try:
            self.tenancy.node("community", community_id)
        except NotFound:
            raise NotFound("no such community in your area", field="community_id") from None
