"""The bridge's MQTT side: one client (identity ``local-bridge``) subscribed with every rule's
filters. Messages are stamped on arrival, held to the connection's rate limit, and handed to a
worker thread per city — callbacks run on the CRT's event loop, which must not wait on SQS or a
Lambda handler, and one city's flood must not hold up another city's messages (in AWS the rules
engine scales out; here each city gets its own lane). The certificate that sent each message
comes from the broker's gateway plugin (the ``cc-certificate-id`` user property)."""

from __future__ import annotations

import logging
import queue
import threading
import time

from infra.local.bridge import RateLimit, RuleBridge
from infra.local.broker import CERTIFICATE_PROPERTY
from iot.mqtt import Identity, MqttLink
from iot.topics import parse

log = logging.getLogger("cc.bridge")
Item = tuple[str, bytes, int, str | None]
_STOP: Item = ("", b"", 0, None)
MAX_LANES = 32  # more cities than this share lanes (by a hash of the city)
METRICS_EVERY_SECONDS = 1.0


class MqttBridge:
    def __init__(self, rules: RuleBridge, host: str, port: int, identity: Identity,
                 limit: RateLimit | None = None) -> None:
        self.rules = rules
        self.limit = limit or RateLimit()
        self._subscribed = False
        self._lanes: dict[str, tuple[queue.Queue[Item], threading.Thread]] = {}
        self._lanes_lock = threading.Lock()
        self._stopping = threading.Event()
        self._metrics = threading.Thread(target=self._publish_metrics, name="bridge-metrics", daemon=True)
        self.link = MqttLink(host, port, identity, on_connected=self._subscribe,
                             on_message_with_properties=self._arrived)

    def start(self, timeout: float = 10.0) -> MqttBridge:
        self._metrics.start()
        self.link.start(timeout)
        codes = self.link.subscribe(self.rules.subscriptions(), timeout)
        if any(code >= 0x80 for code in codes):  # SUBACK failure codes start at 0x80
            raise ConnectionError(f"the broker refused the bridge's subscriptions: {codes}")
        self._subscribed = True
        return self

    def stop(self) -> None:
        self.link.stop()
        self._stopping.set()
        with self._lanes_lock:
            lanes = list(self._lanes.values())
        for inbox, _ in lanes:
            inbox.put(_STOP)
        for _, worker in lanes:
            worker.join(timeout=10)
        self._metrics.join(timeout=5)
        self.rules.stats.flush()

    def lanes(self) -> int:
        with self._lanes_lock:
            return len(self._lanes)

    def _subscribe(self, link: MqttLink) -> None:
        if self._subscribed:  # a reconnection: the clean session forgot the subscriptions
            link.subscribe(self.rules.subscriptions(), timeout=None)

    def _arrived(self, topic: str, payload: bytes, properties: dict[str, str]) -> None:
        received_at = int(time.time() * 1000)  # timestamp(): when the broker got it
        t = parse(topic)
        if t is not None and not self.limit.allow(t.thing):
            self.rules.throttled(topic)
            return
        self._lane(t.tenant if t is not None else "").put((topic, payload, received_at,
                                                           properties.get(CERTIFICATE_PROPERTY)))

    def _lane(self, tenant: str) -> queue.Queue[Item]:
        with self._lanes_lock:
            full = len(self._lanes) >= MAX_LANES and tenant not in self._lanes
            name = f"#{hash(tenant) % MAX_LANES}" if full else tenant
            lane = self._lanes.get(name)
            if lane is None:
                inbox: queue.Queue[Item] = queue.Queue()
                worker = threading.Thread(target=self._work, args=(inbox,), name=f"bridge-{name or 'other'}",
                                          daemon=True)
                lane = self._lanes[name] = (inbox, worker)
                worker.start()
            return lane[0]

    def _work(self, inbox: queue.Queue[Item]) -> None:
        while True:
            item = inbox.get()
            if item is _STOP:
                return
            topic, payload, received_at, certificate_id = item
            try:
                self.rules.handle(topic, payload, received_at, certificate_id)
            except Exception:  # the bridge outlives any one message
                log.exception("bridge failed on %s", topic)

    def _publish_metrics(self) -> None:
        while not self._stopping.wait(METRICS_EVERY_SECONDS):
            self.rules.stats.flush()
