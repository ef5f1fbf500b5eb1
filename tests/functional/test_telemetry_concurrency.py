"""Concurrent batches carrying the same devices lose no device state and raise each alert once.

The telemetry queue is a standard queue read by several pollers, so batches of the same devices
run side by side. Every batch here reads its devices' state before any of them writes (a barrier
after the load), so all but one lose their first write and must re-read and re-run. The outcome
per device must be the state and the alerts of applying the batches one after another, in the
order their writes of that device took effect — computed on twin devices fed the same readings
one batch at a time.

moto is not safe for threads (a transaction snapshots and may restore the whole table); DynamoDB
applies each call atomically: ``atomic_dynamodb`` gives moto that guarantee back.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pytest

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.devices.models import DeviceIn
from chalicelib.devices.service import DeviceService
from chalicelib.store.keys import TenantContext
from chalicelib.telemetry import absence, pipeline, state
from chalicelib.telemetry.pipeline import BatchReport, process_batch

ZZ = TenantContext("zhengzhou")
NOW = int(time.time() * 1000)
DEVICES = {"GAS-0101": "gas", "PWR-0101": "power_meter", "WB-0101": "wristband"}
TWIN = "T"  # a twin of GAS-0101 is TGAS-0101


def _batch(k: int, prefix: str = "") -> list[bytes]:
    """Batch k: five minutes of samples for every device; gas high in even batches (raise), low in odd (clear)."""
    start = NOW - 3_600_000 + k * 300_000
    ts = [start + i * 60_000 for i in range(5)]
    lel = [25.0 + i for i in range(5)] if k % 2 == 0 else [4.0] * 5
    power = [180.0 + 37 * ((k * 5 + i) % 7) for i in range(5)]
    heart = [70.0 + (k * 5 + i) % 11 for i in range(5)]
    return [orjson.dumps({"device": prefix + "GAS-0101", "ts": ts, "metrics": {"lel": lel}}),
            orjson.dumps({"device": prefix + "PWR-0101", "ts": ts, "metrics": {"power_w": power}}),
            orjson.dumps({"device": prefix + "WB-0101", "ts": ts,
                          "metrics": {"heart_rate": heart, "sos": [float(k == 1 and i == 2) for i in range(5)]}})]


@pytest.fixture
def city(aws, atomic_dynamodb):
    aws.onboard("zhengzhou")
    svc = DeviceService(Principal("u-admin", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN})))
    for n, (device_id, kind) in enumerate(DEVICES.items()):
        for prefix in ("", TWIN):
            svc.register(DeviceIn(device_id=prefix + device_id, type=kind, serial=f"SN-C{prefix}{n}",
                                  community_id="jinghu", household_id="jinghu-g1-b1-1-301"))
    return aws


class Recorder:
    """Which batch's write of each device took effect with which version (spying on the real writes)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, batches: int) -> None:
        self.label = threading.local()
        self.order: dict[str, dict[int, int]] = defaultdict(dict)  # device → version → batch
        self.loaded = threading.Barrier(batches, timeout=60)
        write_docs, load = state.write_docs, state.DynamoStateStore.load

        def recording_write(tenant, plan, docs, types, versions):  # type: ignore[no-untyped-def]
            lost = write_docs(tenant, plan, docs, types, versions)
            for device_id in set(docs) - lost:
                self.order[device_id][(versions[device_id] or 0) + 1] = self.label.batch
            return lost

        def load_together(store, *args):  # type: ignore[no-untyped-def]
            out = load(store, *args)
            if not getattr(self.label, "waited", False):  # every batch's first read before any write
                self.label.waited = True
                self.loaded.wait()
            return out

        monkeypatch.setattr(state, "write_docs", recording_write)
        monkeypatch.setattr(state.DynamoStateStore, "load", load_together)

    def run(self, k: int, messages: list[bytes]) -> BatchReport:
        self.label.batch = k
        return process_batch(ZZ, messages, NOW)


def _doc(device_id: str) -> dict[str, Any]:
    item = state.DeviceStateItem.get(ZZ.device_pk(device_id), state.SK, consistent_read=True)
    return orjson.loads(item.doc)


def _alerts(client, token: str, device_id: str) -> list[tuple[Any, ...]]:
    """(rule, state — ``recovered`` for one open but cleared by its device —, time of the sample that last raised
    it, raises attached, value) of the device's alerts."""
    out = []
    for st in ("open", "auto_cleared"):
        r = client.http.get(f"/v1/alerts?state={st}&limit=200", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.body
        out += [(a["rule_id"], "recovered" if a["recovered_at"] else a["state"], a["last_seen"], a["occurrences"],
                 a["last_value"]) for a in r.json_body["items"] if a["device_id"] == device_id]
    return sorted(out)


@pytest.mark.parametrize("batches", [2, 8])
def test_concurrent_batches_of_the_same_devices_keep_every_update_and_alert_once(client, city, batches):
    with pytest.MonkeyPatch.context() as spying, ThreadPoolExecutor(batches) as pool:
        recorder = Recorder(spying, batches)
        reports = list(pool.map(lambda k: recorder.run(k, _batch(k)), range(batches)))
    # the twins below run alone: no barrier, no recording

    # all but the first writer of each device lost a write and re-ran it
    assert sum(r.state_conflicts for r in reports) >= (batches - 1) * len(DEVICES)
    assert sum(r.readings for r in reports) == batches * 3 * 5 + batches * 5  # every reading was read
    for device_id in DEVICES:
        order = recorder.order[device_id]
        assert sorted(order) == list(range(1, batches + 1)), f"{device_id}: one write per batch, none lost"
        for version in sorted(order):  # the twin gets the batches one at a time, in the order they took effect
            twin_batch = [m for m in _batch(order[version], TWIN) if orjson.loads(m)["device"] == TWIN + device_id]
            process_batch(ZZ, twin_batch, NOW)
        assert _doc(device_id) == _doc(TWIN + device_id), device_id

    token = city.token_for("city_admin", "zhengzhou")
    for device_id in DEVICES:  # the same alerts, each raise attached once
        assert _alerts(client, token, device_id) == _alerts(client, token, TWIN + device_id), device_id
    for r in reports:  # each batch accounts for every reading: evaluated in the run that stood, or late
        assert r.evaluated + r.rejected["late"] == r.readings


def test_two_batches_with_different_readings_of_the_same_devices_both_take_effect(client, city):
    """Same devices, same minutes, different metrics: in any order of effect the outcome is that of
    all the readings together (last-writer-wins kept only one batch's series and alerts)."""
    ts = [NOW - 300_000 + i * 60_000 for i in range(5)]

    def batch(part: int, prefix: str = "") -> list[bytes]:
        gas = {"lel": [30.0] * 5} if part == 0 else {"fault": [0.0, 0.0, 1.0, 1.0, 1.0]}
        band = ({"heart_rate": [72.0, 75.0, 150.0, 155.0, 160.0]} if part == 0
                else {"spo2": [97.0, 96.0, 85.0, 84.0, 83.0]})
        return [orjson.dumps({"device": prefix + "GAS-0101", "ts": ts, "metrics": gas}),
                orjson.dumps({"device": prefix + "WB-0101", "ts": ts, "metrics": band})]

    with pytest.MonkeyPatch.context() as spying, ThreadPoolExecutor(2) as pool:
        recorder = Recorder(spying, 2)
        reports = list(pool.map(lambda k: recorder.run(k, batch(k)), range(2)))
    assert sum(r.state_conflicts for r in reports) == 2 and all(r.evaluated == 10 for r in reports)
    together = process_batch(ZZ, batch(0, TWIN) + batch(1, TWIN), NOW)
    assert together.evaluated == 20
    token = city.token_for("city_admin", "zhengzhou")
    for device_id in ("GAS-0101", "WB-0101"):
        assert _doc(device_id) == _doc(TWIN + device_id), device_id
        assert _alerts(client, token, device_id) == _alerts(client, token, TWIN + device_id), device_id
    assert {a[0] for a in _alerts(client, token, "GAS-0101")} == {"gas.lel_high", "gas.fault"}


def test_a_device_that_keeps_losing_fails_the_batch_for_the_queue_to_retry(city, monkeypatch):
    from chalicelib.errors import StorageError

    monkeypatch.setattr(state, "write_docs", lambda tenant, plan, docs, types, versions: set(docs))
    with pytest.raises(StorageError):
        process_batch(ZZ, _batch(0), NOW)
    assert pipeline.STATE_ATTEMPTS == 10


def test_the_absence_sweep_leaves_a_device_whose_state_changed_under_it(city):
    """The sweep reads due devices from an index; a door opened meanwhile (a telemetry batch wrote its
    state) must neither be overwritten nor alerted: its write loses and the next sweep sees the door."""
    from chalicelib.devices.models import DeviceIn as _In
    from tests.support import last_afternoon

    DeviceService(Principal("u-admin", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN}))).register(
        _In(device_id="DOOR-0101", type="door", serial="SN-CD", community_id="jinghu",
            household_id="jinghu-g1-b1-1-301", care_subject=True))
    day, now = 86_400_000, last_afternoon(NOW)
    opened = lambda at: [orjson.dumps({"device": "DOOR-0101", "ts": at, "metrics": {"opened": 1.0}})]  # noqa: E731
    process_batch(ZZ, opened(now - 2_000), now)
    due_items = absence._due_items

    def door_opens_meanwhile(tenant, at):  # type: ignore[no-untyped-def]
        items = due_items(tenant, at)
        process_batch(ZZ, opened(now + day), now + day)  # the resident went out, just in time
        return items

    with pytest.MonkeyPatch.context() as meanwhile:
        meanwhile.setattr(absence, "_due_items", door_opens_meanwhile)
        assert absence.sweep_tenant(ZZ, now + day + 60_000).raised == 0
    assert _doc("DOOR-0101")["r"]["door.no_exit_24h"][4] == now + day  # the batch's presence stands
    assert absence.sweep_tenant(ZZ, now + day + 120_000).raised == 0  # due again only a day later
    assert absence.sweep_tenant(ZZ, now + 2 * day + 60_000).raised == 1


def test_a_clear_that_arrives_before_its_raise_leaves_the_alert_cleared_in_the_history(client, city):
    """Batches applied out of order: the clear (later sample) first, then the raise it ends."""
    from chalicelib.alerts.models import Transition
    from chalicelib.alerts.service import AlertService
    from chalicelib.devices.repository import DeviceRepository

    def gas(kind: str, at_s: float, value: float) -> Transition:
        return Transition("GAS-0101", "gas.lel_high", kind, at_s, value, "critical", "lel", "可燃气体浓度超限",
                          "Combustible gas above 20 %LEL")

    devices = DeviceRepository(ZZ).get_many({"GAS-0101"})
    t = NOW / 1000 - 600
    assert AlertService(ZZ).apply([gas("clear", t + 60, 4.0)], devices).ignored == 1
    assert AlertService(ZZ).apply([gas("raise", t, 25.0)], devices).raised == 1
    token = city.token_for("city_admin", "zhengzhou")
    # critical and nobody confirmed it: open, already recovered (已恢复待确认)
    assert [(a[0], a[1], a[3]) for a in _alerts(client, token, "GAS-0101")] == [("gas.lel_high", "recovered", 1)]
    # a redelivery of the same raise changes nothing; the gas rising again re-triggers the same alert
    assert AlertService(ZZ).apply([gas("raise", t, 25.0)], devices).ignored == 1
    assert AlertService(ZZ).apply([gas("raise", t + 120, 30.0)], devices).attached == 1
    assert [(a[0], a[1], a[3]) for a in _alerts(client, token, "GAS-0101")] == [("gas.lel_high", "open", 2)]


def test_a_clear_noted_while_its_raise_is_being_written_is_not_lost(client, city, monkeypatch):
    """The raise read the lock (no alert, no clear); before it writes, the clear of a later sample
    arrives and is noted. The raise's write must not open the alert as if no clear had come."""
    from chalicelib.alerts.models import Transition
    from chalicelib.alerts.repository import AlertRepository
    from chalicelib.alerts.service import AlertService
    from chalicelib.devices.repository import DeviceRepository

    def gas(kind: str, at_s: float, value: float) -> Transition:
        return Transition("GAS-0101", "gas.lel_high", kind, at_s, value, "critical", "lel", "可燃气体浓度超限",
                          "Combustible gas above 20 %LEL")

    devices = DeviceRepository(ZZ).get_many({"GAS-0101"})
    t = NOW / 1000 - 600
    open_alert = AlertRepository.open
    meanwhile = [gas("clear", t + 60, 4.0)]

    def clear_first(repo, doc, cleared=None, recovered=None):  # type: ignore[no-untyped-def]
        if meanwhile:
            assert AlertService(ZZ).apply([meanwhile.pop()], devices).ignored == 1  # noted: no alert yet
        return open_alert(repo, doc, cleared, recovered)

    monkeypatch.setattr(AlertRepository, "open", clear_first)
    assert AlertService(ZZ).apply([gas("raise", t, 25.0)], devices).raised == 1
    token = city.token_for("city_admin", "zhengzhou")
    assert [(a[0], a[1]) for a in _alerts(client, token, "GAS-0101")] == [("gas.lel_high", "recovered")]


def test_a_later_clear_delivered_before_the_re_raise_it_ends_leaves_the_alert_recovered(client, city):
    """Critical gas: raise, clear, raise again, clear again — the second clear delivered before the
    re-raise it ends (batches side by side). The alert must end recovered, both raises attached."""
    from chalicelib.alerts.models import Transition
    from chalicelib.alerts.service import AlertService
    from chalicelib.devices.repository import DeviceRepository

    def gas(kind: str, at_s: float, value: float, device: str = "GAS-0101") -> Transition:
        return Transition(device, "gas.lel_high", kind, at_s, value, "critical", "lel", "可燃气体浓度超限",
                          "Combustible gas above 20 %LEL")

    devices = DeviceRepository(ZZ).get_many({"GAS-0101"})
    t = NOW / 1000 - 600
    svc = AlertService(ZZ)
    assert svc.apply([gas("raise", t, 25.0)], devices).raised == 1
    assert svc.apply([gas("clear", t + 60, 4.0)], devices).cleared == 1
    assert svc.apply([gas("clear", t + 180, 4.0)], devices).ignored == 1  # ahead of its raise: noted
    assert svc.apply([gas("raise", t + 120, 26.0)], devices).attached == 1
    assert svc.apply([gas("clear", t + 60, 4.0)], devices).ignored == 1  # a redelivery changes nothing
    token = city.token_for("city_admin", "zhengzhou")
    [alert] = _alerts(client, token, "GAS-0101")
    assert (alert[0], alert[1], alert[3], alert[4]) == ("gas.lel_high", "recovered", 2, 26.0)
    r = client.http.get("/v1/alerts?state=open&limit=10", headers={"Authorization": f"Bearer {token}"})
    [doc] = [a for a in r.json_body["items"] if a["device_id"] == "GAS-0101"]
    assert [e["action"] for e in doc["timeline"]][1:] == ["recovered", "retriggered", "recovered"]
    assert doc["duration_s"] == 180  # from the first raise to the last clear
    # in order, the same outcome
    twin = AlertService(ZZ)
    twin_devices = DeviceRepository(ZZ).get_many({TWIN + "GAS-0101"})
    for kind, dt, v in (("raise", 0, 25.0), ("clear", 60, 4.0), ("raise", 120, 26.0), ("clear", 180, 4.0)):
        twin.apply([gas(kind, t + dt, v, TWIN + "GAS-0101")], twin_devices)
    assert _alerts(client, token, "GAS-0101") == _alerts(client, token, TWIN + "GAS-0101")


def test_raises_and_clears_delivered_in_any_order_end_as_delivered_in_order(city):
    """Four raises and four clears of a critical gas alarm, alternating in sample time, delivered in
    random orders (seeded): the alert ends as in order — recovered at the last clear, every raise
    attached, the last raise its newest sample."""
    import random

    from chalicelib.alerts.models import Transition
    from chalicelib.alerts.repository import AlertRepository
    from chalicelib.alerts.service import AlertService
    from chalicelib.devices.repository import DeviceRepository

    gas = DeviceRepository(ZZ).get_many({"GAS-0101"})["GAS-0101"]
    t0 = NOW / 1000 - 3600
    samples = [("raise" if k % 2 == 0 else "clear", t0 + 60 * k, 25.0 + k if k % 2 == 0 else 4.0) for k in range(8)]
    repo, rng = AlertRepository(ZZ), random.Random(12)

    def deliver(device_id: str, order: list[tuple[str, float, float]]) -> dict[str, Any]:
        devices = {device_id: gas.model_copy(update={"device_id": device_id})}
        for kind, ts, value in order:
            AlertService(ZZ).apply([Transition(device_id, "gas.lel_high", kind, ts, value, "critical", "lel")],  # type: ignore[arg-type]
                                   devices)
        lock = repo.lock(device_id, "gas.lel_high")
        assert lock is not None and lock.alert_id, order
        stored = repo.get(lock.alert_id)
        assert stored is not None
        d = stored.doc
        return {k: d.get(k) for k in ("state", "recovered_at", "ended_ts", "occurrences", "last_ts", "last_value")}

    in_order = deliver("P-IN-ORDER", samples)
    assert in_order["recovered_at"] and in_order["ended_ts"] == samples[-1][1] and in_order["occurrences"] == 4
    for n in range(24):
        order = rng.sample(samples, len(samples))
        assert deliver(f"P-{n}", order) == in_order, order
