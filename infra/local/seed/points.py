"""Demo sorting points: the sorting bins, household cards, two weeks of drops (through the use case the bins'
events reach), the exchange station's stock and a redemption."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.devices.models import DeviceIn
from chalicelib.directory.models import ListQuery
from chalicelib.directory.service import DirectoryService
from chalicelib.points.models import CredentialIn, RedeemLine, RedemptionIn, StockIn
from chalicelib.points.repository import PointsRepository
from chalicelib.points.service import DepositRecorder, PointsService, credential_id
from chalicelib.tenancy.common import Code, Username
from infra.local.seed import SeedContext

# A household's usual drops: (category, kg range, chance a day)
HABITS = (("food", (0.4, 1.6), 0.8), ("recyclable", (0.3, 2.5), 0.35), ("hazardous", (0.03, 0.15), 0.05),
          ("residual", (0.3, 1.2), 0.6))


class DemoCard(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username | None = None  # a resident binding their own
    household_id: str | None = None  # or staff issuing a card to a household
    by: Username | None = None
    card: str | None = None
    phone: str | None = None


class Station(BaseModel):
    model_config = ConfigDict(extra="forbid")

    community_id: Code
    name: str
    by: Username
    stock: dict[str, int]


class DemoRedemption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: Username
    username: Username
    items: list[RedeemLine]


class PointsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bins: list[DeviceIn]
    cards: list[DemoCard]
    history_days: int = Field(ge=0, le=60)
    station: Station
    redemptions: list[DemoRedemption] = Field(default_factory=list)


def cards(tenant_id: str) -> list[dict[str, str]]:
    """The demo's cards and phones (for the simulator's bins): ``[{"card": …} | {"phone": …}]``."""
    import yaml

    from infra.local.seed import ROOT

    path = ROOT / "tenants" / "demo" / tenant_id / "points.yaml"
    if not path.exists():
        return []
    spec = PointsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    return [{"card": c.card} if c.card else {"phone": c.phone or ""} for c in spec.cards]


def apply(ctx: SeedContext, data: Any) -> int:
    spec = PointsFile.model_validate(data)
    ctx.devices(spec.bins)
    written = 0
    homes: list[tuple[str, dict[str, str]]] = []
    repo = PointsRepository(ctx.tenant)
    for c in spec.cards:
        body = CredentialIn(card=c.card, phone=c.phone)
        known = repo.credential(credential_id(ctx.tenant, body.kind, body.value)) is not None
        if c.username:
            service = PointsService(ctx.principal(c.username))
            cred = service.bind_mine(body)
        else:
            assert c.household_id and c.by
            cred = PointsService(ctx.principal(c.by)).bind_for(c.household_id, body)
        homes.append((cred.credential_id, {"card": c.card} if c.card else {"phone": c.phone or ""}))
        written += 0 if known else 1
    recorder = DepositRecorder(ctx.tenant)
    rng = random.Random(f"{ctx.manifest.tenant_id}-points")  # noqa: S311 - demo data, reproducible
    now_ms = int(time.time() * 1000)
    today = datetime.now(ZoneInfo(ctx.manifest.timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(spec.history_days, 0, -1):
        midnight_ms = int((today - timedelta(days=day)).timestamp() * 1000)
        for n, (_, credential) in enumerate(homes):
            for category, (low, high), chance in HABITS:
                if rng.random() > chance:
                    continue
                hour = rng.choice((7, 8, 18, 19))  # the sorting hours, the city's time
                ts = midnight_ms + hour * 3_600_000 + rng.randint(0, 3_500_000)
                event = {"device": spec.bins[n % len(spec.bins)].device_id, "ts": ts,
                         "deposit": {"id": f"seed-{day}-{n}-{category}", "category": category,
                                     "weight": round(rng.uniform(low, high), 2), **credential}}
                if recorder.record(event, now_ms) != "duplicate":
                    written += 1
    staff = PointsService(ctx.principal(spec.station.by))
    points = DirectoryService(ctx.principal(spec.station.by)).list(spec.station.community_id, ListQuery(limit=200))
    station = next(p for p in points.items if p.name.zh == spec.station.name)
    if not staff.stock(station.service_point_id).receipts:  # first run: goods in, then the redemptions
        for goods_id, quantity in spec.station.stock.items():
            staff.restock(station.service_point_id, StockIn(goods_id=goods_id, add=quantity))
            written += 1
        for r in spec.redemptions:
            home = ctx.principal(r.username)
            household = PointsService(home).mine().household_id
            PointsService(ctx.principal(r.by)).redeem(RedemptionIn(service_point_id=station.service_point_id,
                                                                   household_id=household, items=r.items))
            written += 1
    return written
