"""Sorting points: deposits credited from the bins' events, what residents and staff read and do.

A deposit earns ``floor(kg × points_per_kg)`` of its category's rule, nothing below the rule's minimum
weight, and no more than what is left of the household's daily cap (local day of the drop). Every
deposit is recorded once (idempotency key: bin + the bin's event id) and counts for the month's
diversion figures, credited or not; a card or phone bound to no household is counted ``unmatched``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import privacy
from chalicelib.auth.principal import Principal
from chalicelib.directory.repository import DirectoryRepository
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.observability import emit
from chalicelib.points.models import (
    CommunityDiversion,
    Credential,
    CredentialIn,
    Diversion,
    Entry,
    GoodsView,
    Household,
    LedgerPage,
    MonthFigures,
    PageQuery,
    PointsSummary,
    Ranking,
    RankRow,
    Receipt,
    RedemptionIn,
    Rule,
    Stock,
    StockIn,
    StockLine,
)
from chalicelib.points.repository import CATEGORIES, DAY_TTL_SECONDS, Credit, PointsRepository
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.base import decode_cursor, encode_cursor, now
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.households import household_label
from chalicelib.tenancy.scope import served_communities, verified_household
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]
RANKING_TOP = 10
RECEIPTS_SHOWN = 10
MAX_CREDENTIALS = 10
RECORD_ATTEMPTS = 6


def credential_id(tenant: TenantContext, kind: str, value: str) -> str:
    """The keyed hash a card number or phone is stored as (the number itself never is)."""
    key = privacy.subkey(tenant, "sorting-credential")
    return hmac.new(key, f"{kind}:{value.strip().upper()}".encode(), hashlib.sha256).hexdigest()[:32]


def masked(kind: str, value: str) -> str:
    return privacy.mask_phone(value) if kind == "phone" else "*" * max(0, len(value) - 4) + value[-4:]


def ranking_label(household_id: str) -> str:
    """``<building>-<unit>-<room>`` → ``2单元 15层``: the neighbours see the floor, not the door."""
    parts = household_id.rsplit("-", 2)
    if len(parts) < 3:
        return "—"
    unit, room = parts[1], parts[2]
    floor = room[:-2] if len(room) > 2 and room.isdigit() else "?"
    return f"{unit}单元 {floor}层"


class DepositRecorder:
    """Deposits reported by a city's sorting bins (the event topic → ``telemetry.handler.handle_event``)."""

    def __init__(self, tenant: TenantContext, repo: PointsRepository | None = None,
                 tenancy: TenantService | None = None) -> None:
        self.tenant = tenant
        self.repo = repo or PointsRepository(tenant)
        self.tenancy = tenancy or TenantService(tenant)

    def record(self, message: dict[str, Any], received_ms: int) -> str:
        """``credited`` / ``recorded`` (not credited: no household, cap, weight) / ``duplicate``; raises
        ``InvalidInput`` for a message that is not a deposit of one of the city's sorting bins."""
        from pydantic import ValidationError

        from chalicelib.devices.repository import DeviceRepository
        from chalicelib.points.models import DepositMessage

        try:
            msg = DepositMessage.model_validate(message)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise InvalidInput(f"{where}: {err['msg']}", field=where) from exc
        device = DeviceRepository(self.tenant).get(msg.device)
        if device is None or device.type.value != "sorting_bin":
            raise InvalidInput("deposits come from the city's sorting bins only", field="device")
        at = datetime.fromtimestamp(msg.ts / 1000, UTC)
        if at > datetime.fromtimestamp(received_ms / 1000, UTC) + timedelta(minutes=10):
            raise InvalidInput("ts: the drop is in the future", field="ts")
        dep = msg.deposit
        when = at.astimezone(self.tenancy.zone())
        settings = self.tenancy.sorting_points()
        kind, value = ("card", dep.card) if dep.card else ("phone", dep.phone)
        bound = self.repo.credential(credential_id(self.tenant, kind, value)) if value else None
        rule = settings.rule(dep.category.value)
        raw = math.floor(dep.weight * rule.points_per_kg + 1e-9) if rule else 0
        note = ("no_rule" if rule is None or rule.points_per_kg == 0 else "below_min_weight"
                if dep.weight < rule.min_weight_kg else "credited")
        doc = {"device_id": msg.device, "event_id": dep.id, "category": dep.category.value,
               "weight_kg": round(dep.weight, 3), "at": at.isoformat(), "community_id": device.community_id,
               "household_id": bound["household_id"] if bound else None, "spot": device.spot}
        for _ in range(RECORD_ATTEMPTS):
            credit, points = self._credit(doc, note, raw, bound, when, settings.daily_cap, device.spot)
            outcome = self.repo.record(credit)
            if outcome != "day_changed":
                break
        else:
            raise Conflict("today's points kept changing; the deposit is left for retry", field="deposit")
        if outcome == "duplicate":
            emit(self.tenant.tenant_id, {"SortingDepositsDuplicate": 1})
            return "duplicate"
        emit(self.tenant.tenant_id, {"SortingDeposits": 1, "SortingGrams": round(dep.weight * 1000),
                                     "PointsCredited": points, "SortingDepositsUnmatched": 0 if bound else 1})
        return "credited" if points else "recorded"

    def _credit(self, doc: Doc, note: str, raw: int, bound: Doc | None, when: datetime, cap: int,
                spot: str | None) -> tuple[Credit, int]:
        month = when.strftime("%Y-%m")
        if bound is None:
            return Credit({**doc, "points": 0, "note": "unmatched"}, doc["community_id"], month), 0
        household = bound["household_id"]
        day = when.date().isoformat()
        today = self.repo.today(household, day)
        points = max(0, min(raw, cap - today)) if note == "credited" else 0
        if note == "credited" and points < raw:
            note = "daily_cap"
        entry = {"entry_id": f"{doc['device_id']}.{doc['event_id']}", "at": doc["at"], "kind": "deposit",
                 "points": points, "category": doc["category"], "weight_kg": doc["weight_kg"], "note": note,
                 "device_id": doc["device_id"], "spot": spot}
        expires = int((when + timedelta(seconds=DAY_TTL_SECONDS)).timestamp())
        return Credit({**doc, "points": points, "note": note}, doc["community_id"], month, household,
                      bound.get("building_id"), entry, day, today, expires), points


class PointsService:
    def __init__(self, principal: Principal, repo: PointsRepository | None = None,
                 tenancy: TenantService | None = None) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.repo = repo or PointsRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)
        self.residents = ResidentRepository(self.tenant)

    # -- residents -------------------------------------------------------------------------
    def mine(self) -> PointsSummary:
        return self._summary(self._my_household())

    def my_ledger(self, q: PageQuery) -> LedgerPage:
        return self._ledger(self._my_household()["household_id"], q)

    def bind_mine(self, body: CredentialIn) -> Credential:
        return self._bind(self._my_household(), body)

    def unbind_mine(self, credential: str) -> PointsSummary:
        home = self._my_household()
        self._unbind(home, credential)
        return self._summary(home)

    # -- staff ------------------------------------------------------------------------------
    def household(self, household_id: str) -> PointsSummary:
        return self._summary(self._served_household(household_id))

    def household_ledger(self, household_id: str, q: PageQuery) -> LedgerPage:
        return self._ledger(self._served_household(household_id)["household_id"], q)

    def bind_for(self, household_id: str, body: CredentialIn) -> Credential:
        return self._bind(self._served_household(household_id), body)

    def unbind_for(self, household_id: str, credential: str) -> PointsSummary:
        home = self._served_household(household_id)
        self._unbind(home, credential)
        return self._summary(home)

    def lookup(self, body: CredentialIn) -> Household:
        bound = self.repo.credential(credential_id(self.tenant, body.kind, body.value))
        if bound is None:
            raise NotFound(f"this {body.kind} is bound to no household", field=body.kind)
        home = self._served_household(bound["household_id"], field=body.kind)
        return Household(household_id=home["household_id"], household=self._label(home),
                         community_id=home["community_id"], balance=self.repo.balance(home["household_id"])[0])

    def redeem(self, body: RedemptionIn) -> Receipt:
        point = self._station(body.service_point_id)
        home = self._served_household(body.household_id)
        if home["community_id"] != point["community_id"]:
            raise Forbidden("points are redeemed at the household's own community", field="household_id")
        goods = {g.id: g for g in self.tenancy.sorting_points().goods}
        lines: list[dict[str, Any]] = []
        for i, line in enumerate(body.items):
            g = goods.get(line.goods_id)
            if g is None:
                raise InvalidInput(f"no goods {line.goods_id!r} in the city's catalogue", field=f"items.{i}.goods_id")
            lines.append({"goods_id": g.id, "name": g.name.model_dump(), "quantity": line.quantity,
                          "points": g.points * line.quantity})
        total = sum(int(line["points"]) for line in lines)
        stamp = now()
        here = stamp.astimezone(self.tenancy.zone())
        receipt_no = here.strftime("DH%Y%m%d") + "-" + secrets.token_hex(3).upper()
        at = stamp.isoformat()
        receipt = {"receipt_no": receipt_no, "at": at, "household_id": home["household_id"],
                   "household": self._label(home), "service_point_id": point["service_point_id"],
                   "service_point": point["name"], "items": lines, "total": total, "by": self.principal.username}
        entry = {"entry_id": receipt_no, "at": at, "kind": "redemption", "points": -total, "note": "redeemed",
                 "receipt_no": receipt_no, "service_point": point["name"], "items": lines}
        outcome = self.repo.redeem(home["household_id"], home["community_id"], here.strftime("%Y-%m"),
                                   total, [(str(line["goods_id"]), int(line["quantity"])) for line in lines],
                                   entry, receipt, point["service_point_id"])
        if outcome == "points":
            balance = self.repo.balance(home["household_id"], consistent=True)[0]
            raise Conflict(f"not enough points: {total} needed, {balance} left", field="points")
        if isinstance(outcome, int):
            left = self.repo.stock(point["service_point_id"]).get(str(lines[outcome]["goods_id"]), 0)
            raise Conflict(f"not enough in stock here: {left} left", field=f"items.{outcome}.quantity")
        balance = self.repo.balance(home["household_id"], consistent=True)[0]
        emit(self.tenant.tenant_id, {"PointsRedeemed": total, "PointsRedemptions": 1})
        return Receipt.model_validate({**receipt, "balance_after": balance})

    def stock(self, service_point_id: str) -> Stock:
        point = self._station(service_point_id)
        on_hand = self.repo.stock(service_point_id)
        items = [StockLine(goods_id=g.id, name=g.name, points=g.points, quantity=on_hand.get(g.id, 0))
                 for g in self.tenancy.sorting_points().goods]
        receipts = [Receipt.model_validate({**r, "balance_after": r.get("balance_after", 0)})
                    for r in self.repo.receipts(service_point_id, RECEIPTS_SHOWN)]
        return Stock(service_point_id=service_point_id, service_point=point["name"],
                     community_id=point["community_id"], items=items, receipts=receipts)

    def restock(self, service_point_id: str, body: StockIn) -> Stock:
        self._station(service_point_id)
        if body.goods_id not in {g.id for g in self.tenancy.sorting_points().goods}:
            raise InvalidInput(f"no goods {body.goods_id!r} in the city's catalogue", field="goods_id")
        if not self.repo.restock(service_point_id, body.goods_id, body.add):
            raise Conflict("cannot write off more than is in stock", field="add")
        return self.stock(service_point_id)

    def diversion(self, month: str | None) -> Diversion:
        """kg by category, deposits, points earned and redeemed per community in a month (one Query)."""
        served = served_communities(self.principal, self.tenancy)
        shown = [c for c in self.tenancy.children("community") if served is None or c["id"] in served]
        return diversion_of(self.repo, month or now().astimezone(self.tenancy.zone()).strftime("%Y-%m"), shown)

    # -- helpers ------------------------------------------------------------------------------
    def _my_household(self) -> Doc:
        reg = verified_household(self.principal, self.residents)
        return self.residents.household(reg["household_id"]) or {
            k: reg[k] for k in ("household_id", "community_id", "building_id", "unit", "room", "path")}

    def _served_household(self, household_id: str, field: str = "household_id") -> Doc:
        home = self.residents.household(household_id) if "#" not in household_id else None
        served = served_communities(self.principal, self.tenancy)
        if home is None or (served is not None and home["community_id"] not in served):
            raise NotFound("no such household in your area", field=field)
        return home

    def _station(self, service_point_id: str) -> Doc:
        found = DirectoryRepository(self.tenant).get(service_point_id) if "#" not in service_point_id else None
        served = served_communities(self.principal, self.tenancy)
        if found is None or (served is not None and found[0]["community_id"] not in served):
            raise NotFound("no such service point in your area", field="service_point_id")
        if found[0]["status"] != "active":
            raise Conflict("this service point is retired", field="service_point_id")
        return found[0]

    def _label(self, home: Doc) -> str:
        try:
            building = self.tenancy.node("building", home["building_id"])
        except NotFound:
            building = None
        return household_label(home, building)

    def _bind(self, home: Doc, body: CredentialIn) -> Credential:
        cid = credential_id(self.tenant, body.kind, body.value)
        current = self.repo.credentials(home["household_id"])
        if any(c["credential_id"] == cid for c in current):
            return Credential.model_validate(next(c for c in current if c["credential_id"] == cid))
        if len(current) >= MAX_CREDENTIALS:
            raise Conflict(f"a household has at most {MAX_CREDENTIALS} cards and phones", field=body.kind)
        doc = {"credential_id": cid, "kind": body.kind, "masked": masked(body.kind, body.value),
               "household_id": home["household_id"], "building_id": home.get("building_id"),
               "community_id": home["community_id"], "bound_at": now().isoformat(), "bound_by": self.principal.username}
        if not self.repo.bind(cid, doc):
            raise Conflict(f"this {body.kind} is already bound to another household", field=body.kind)
        return Credential.model_validate(doc)

    def _unbind(self, home: Doc, credential: str) -> None:
        if len(credential) != 32 or not self.repo.unbind(credential, home["household_id"]):
            raise NotFound("no such card or phone on this household", field="credential_id")

    def _ledger(self, household_id: str, q: PageQuery) -> LedgerPage:
        docs, last = self.repo.ledger(household_id, q.limit, decode_cursor(q.cursor))
        if last is not None and not last.startswith("LEDGER#"):
            last = None
        return LedgerPage(items=[Entry.model_validate(d) for d in docs], next_cursor=encode_cursor(last))

    def _summary(self, home: Doc) -> PointsSummary:
        hid = home["household_id"]
        settings = self.tenancy.sorting_points()
        today = now().astimezone(self.tenancy.zone())
        month = today.strftime("%Y-%m")
        balance, earned, redeemed = self.repo.balance(hid)
        mine = self.repo.month_of(home["building_id"], month, hid)
        kg = {c: round(int(getattr(mine, f"{c}_g")) / 1000, 3) if mine else 0.0 for c in CATEGORIES}
        return PointsSummary(
            household_id=hid, household=self._label(home), community_id=home["community_id"], balance=balance,
            earned=earned, redeemed=redeemed,
            today={"points": self.repo.today(hid, today.date().isoformat()), "cap": settings.daily_cap},
            month=MonthFigures(month=month, points=int(mine.points) if mine else 0, kg=kg),
            credentials=[Credential.model_validate(c) for c in self.repo.credentials(hid)],
            ledger=self._ledger(hid, PageQuery(limit=20)), ranking=self._ranking(home, month),
            rules=[Rule.model_validate(r.model_dump()) for r in settings.rules],
            goods=[GoodsView.model_validate(g.model_dump()) for g in settings.goods])

    def _ranking(self, home: Doc, month: str) -> Ranking:
        rows = self.repo.ranking(home["building_id"], month)
        try:
            building = self.tenancy.node("building", home["building_id"]).get("name")
        except NotFound:
            building = None
        ranked, rank, last = [], 0, None
        for pos, (hid, points) in enumerate(rows, start=1):
            if points != last:
                rank, last = pos, points
            ranked.append(RankRow(rank=rank, household=ranking_label(hid), points=points,
                                  mine=hid == home["household_id"]))
        mine = next((r.rank for r in ranked if r.mine), None)
        return Ranking(month=month, building_id=home["building_id"], building=building, households=len(ranked),
                       my_rank=mine, top=ranked[:RANKING_TOP])


def diversion_of(repo: PointsRepository, month: str, communities: list[Doc]) -> Diversion:
    """The month's sorting counters of ``communities`` (the caller's), most kg first, and their totals."""
    names = {c["id"]: c.get("name") for c in communities}
    rows = [_diversion(item.sk, names[item.sk], {c: int(getattr(item, f"{c}_g")) for c in CATEGORIES},
                       int(item.deposits), int(item.unmatched), int(item.points), int(item.redeemed))
            for item in repo.stats(month) if item.sk in names]
    totals = _diversion("all", {"zh": "合计", "en": "Total"},
                        {c: sum(round(r.kg[c] * 1000) for r in rows) for c in CATEGORIES},
                        *(sum(getattr(r, f) for r in rows) for f in ("deposits", "unmatched", "points", "redeemed")))
    return Diversion(month=month, communities=sorted(rows, key=lambda r: -r.total_kg), totals=totals)


def _diversion(community_id: str, name: Any, grams: dict[str, int], deposits: int, unmatched: int, points: int,
               redeemed: int) -> CommunityDiversion:
    total = sum(grams.values())
    sorted_share = round((total - grams["residual"]) / total, 3) if total else None
    return CommunityDiversion(community_id=community_id, name=name, deposits=deposits, unmatched=unmatched,
                              points=points, redeemed=redeemed, kg={c: g / 1000 for c, g in grams.items()},
                              total_kg=total / 1000, sorted_share=sorted_share)
