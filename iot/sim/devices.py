"""Simulated devices, one class per device type of chalicelib/rules/profiles.yaml (metric names
as there). A device takes a sample every ``interval_s`` simulated seconds and publishes
telemetry once ``batch`` samples are buffered (columnar, as battery devices save radio time),
or at once when it has something to report (a door opening, an alarm: the event topic).

Timestamps are real epoch milliseconds — the platform's clocks (absence sweeps, escalation)
run in real time; only the *hour of the day* the values follow runs faster (``--speed``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from iot.sim import rhythm
from iot.topics import Kind

Metrics = dict[str, float]


@dataclass
class Outgoing:
    kind: Kind
    payload: dict[str, Any]


def single(ts: int, metrics: Metrics) -> dict[str, Any]:
    return {"ts": ts, "metrics": metrics}


def columnar(samples: list[tuple[int, Metrics]]) -> dict[str, Any]:
    """``{"ts": [...], "metrics": {name: [...]}}``: every sample carries the same metrics."""
    names = list(samples[0][1])
    return {"ts": [ts for ts, _ in samples], "metrics": {n: [m[n] for _, m in samples] for n in names}}


@dataclass
class SimDevice:
    device_id: str
    place: dict[str, Any]  # DeviceIn fields: community_id, household_id / building_id / spot, care_subject
    rng: random.Random
    silent: bool = False  # stopped reporting (see Incident "silence")
    buffer: list[tuple[int, Metrics]] = field(default_factory=list)

    type = ""
    interval_s = 600.0  # simulated seconds between samples
    batch = 1

    def __post_init__(self) -> None:
        """Per-type state (subclasses); the dataclass __init__ calls it only if the base defines it."""

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        """One sample at ``hours`` (simulated hours since midnight of day 0), ``dt_s`` after the last."""
        raise NotImplementedError

    def step(self, ts: int, hours: float, dt_s: float) -> list[Outgoing]:
        metrics = self.sample(hours, dt_s)
        if metrics is None:
            return []
        self.buffer.append((ts, {k: round(v, 3) for k, v in metrics.items()}))
        if len(self.buffer) < self.batch:
            return []
        out = self.buffer
        self.buffer = []
        return [Outgoing("telemetry", columnar(out) if len(out) > 1 else single(*out[0]))]


class Door(SimDevice):
    """门磁: reports each opening and closing at once, its battery every simulated hour."""

    type, interval_s = "door", 60.0

    def __post_init__(self) -> None:
        self.open, self.minutes, self.battery = False, 0, self.rng.uniform(70, 98)

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        self.minutes += 1
        if self.open:
            self.open = False
            return {"opened": 0.0}
        if self.rng.random() < rhythm.door_openings_per_hour(hours % 24) * dt_s / 3600:
            self.open = True
            return {"opened": 1.0}
        if self.minutes % 60 == 0:
            self.battery -= 0.01
            return {"battery": self.battery}
        return None


class PowerMeter(SimDevice):
    """智能电表: 15-minute load profile, uploaded four samples at a time."""

    type, interval_s, batch = "power_meter", 900.0, 4

    def __post_init__(self) -> None:
        self.kwh, self.base = self.rng.uniform(2000, 9000), self.rng.uniform(60, 140)

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        watts = max(0.0, rhythm.household_power_w(hours % 24, self.base) * self.rng.uniform(0.7, 1.3))
        self.kwh += watts * dt_s / 3.6e6
        return {"power_w": watts, "energy_kwh": self.kwh}


class SmokeDetector(SimDevice):
    """烟感: a battery heartbeat every four simulated hours; an alarm goes out at once on the event topic."""

    type, interval_s = "smoke", 14400.0

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        return {"battery": self.rng.uniform(80, 95)}

    def alarm(self, ts: int) -> list[Outgoing]:
        return [Outgoing("event", single(ts, {"alarm": 1.0}))]


class GasDetector(SimDevice):
    """燃气探测器: concentration every 30 simulated minutes; a leak (``lel`` is a critical metric)
    goes to the event topic until the kitchen is aired."""

    type, interval_s = "gas", 1800.0

    def __post_init__(self) -> None:
        self.leaking = False

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        return {"lel": self.rng.uniform(0.0, 1.5)}

    def leak(self, ts: int) -> list[Outgoing]:
        self.leaking = True
        return [Outgoing("event", single(ts, {"lel": round(self.rng.uniform(28, 40), 1)}))]

    def aired(self, ts: int) -> list[Outgoing]:
        self.leaking = False
        return [Outgoing("event", single(ts, {"lel": 3.0}))]

    def step(self, ts: int, hours: float, dt_s: float) -> list[Outgoing]:
        return [] if self.leaking else super().step(ts, hours, dt_s)


class SmartBin(SimDevice):
    """智能垃圾箱: filling level (0–1) every 10 simulated minutes; emptied at 06:00 and 18:00."""

    type, interval_s = "smart_bin", 600.0

    def __post_init__(self) -> None:
        self.level, self.pace = self.rng.uniform(0.1, 0.4), 1.0  # pace: a bin by the market fills faster
        self.shift: int | None = None

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        shift = math.floor((hours - 6) / 12)  # a new shift began: the truck came at 06:00 or 18:00
        if self.shift is not None and shift != self.shift:
            self.level = self.rng.uniform(0.02, 0.08)
        self.shift = shift
        self.level = min(1.0, self.level + self.pace * rhythm.bin_filling_per_hour(hours % 24) * dt_s / 3600)
        return {"fillingLevel": self.level, "temperature": rhythm.ambient_c(hours % 24) + self.rng.uniform(-1, 1),
                "methaneConcentration": self.rng.uniform(200, 800), "battery": self.rng.uniform(70, 90)}


class SortingBin(SimDevice):
    """智能分类回收箱: the fullest bin's level every 10 simulated minutes, and each household drop at once on
    the event topic — category, weight, the card or phone it was identified by — busiest in the sorting hours
    (07:00–09:00, 18:00–20:00). ``cards``: what the households identify with (the demo's, see make run)."""

    type, interval_s = "sorting_bin", 600.0
    SORTING_HOURS = ((7.0, 9.0), (18.0, 20.0))
    KINDS = (("food", 0.3, 1.8, 0.5), ("recyclable", 0.2, 2.5, 0.25), ("residual", 0.2, 1.0, 0.2),
             ("hazardous", 0.02, 0.12, 0.05))

    def __post_init__(self) -> None:
        self.level, self.dropped = self.rng.uniform(0.1, 0.3), 0
        self.cards: list[dict[str, str]] = []

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        self.level = min(1.0, self.level + rhythm.bin_filling_per_hour(hours % 24) * dt_s / 3600)
        if math.floor((hours - 6) / 12) != math.floor((hours - 6 - dt_s / 3600) / 12):
            self.level = self.rng.uniform(0.02, 0.08)  # emptied at 06:00 and 18:00
        return {"fillingLevel": self.level, "temperature": rhythm.ambient_c(hours % 24) + self.rng.uniform(-1, 1),
                "battery": self.rng.uniform(80, 95)}

    def step(self, ts: int, hours: float, dt_s: float) -> list[Outgoing]:
        out = super().step(ts, hours, dt_s)
        busy = any(lo <= hours % 24 < hi for lo, hi in self.SORTING_HOURS)
        drops = sum(self.rng.random() < (0.6 if busy else 0.08) for _ in range(2)) if self.cards else 0
        for n in range(drops):
            category, low, high = self._kind()
            self.dropped += 1
            out.append(Outgoing("event", {"ts": ts + n, "deposit": {
                "id": f"{ts}-{n}", "category": category, "weight": round(self.rng.uniform(low, high), 2),
                **self.rng.choice(self.cards)}}))
        return out

    def _kind(self) -> tuple[str, float, float]:
        pick, total = self.rng.random(), 0.0
        for category, low, high, share in self.KINDS:
            total += share
            if pick < total:
                return category, low, high
        return self.KINDS[0][:3]


class AccessGate(SimDevice):
    """门禁 (a pedestrian gate): how long it stood open every 10 simulated minutes, and each card read at once
    as a ``passage`` on the telemetry topic, for the card's household. ``households``: each household's cards
    (the demo's). A flat with five cards or more is let out by the bed: its tenants come and go at all hours,
    each about once a minute (a 疑似群租 lead within minutes); the others pass at a real-time pace — about
    once an hour a card, 06:30 to 22:30 — so an ordinary family is never a lead however long the demo runs."""

    type, interval_s = "access_control", 600.0
    SUBLET_CARDS = 5
    SUBLET_EVERY_S, ORDINARY_EVERY_S = 60.0, 3600.0
    CHINA_OFFSET_S = 8 * 3600

    def __post_init__(self) -> None:
        self.households: list[list[dict[str, str]]] = []
        self.inside: dict[str, bool] = {}
        self.last_ms: int | None = None
        self.passed = 0

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        return {"heldOpenSeconds": round(self.rng.uniform(0, 12)), "tamper": 0.0}

    def step(self, ts: int, hours: float, dt_s: float) -> list[Outgoing]:
        out = super().step(ts, hours, dt_s)
        real_s = 0.0 if self.last_ms is None else (ts - self.last_ms) / 1000
        self.last_ms = ts
        local_minute = ((ts // 1000 + self.CHINA_OFFSET_S) // 60) % 1440
        daytime = 390 <= local_minute < 1350
        for cards in self.households:
            sublet = len(cards) >= self.SUBLET_CARDS
            if not (sublet or daytime):
                continue
            chance = 1 - math.exp(-real_s / (self.SUBLET_EVERY_S if sublet else self.ORDINARY_EVERY_S))
            for holder in cards:
                if "card" not in holder or self.rng.random() >= chance:
                    continue
                card = holder["card"]
                self.inside[card] = not self.inside.get(card, self.rng.random() < 0.5)
                self.passed += 1
                out.append(Outgoing("telemetry", {
                    "ts": ts + self.passed % 1000, "passage": f"{self.device_id}-{ts}-{self.passed}", "door": "东门",
                    "direction": "in" if self.inside[card] else "out", "card": card}))
        return out


class NoiseMonitor(SimDevice):
    """噪声监测: one-minute LAeq, sent ten at a time."""

    type, interval_s, batch = "noise", 60.0, 10

    def sample(self, hours: float, dt_s: float) -> Metrics | None:
        return {"laeq": rhythm.street_noise_db(hours % 24) + self.rng.gauss(0, 1.5)}


TYPES: dict[str, type[SimDevice]] = {c.type: c for c in (Door, PowerMeter, SmokeDetector, GasDetector, SmartBin,
                                                           SortingBin, AccessGate, NoiseMonitor)}
