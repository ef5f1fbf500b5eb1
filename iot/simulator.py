"""Simulated devices of one community, publishing over MQTT with their own certificates.

    python -m iot.simulator --token "$(make -s token USER=zhengzhou.vendor)" --community jinghu

Provisions the fleet through the vendor API (iot/sim/provision.py), connects each device as
its own thing (mutual TLS), then publishes columnar telemetry following daily rhythms
(iot/sim/devices.py) and plays the incidents of iot/sim/community.py. ``make run`` starts it
against the local stack; pointed at AWS IoT Core it works the same. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from awscrt.exceptions import AwsCrtError

from iot.mqtt import MqttLink
from iot.sim.community import Incident, cards_in, fleet, households_in
from iot.sim.devices import Outgoing, SimDevice
from iot.sim.provision import Provisioned, VendorClient

log = logging.getLogger("cc.simulator")
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Stats:
    devices: int = 0
    connected: int = 0
    published: int = 0
    refused: int = 0  # PUBACK "not authorized" and other failures
    incidents: list[str] = field(default_factory=list)


@dataclass
class Member:
    device: SimDevice
    creds: Provisioned
    link: MqttLink
    period_s: float  # real seconds between samples
    due: float = 0.0  # monotonic time of the next sample


class Simulator:
    def __init__(self, members: list[Member], incidents: list[Incident], speed: float, start_hour: float,
                 status_file: Path | None = None) -> None:
        self.members = {m.device.device_id: m for m in members}
        self.incidents = sorted(incidents, key=lambda i: i.at_s)
        self.speed, self.start_hour, self.status_file = speed, start_hour, status_file
        self.stats = Stats(devices=len(members), connected=len(members))
        self.stopped = threading.Event()

    def hours(self, elapsed: float) -> float:
        return self.start_hour + elapsed * self.speed / 3600

    def publish(self, m: Member, messages: list[Outgoing]) -> None:
        for msg in messages:
            topic = m.creds.topics[msg.kind]
            try:
                code = m.link.publish(topic, orjson.dumps(msg.payload))
            except (AwsCrtError, TimeoutError) as exc:  # the broker went away (Ctrl-C stops it too): not fatal
                self.stats.refused += 1
                log.warning("%s: publish failed: %s", m.device.device_id, exc)
                continue
            if code == 0:
                self.stats.published += 1
                log.debug("%s → %s %s", m.device.device_id, msg.kind,
                          msg.payload.get("metrics") or msg.payload.get("deposit"))
            else:
                self.stats.refused += 1
                log.warning("%s: the broker refused %s (reason %d)", m.device.device_id, topic, code)

    def _incident(self, incident: Incident) -> None:
        m = self.members[incident.device_id]
        log.info("incident: %s — %s", incident.device_id, incident.says)
        self.stats.incidents.append(f"{incident.device_id}: {incident.action}")
        if incident.action == "silence":
            m.device.silent = True
            m.link.stop()  # a flat battery: no more heartbeats, the absence rule takes over
            self.stats.connected -= 1
            return
        self.publish(m, getattr(m.device, incident.action)(int(time.time() * 1000)))

    def run(self, duration: float = 0.0) -> None:
        t0 = time.monotonic()
        rng = random.Random(7)  # noqa: S311 - spreads the first samples; not cryptography
        for m in self.members.values():  # spread the first samples over one period
            m.due = t0 + rng.uniform(0, min(m.period_s, 5.0))
        pending, last_status, parent = list(self.incidents), 0.0, os.getppid()
        while not self.stopped.is_set() and (not duration or time.monotonic() - t0 < duration):
            if os.getppid() != parent:  # the stack that started us is gone (killed hard): so are we
                break
            now = time.monotonic()
            while pending and now - t0 >= pending[0].at_s:
                self._incident(pending.pop(0))
            for m in self.members.values():
                if m.device.silent or now < m.due:
                    continue
                dt_sim = m.period_s * self.speed
                self.publish(m, m.device.step(int(time.time() * 1000), self.hours(now - t0), dt_sim))
                m.due += m.period_s
            if now - last_status >= 2.0:
                self.write_status()
                last_status = now
            next_due = min([m.due for m in self.members.values() if not m.device.silent] or [now + 1])
            self.stopped.wait(max(0.02, min(0.5, next_due - time.monotonic())))
        self.write_status()

    def write_status(self) -> None:
        if self.status_file is not None:
            tmp = self.status_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.stats.__dict__, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.status_file)

    def stop(self) -> None:
        self.stopped.set()
        for m in self.members.values():
            if not m.device.silent:
                m.link.stop()


def connect(devices: list[SimDevice], creds: list[Provisioned], rate: float, speed: float) -> list[Member]:
    by_id = {c.device_id: c for c in creds}
    members = []
    for d in devices:
        c = by_id[d.device_id]
        link = MqttLink(c.host, c.port, c.identity).start()
        members.append(Member(d, c, link, period_s=d.interval_s / rate / speed))
    return members


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--api", help="API base URL (default: the running local stack's)")
    p.add_argument("--token", default=os.environ.get("CC_SIMULATOR_TOKEN"), help="a vendor's ID token "
                   "(or CC_SIMULATOR_TOKEN)")
    p.add_argument("--community", default="jinghu")
    p.add_argument("--speed", type=float, default=60.0, help="simulated seconds per real second (daily rhythms)")
    p.add_argument("--rate", type=float, default=1.0, help="reporting frequency × this (2 = twice as often)")
    p.add_argument("--cards", type=Path, help="a YAML file whose `cards` list the households' cards and phones "
                   "(tenants/demo/<city>/points.yaml): the sorting drops and the gate's card reads carry them")
    p.add_argument("--copies", type=int, default=1, help="households and bins × this (load)")
    p.add_argument("--start-hour", type=float, default=7.0, help="simulated time of day at start (7 = 07:00)")
    p.add_argument("--duration", type=float, default=0.0, help="seconds to run (0: until stopped)")
    p.add_argument("--state-dir", type=Path, default=ROOT / ".local" / "simulator")
    p.add_argument("--verbose", action="store_true", help="log every message")
    return p.parse_args()


def _api_url(given: str | None) -> str:
    if given:
        return given
    state = Path(os.environ.get("CC_LOCAL_STATE", ROOT / ".local" / "stack.json"))
    if not state.exists():
        raise SystemExit("no --api and no running local stack (make run)")
    return str(json.loads(state.read_text(encoding="utf-8"))["api_url"])


def main() -> None:
    args = _args()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s simulator %(message)s", datefmt="%H:%M:%S")
    if not args.token:
        raise SystemExit("a vendor token is needed: --token or CC_SIMULATOR_TOKEN")
    vendor = VendorClient(_api_url(args.api), args.token)
    buildings = vendor.get(f"/v1/communities/{args.community}/buildings")
    devices, incidents = fleet(args.community, buildings, copies=args.copies, cards=cards_in(args.cards),
                               households=households_in(args.cards))
    args.state_dir.mkdir(parents=True, exist_ok=True)
    creds = vendor.provision(devices, args.state_dir)
    log.info("provisioned %d devices in %s through the vendor API", len(creds), args.community)
    members = connect(devices, creds, args.rate, args.speed)
    log.info("%d devices connected to %s:%d", len(members), creds[0].host, creds[0].port)
    sim = Simulator(members, incidents, args.speed, args.start_hour, args.state_dir / "status.json")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: sim.stopped.set())
    try:
        sim.run(args.duration)
    finally:
        sim.stop()
        log.info("stopped: %s", {k: v for k, v in sim.stats.__dict__.items() if k != "incidents"})


if __name__ == "__main__":
    main()
