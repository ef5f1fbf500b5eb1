"""The device simulator's fleet and payloads, without a broker: every message is one the platform
accepts, every metric is one its device profile knows, and the scripted incidents happen."""

from __future__ import annotations

import orjson
import pytest

from chalicelib.rules.profiles import load_profiles
from chalicelib.telemetry.payload import TelemetryMessage
from iot.sim import rhythm
from iot.sim.community import describe, fleet
from iot.sim.devices import GasDetector, SimDevice, SmartBin, SmokeDetector

BUILDINGS = [{"id": "jinghu-g1-b1", "units": 2, "path": ["erqi", "renhelu", "jinghu", "jinghu-g1", "jinghu-g1-b1"]},
             {"id": "jinghu-g1-b2", "units": 2, "path": ["erqi", "renhelu", "jinghu", "jinghu-g1", "jinghu-g1-b2"]}]
T0 = 1_800_000_000_000


def _run(device: SimDevice, hours: float, samples: int) -> list[dict]:
    """``samples`` steps at the device's own interval, from ``hours`` (simulated hours)."""
    out = []
    for n in range(samples):
        at = hours + n * device.interval_s / 3600
        out += [m.payload for m in device.step(T0 + n * 1000, at, device.interval_s)]
    return out


def _valid(payload: dict, device: SimDevice) -> TelemetryMessage:
    """What the topic rule makes of it, read as the telemetry handler reads it."""
    record = orjson.loads(orjson.dumps({**payload, "tenant": "zhengzhou", "device": device.device_id,
                                        "received_at": T0}))
    return TelemetryMessage.model_validate(record)


def test_every_simulated_message_is_valid_and_uses_its_profiles_metric_names():
    devices, _ = fleet("jinghu", BUILDINGS)
    profiles = load_profiles()
    for d in devices:
        known = {m.name for m in profiles[d.type].metrics}
        payloads = _run(d, 7.0, 200)
        assert payloads, f"{d.device_id} sent nothing in 200 samples"
        for p in payloads:
            msg = _valid(p, d)
            assert set(msg.metrics) <= known, (d.type, set(msg.metrics) - known)


def test_batching_devices_send_columnar_messages():
    devices, _ = fleet("jinghu", BUILDINGS)
    meter = next(d for d in devices if d.type == "power_meter")
    (first, *_) = _run(meter, 7.0, meter.batch)
    assert isinstance(first["ts"], list) and len(first["ts"]) == meter.batch == len(first["metrics"]["power_w"])


def test_incidents_name_devices_of_the_fleet_and_publish_on_the_event_topic():
    devices, incidents = fleet("jinghu", BUILDINGS)
    by_id = {d.device_id: d for d in devices}
    assert {i.action for i in incidents} == {"alarm", "leak", "silence", "aired"}
    smoke = next(d for d in devices if isinstance(d, SmokeDetector))
    gas = next(d for d in devices if isinstance(d, GasDetector))
    assert all(i.device_id in by_id for i in incidents)
    (alarm,) = smoke.alarm(T0)
    (leak,) = gas.leak(T0)
    assert alarm.kind == leak.kind == "event"
    assert alarm.payload["metrics"] == {"alarm": 1.0} and leak.payload["metrics"]["lel"] > 20  # gas.lel_high: > 20
    assert _run(gas, 8.0, 3) == []  # while leaking, nothing routine
    assert gas.aired(T0)[0].payload["metrics"]["lel"] < 10  # clears below 10


def test_the_market_bin_overflows_within_a_few_samples_and_is_emptied_by_the_truck():
    devices, _ = fleet("jinghu", BUILDINGS)
    market = next(d for d in devices if isinstance(d, SmartBin) and "market" in d.device_id)
    levels = [p["metrics"]["fillingLevel"] for p in _run(market, 7.0, 4)]
    assert sum(1 for v in levels if v > 0.9) >= 2  # smart_bin.overflow needs two samples above 0.9
    after = [p["metrics"]["fillingLevel"] for p in _run(market, 17.9, 2)]  # the 18:00 collection
    assert after[-1] < 0.2


def test_devices_are_placed_in_the_given_buildings_and_the_same_every_run():
    a, _ = fleet("jinghu", BUILDINGS)
    b, _ = fleet("jinghu", BUILDINGS)
    assert [d.device_id for d in a] == [d.device_id for d in b]
    homes = {d.place.get("household_id") for d in a} - {None}
    assert homes and all(h.rsplit("-", 2)[0] in {"jinghu-g1-b1", "jinghu-g1-b2"} for h in homes)
    assert sum(d.place.get("care_subject", False) for d in a) == 2  # a door and a meter of one elder
    assert len(fleet("jinghu", BUILDINGS, copies=3)[0]) == 3 * len(a)


def test_the_banner_description_counts_devices_by_type():
    devices, incidents = fleet("jinghu", BUILDINGS)
    lines = describe(devices, incidents)
    assert "door ×3" in lines[0] and "smoke ×2" in lines[0] and len(lines) == 2 + len(incidents)


@pytest.mark.parametrize("hour", [0.0, 3.0, 7.5, 12.0, 19.5, 23.9])
def test_rhythms_stay_in_physical_ranges(hour):
    assert 0 < rhythm.door_openings_per_hour(hour) < 5
    assert 50 < rhythm.household_power_w(hour) < 3000
    assert 0 < rhythm.bin_filling_per_hour(hour) < 0.1
    assert 30 < rhythm.street_noise_db(hour) < 75


def test_evenings_use_more_power_than_nights():
    assert rhythm.household_power_w(19.5) > 5 * rhythm.household_power_w(3.0)
    assert rhythm.door_openings_per_hour(7.6) > 10 * rhythm.door_openings_per_hour(3.0)


def test_a_fleet_needs_buildings():
    with pytest.raises(ValueError, match="no buildings"):
        fleet("nowhere", [])


def test_the_sorting_station_drops_carry_the_households_cards_and_come_in_the_sorting_hours():
    from chalicelib.points.models import DepositMessage
    from iot.sim.community import cards_in
    from tests.support import ROOT

    cards = cards_in(ROOT / "tenants" / "demo" / "zhengzhou" / "points.yaml")
    assert {"card": "4101030001"} in cards and {"phone": "13503718808"} in cards
    devices, _ = fleet("jinghu", BUILDINGS, cards=cards)
    station = next(d for d in devices if d.type == "sorting_bin")

    def drops(hours: float) -> list[dict]:
        return [m.payload for n in range(36) for m in station.step(T0 + n * 600_000, hours + n / 60, 60.0)
                if m.kind == "event"]

    busy, quiet = drops(7.0), drops(12.0)  # 07:00–07:36 against 12:00–12:36
    assert len(busy) > 2 * len(quiet) and len({d["deposit"]["id"] for d in busy}) == len(busy)
    for payload in busy:
        msg = DepositMessage.model_validate({**payload, "device": station.device_id})
        assert {k: v for k, v in payload["deposit"].items() if k in ("card", "phone")} in cards
        assert msg.deposit.weight > 0
    assert not next(m for m in fleet("jinghu", BUILDINGS)[0] if m.type == "sorting_bin").step(T0, 7.0, 600.0)[1:]


def test_the_gate_lets_a_flats_six_cards_through_within_minutes_and_ordinary_families_at_their_pace():
    from datetime import UTC, datetime

    from chalicelib.access.models import Passage
    from iot.sim.community import households_in
    from tests.support import ROOT

    homes = households_in(ROOT / "tenants" / "demo" / "zhengzhou" / "points.yaml")
    sublet = next(h for h in homes if len(h) >= 5)
    assert len(sublet) == 6 and sum(len(h) == 1 for h in homes) >= 5
    devices, _ = fleet("jinghu", BUILDINGS, households=homes)
    gate = next(d for d in devices if d.type == "access_control")
    noon = int(datetime(2026, 12, 7, 4, tzinfo=UTC).timestamp() * 1000)  # 12:00 in 郑州
    reads = [m.payload for n in range(31) for m in gate.step(noon + n * 10_000, 12.0, 600.0)
             if "passage" in m.payload]  # five real minutes, a step every 10 s
    cards = {r["card"] for r in reads}
    assert len({c["card"] for c in sublet} & cards) >= 5  # more than the city's 4 cards a week, in five minutes
    assert len([r for r in reads if {"card": r["card"]} not in sublet]) <= 6  # the rest: about one card an hour
    for r in reads:
        Passage.model_validate({**r, "device": gate.device_id})
    assert len({r["passage"] for r in reads}) == len(reads)
    night = int(datetime(2026, 12, 7, 19, tzinfo=UTC).timestamp() * 1000)  # 03:00: only the let flat
    late = [m.payload for n in range(31) for m in gate.step(night + n * 10_000, 3.0, 600.0) if "passage" in m.payload]
    assert late and all({"card": r["card"]} in sublet for r in late)
