"""The IoT side of ``make run``, in start order: the local CA → mosquitto (mutual TLS, the
gateway plugin) and the mirror of IoT's certificate statuses it reads → the rule bridge
(broker → SQS / the critical-event function) → the queue poller (SQS → the telemetry function)
→ the device simulator (a child process). ``stop()`` in reverse order.

``configure()`` runs before the API starts: provisioning signs device certificates with the
local CA (``CC_LOCAL_CA_DIR``) and hands devices the broker's address (``CC_IOT_ENDPOINT``).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from chalicelib.constants import IOT_ENDPOINT, LOCAL_CA_DIR
from infra.local.bridge import RuleBridge
from infra.local.bridge_mqtt import MqttBridge
from infra.local.broker import BRIDGE_IDENTITY, Broker, free_port
from infra.local.certificates import CertificateMirror, certificate_id
from infra.local.lambdas import LocalFunctions
from infra.local.poller import SqsPoller

log = logging.getLogger("cc.stack")
ROOT = Path(__file__).resolve().parents[2]
QUEUE, EVENTS_FUNCTION = "cc-telemetry", "handle_events"
ERROR_QUEUE = "cc-telemetry-dlq"  # the topic rules' error action (infra/iot_rules.py)
NOTIFY_QUEUE = "cc-notifications"  # alert SMS and calls (chalicelib/notify)
IMPORT_QUEUE = "cc-imports"  # spreadsheet imports of a city's hierarchy (chalicelib/imports)
POLL_WINDOW_SECONDS = 0.5  # Lambda would wait up to the handler's window; locally a short one keeps latency low


@dataclass
class SimulatorPlan:
    tenant: str
    community: str
    speed: float = 60.0
    rate: float = 1.0


@dataclass
class IotSide:
    broker: Broker
    certificates: CertificateMirror
    bridge: MqttBridge
    poller: SqsPoller | None
    sender: SqsPoller | None = None  # the notifications queue → the SMS and voice sender
    importer: SqsPoller | None = None  # the imports queue → the import worker
    simulator: subprocess.Popen[bytes] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """What went through, for the console at Ctrl-C."""
        b = self.bridge.rules.stats.snapshot()
        line = (f"  IoT: bridge routed {b['routed']}, refused {b['refused']}, throttled {b['throttled']}, "
                f"dead-lettered {b['dead_lettered']}")
        if self.poller is not None:
            t = self.poller.totals
            line += f"; queue handler got {t.received} messages, {t.failed} left for retry"
        if self.sender is not None:
            line += f"; notification sender got {self.sender.totals.received} jobs"
        return line

    def stop(self) -> None:
        if self.simulator is not None and self.simulator.poll() is None:
            self.simulator.terminate()
            try:
                self.simulator.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.simulator.kill()
        for poller in (self.poller, self.sender, self.importer):
            if poller is not None:
                poller.stop()
        self.bridge.stop()
        self.certificates.stop()
        self.broker.stop()


def configure(state_dir: Path, host: str, mqtt_port: int) -> tuple[Path, int]:
    """Environment for the API: the local CA's folder and the broker's address. Returns both."""
    ca_dir, port = state_dir / "ca", mqtt_port or free_port(host)
    os.environ[LOCAL_CA_DIR] = str(ca_dir)
    os.environ[IOT_ENDPOINT] = f"{host}:{port}"
    return ca_dir, port


def start(state_dir: Path, ca_dir: Path, host: str, port: int, region: str) -> IotSide:
    from chalicelib.aws import client
    from chalicelib.devices.gate import is_publish_allowed
    from chalicelib.devices.localca import LocalCA
    from infra.local.pki import broker_tls

    tls, bridge_identity = broker_tls(LocalCA(ca_dir), state_dir / "broker")
    broker = Broker(state_dir / "broker", tls, host, port)
    bridge_certificate = {certificate_id(bridge_identity.cert.read_text(encoding="ascii")): BRIDGE_IDENTITY}
    certificates = CertificateMirror(client("iot"), bridge_certificate, broker.update)
    broker.start(certificates.active())
    certificates.start()
    sqs, functions = client("sqs"), LocalFunctions()
    queue_url, dlq_url = (sqs.get_queue_url(QueueName=q)["QueueUrl"] for q in (QUEUE, ERROR_QUEUE))

    def to_queue(record: dict[str, Any]) -> None:
        sqs.send_message(QueueUrl=queue_url, MessageBody=orjson.dumps(record).decode())

    def error_action(message: dict[str, Any]) -> None:
        sqs.send_message(QueueUrl=dlq_url, MessageBody=orjson.dumps(message).decode())

    rules = RuleBridge(is_publish_allowed, {"queue": to_queue,
                                            "critical": lambda r: functions.invoke(EVENTS_FUNCTION, r)}, error_action,
                       spool=state_dir / "bridge-undeliverable.jsonl")
    bridge = MqttBridge(rules, host, port, bridge_identity).start()
    source = functions.sqs_source(QUEUE)
    poller = None
    if source is not None:
        window = min(source.window_seconds, POLL_WINDOW_SECONDS)
        poller = SqsPoller(sqs, queue_url, lambda event: functions.invoke(source.function, event),
                           batch_size=source.batch_size, window_seconds=window)
        poller.start()
    sender, importer = (_worker(sqs, functions, q) for q in (NOTIFY_QUEUE, IMPORT_QUEUE))
    info = {"broker_url": broker.url, "ca_file": str(tls.cafile), "broker_log": str(broker.log_file),
            "queue": QUEUE, "telemetry_function": source.function if source else None,
            "batch_size": source.batch_size if source else None, "poll_window_s": poller.window if poller else None,
            "region": region}
    return IotSide(broker, certificates, bridge, poller, sender, importer, info=info)


def _worker(sqs: Any, functions: LocalFunctions, queue: str) -> SqsPoller | None:
    """The poller of a job queue (no batching window to wait out) feeding its function, started."""
    source = functions.sqs_source(queue)
    if source is None:
        return None
    poller = SqsPoller(sqs, sqs.get_queue_url(QueueName=queue)["QueueUrl"],
                       lambda event: functions.invoke(source.function, event), batch_size=source.batch_size,
                       window_seconds=0.2)
    poller.start()
    return poller


def start_simulator(side: IotSide, plan: SimulatorPlan, api_url: str, token: str, state_dir: Path) -> None:
    """The simulator as a child process (devices are not part of the cloud); its log in a file."""
    log_path = state_dir / "simulator.log"
    cmd = [sys.executable, "-m", "iot.simulator", "--api", api_url, "--community", plan.community,
           "--speed", str(plan.speed), "--rate", str(plan.rate), "--state-dir", str(state_dir / "simulator")]
    if (cards := demo_cards(plan)).exists():
        cmd += ["--cards", str(cards)]
    with log_path.open("wb") as out:
        side.simulator = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, env={**os.environ, "CC_SIMULATOR_TOKEN": token})
    side.info["simulator_log"] = str(log_path)
    side.info["simulator_status"] = str(state_dir / "simulator" / "status.json")
    threading.Thread(target=_watch, args=(side.simulator, log_path), name="simulator-watch", daemon=True).start()


def _watch(proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Say so on the console when the simulator dies (on Ctrl-C it exits with 0 or by SIGTERM/SIGINT)."""
    code = proc.wait()
    if code not in (0, -signal.SIGTERM, -signal.SIGINT):
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
        log.warning("the simulator stopped (exit %s): %s — see %s", code, tail[0] if tail else "", log_path)


def demo_cards(plan: SimulatorPlan) -> Path:
    """The city's demo sorting cards (tenants/demo/<city>/points.yaml), which the simulated station's drops carry."""
    return ROOT / "tenants" / "demo" / plan.tenant / "points.yaml"


def simulator_preview(plan: SimulatorPlan) -> list[str]:
    """What the simulator will do, for the banner: the same fleet it builds from the same buildings."""
    from chalicelib.store.keys import TenantContext
    from chalicelib.tenancy.service import TenantService
    from iot.sim.community import cards_in, describe, fleet, households_in

    svc = TenantService(TenantContext(plan.tenant))
    buildings = svc.children("building", svc.node("community", plan.community))
    devices, incidents = fleet(plan.community, buildings, cards=cards_in(demo_cards(plan)),
                               households=households_in(demo_cards(plan)))
    return [f"{len(devices)} devices in {plan.tenant}/{plan.community}, daily rhythms at {plan.speed:g}× speed: "
            + describe(devices, incidents)[0], *describe(devices, incidents)[1:]]
