"""Demo entrance passages: the gate and building controllers, six days of the card households' ordinary
comings and goings, and a lead the grid worker dismissed after a visit — all through the use cases the
controllers' passages and the console reach."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.access.models import DismissIn
from chalicelib.access.repository import AccessRepository
from chalicelib.access.service import LeadService, PassageRecorder
from chalicelib.devices.models import DeviceIn
from chalicelib.tenancy.common import Username
from infra.local.seed import ROOT, SeedContext

Doc = dict[str, Any]


class DemoVisit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: str
    card: str
    entries_a_day: int = Field(ge=13, le=100)
    by: Username
    dismiss: DismissIn


class AccessFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doors: list[DeviceIn]
    history_days: int = Field(ge=0, le=6)
    entries_a_day: tuple[int, int]
    quiet_households: list[str] = Field(default_factory=list)
    visits: list[DemoVisit] = Field(default_factory=list)


def _households(ctx: SeedContext, quiet: list[str]) -> dict[str, list[str]]:
    """The demo's card households (points.yaml): household → its cards."""
    import yaml

    from chalicelib.points.service import PointsService

    listed = yaml.safe_load((ROOT / "tenants" / "demo" / ctx.manifest.tenant_id / "points.yaml").read_text("utf-8"))
    homes: dict[str, list[str]] = {}
    for c in listed["cards"]:
        if not c.get("card"):
            continue
        home = c.get("household_id") or PointsService(ctx.principal(c["username"])).mine().household_id
        if home not in quiet:
            homes.setdefault(home, []).append(str(c["card"]))
    return homes


def two_days(today: datetime) -> datetime:
    """The first of two consecutive past days (the last six) in one local week."""
    return next(d for d in (today - timedelta(days=n) for n in range(6, 1, -1)) if d.weekday() < 6)


def apply(ctx: SeedContext, data: Any) -> int:
    from chalicelib.devices.repository import DeviceRepository

    spec = AccessFile.model_validate(data)
    if all(DeviceRepository(ctx.tenant).get(d.device_id) is not None for d in spec.doors):
        return 0  # seeded before: the passages are there (and would count once anyway)
    ctx.devices(spec.doors)
    rng = random.Random(f"{ctx.manifest.tenant_id}-access")  # noqa: S311 - demo data, reproducible
    now_ms = int(time.time() * 1000)
    today = datetime.now(ZoneInfo(ctx.manifest.timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
    door_of = {d.building_id: d.device_id for d in spec.doors if d.building_id}
    gate = next(d.device_id for d in spec.doors if not d.building_id)
    messages: list[Doc] = []
    for home, cards in _households(ctx, spec.quiet_households).items():
        door = door_of.get(home.rsplit("-", 2)[0], gate)
        for day in range(spec.history_days, 0, -1):
            midnight = int((today - timedelta(days=day)).timestamp() * 1000)
            for n in range(rng.randint(*spec.entries_a_day)):
                out = midnight + rng.randint(390, 1290) * 60_000  # 06:30–21:30
                back = out + rng.randint(20, 60) * 60_000
                card = rng.choice(cards)
                for direction, ts in (("out", out), ("in", back)):
                    messages.append(_passage(door, ts, f"seed-{home}-{day}-{n}-{direction}", direction, card))
    first = two_days(today)
    for v in spec.visits:
        door = door_of.get(v.household_id.rsplit("-", 2)[0], gate)
        for k in range(2):
            noon = int((first + timedelta(days=k, hours=8)).timestamp() * 1000)
            messages += [_passage(door, noon + n * 1_800_000, f"seed-visit-{v.household_id}-{k}-{n}", "in", v.card)
                         for n in range(v.entries_a_day)]
    report = PassageRecorder(ctx.tenant).record(messages, [m["device"] for m in messages], [now_ms] * len(messages),
                                                now_ms)
    assert not report.refused, report.refused[:3]
    for v in spec.visits:
        community = v.household_id.split("-")[0]
        lead = AccessRepository(ctx.tenant).lead(community, v.household_id)
        if lead is not None and lead[0]["status"] == "open":
            LeadService(ctx.principal(v.by)).dismiss(v.household_id, v.dismiss)
    return report.passages


def _passage(device: str, ts: int, passage: str, direction: str, card: str) -> Doc:
    return {"device": device, "ts": ts, "passage": passage, "door": "正门", "direction": direction, "card": card}
