"""The simulated community: which devices hang where, and the incidents of the first minutes.

Placed in the first buildings of a community, as the API lists them (so any tenant's community
works): three households each with a door contact, a smart meter and a smoke detector (one
of them an elderly resident living alone: 居家养老 care subject), a kitchen gas detector, three
communal bins and a noise monitor at the gate. Incidents happen at fixed *real* times after the
devices connect, whatever the speed, so a demo shows alerts within a minute.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iot.sim.devices import TYPES, AccessGate, GasDetector, SimDevice, SmartBin, SmokeDetector, SortingBin

ID_PREFIX = "sim"


@dataclass(frozen=True)
class Incident:
    at_s: float  # real seconds after the fleet is connected
    device_id: str
    action: str  # alarm | leak | aired | silence
    says: str  # for the banner and the log


def _household(building: dict[str, Any], unit: int, floor: int, room: int) -> str:
    return f"{building['id']}-{min(unit, int(building.get('units', 1)))}-{floor:02d}{room:02d}"


def fleet(community_id: str, buildings: list[dict[str, Any]], copies: int = 1, seed: int = 2026,
          cards: list[dict[str, str]] | None = None,
          households: list[list[dict[str, str]]] | None = None) -> tuple[list[SimDevice], list[Incident]]:
    """``buildings``: the community's buildings (``GET /v1/communities/{id}/buildings``), in order;
    ``cards``: the households' sorting cards and phones the sorting station's drops carry; ``households``: the
    same, per household, which the east gate's card reads carry."""
    if not buildings:
        raise ValueError(f"community {community_id!r} has no buildings to place devices in")
    rng = random.Random(seed)  # noqa: S311 - a simulation, not cryptography: the same fleet every run
    devices: list[SimDevice] = []

    def add(kind: str, device_id: str, **place: Any) -> SimDevice:
        seeded = random.Random(rng.random())  # noqa: S311 - each device its own reproducible noise
        dev = TYPES[kind](f"{ID_PREFIX}-{device_id}", {"community_id": community_id, **place}, seeded)
        devices.append(dev)
        return dev

    for n in range(copies):
        sfx = f"-{n + 1}" if copies > 1 else ""
        homes = [_household(buildings[i % len(buildings)], 1 + i % 2, 3 + 2 * i + n, 1 + i) for i in range(3)]
        for i, home in enumerate(homes):
            alone = i == 0  # an elderly resident living alone: 未出门 / 未用电 rules apply
            add("door", f"door-{home}", household_id=home, care_subject=alone, name="入户门磁")
            add("power_meter", f"meter-{home}", household_id=home, care_subject=alone, name="智能电表")
            if i:
                add("smoke", f"smoke-{home}", household_id=home, name="客厅烟感")
        add("gas", f"gas-{homes[2]}", household_id=homes[2], name="厨房燃气报警器")
        first = buildings[0]
        grid = first["path"][3] if len(first.get("path", [])) > 3 else None
        for spot, where in (("east", "东门"), ("north", "北区"), ("market", "菜市场")):
            add("smart_bin", f"bin-{spot}{sfx}", spot=f"{where}垃圾分类点", name="智能垃圾箱",
                **({"grid_id": grid} if grid else {}))
        station = add("sorting_bin", f"sort-east{sfx}", spot="东门垃圾分类积分站", name="智能分类回收箱",
                      **({"grid_id": grid} if grid else {}))
        assert isinstance(station, SortingBin)
        station.cards = list(cards or [])
        gate = add("access_control", f"gate-east{sfx}", spot="东门人行道闸", name="东门门禁",
                   **({"grid_id": grid} if grid else {}))
        assert isinstance(gate, AccessGate)
        gate.households = [list(h) for h in households or []]
        add("noise", f"noise-gate{sfx}", spot="北门", name="噪声监测仪", **({"grid_id": grid} if grid else {}))

    by_type: dict[str, SimDevice] = {}
    for d in devices:  # the first copy's devices carry the incidents
        by_type.setdefault(d.type, d)
    market = next(d for d in devices if isinstance(d, SmartBin) and "market" in d.device_id)
    market.level, market.pace = 0.88, 6.0  # overflows in the first minute, and again most evenings
    smoke, gas = by_type["smoke"], by_type["gas"]
    assert isinstance(smoke, SmokeDetector) and isinstance(gas, GasDetector)
    noise = by_type["noise"]
    incidents = [
        Incident(15, smoke.device_id, "alarm", "smoke alarm → 烟雾火警 (critical, event topic → handle_events)"),
        Incident(25, gas.device_id, "leak", "gas leak → 可燃气体浓度超限 (critical, event topic)"),
        Incident(30, noise.device_id, "silence", "noise monitor goes silent → 设备离线 ~4 min later (absence sweep)"),
        Incident(180, gas.device_id, "aired", "kitchen aired → the gas alert clears by itself"),
    ]
    return devices, incidents


def cards_in(path: Path | None) -> list[dict[str, str]]:
    """``[{"card": …} | {"phone": …}]`` from a demo points file; none without one."""
    if path is None or not path.exists():
        return []
    import yaml

    listed = yaml.safe_load(path.read_text(encoding="utf-8")).get("cards", [])
    return [{k: str(c[k])} for c in listed for k in ("card", "phone") if c.get(k)]


def households_in(path: Path | None) -> list[list[dict[str, str]]]:
    """The cards of each household of a demo points file (by resident or by household id), in file order."""
    if path is None or not path.exists():
        return []
    import yaml

    homes: dict[str, list[dict[str, str]]] = {}
    for c in yaml.safe_load(path.read_text(encoding="utf-8")).get("cards", []):
        homes.setdefault(str(c.get("household_id") or c.get("username")), []).extend(
            {k: str(c[k])} for k in ("card", "phone") if c.get(k))
    return list(homes.values())


def describe(devices: list[SimDevice], incidents: list[Incident]) -> list[str]:
    """Lines for the stack's banner."""
    counts: dict[str, int] = {}
    for d in devices:
        counts[d.type] = counts.get(d.type, 0) + 1
    lines = [", ".join(f"{t} ×{n}" for t, n in counts.items()),
             "market bin fills up → 满溢预警 (warning, via the queue) within the first minute"]
    if any(isinstance(d, SortingBin) and d.cards for d in devices):
        lines.append("sorting station: households' drops (card or phone) → 垃圾分类积分 credited within seconds")
    if any(isinstance(d, AccessGate) and any(len(h) >= d.SUBLET_CARDS for h in d.households) for d in devices):
        lines.append("east gate: a flat's six cards come and go at all hours → 疑似群租 lead within minutes (群租线索)")
    lines += [f"+{i.at_s:>3.0f} s  {i.device_id}: {i.says}" for i in incidents]
    return lines
