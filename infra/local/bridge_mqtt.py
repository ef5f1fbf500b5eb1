"""The bridge's MQTT side: one client (identity ``local-bridge``) subscribed with every rule's
filters; messages are stamped on arrival and handed to a worker thread, because callbacks run
on the CRT's event loop, which must not wait on SQS or a Lambda handler."""

from __future__ import annotations

import logging
import queue
import threading
import time

from infra.local.bridge import RuleBridge
from iot.mqtt import Identity, MqttLink

log = logging.getLogger("cc.bridge")
_STOP = ("", b"", 0)


class MqttBridge:
    def __init__(self, rules: RuleBridge, host: str, port: int, identity: Identity) -> None:
        self.rules = rules
        self._subscribed = False
        self.inbox: queue.Queue[tuple[str, bytes, int]] = queue.Queue()
        self.link = MqttLink(host, port, identity, on_message=self._arrived, on_connected=self._subscribe)
        self.worker = threading.Thread(target=self._work, name="bridge", daemon=True)

    def start(self, timeout: float = 10.0) -> MqttBridge:
        self.worker.start()
        self.link.start(timeout)
        codes = self.link.subscribe(self.rules.subscriptions(), timeout)
        if any(code >= 0x80 for code in codes):  # SUBACK failure codes start at 0x80
            raise ConnectionError(f"the broker refused the bridge's subscriptions: {codes}")
        self._subscribed = True
        return self

    def stop(self) -> None:
        self.link.stop()
        self.inbox.put(_STOP)
        self.worker.join(timeout=10)

    def _subscribe(self, link: MqttLink) -> None:
        if self._subscribed:  # a reconnection: the clean session forgot the subscriptions
            link.subscribe(self.rules.subscriptions(), timeout=None)

    def _arrived(self, topic: str, payload: bytes) -> None:
        self.inbox.put((topic, payload, int(time.time() * 1000)))  # timestamp(): when the broker got it

    def _work(self) -> None:
        while True:
            item = self.inbox.get()
            if item is _STOP:
                return
            try:
                self.rules.handle(*item)
            except Exception:  # the bridge outlives any one message
                log.exception("bridge failed on %s", item[0])
