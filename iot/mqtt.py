"""One MQTT 5 client over mutual TLS (awsiotsdk), as a device or the local bridge connects.

The same builder connects to AWS IoT Core (port 8883, Amazon's CA) and to the local
mosquitto (the local CA). MQTT 5 because its PUBACK says *why* a publish was refused
(``NOT_AUTHORIZED`` when the policy/ACL forbids the topic), where MQTT 3.1.1 drops silently.
Device-side only: awsiotsdk never goes into the Lambda bundle.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from awscrt import mqtt5
from awsiot import mqtt5_client_builder

OnMessage = Callable[[str, bytes], None]
OnMessageWithProperties = Callable[[str, bytes, dict[str, str]], None]  # + the MQTT 5 user properties


@dataclass(frozen=True)
class Identity:
    client_id: str  # the thing name (AWS IoT requires client id = thing name under the usual policy)
    cert: Path
    key: Path
    ca: Path


def write_private(path: Path, pem: str | bytes) -> None:
    """A private key file, never readable by others (mode 0600 from the start, no window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem.encode("ascii") if isinstance(pem, str) else pem)


def save_identity(folder: Path, client_id: str, cert_pem: str, key_pem: str | bytes, ca_pem: str) -> Identity:
    """Write a client's certificate, key and the CA it trusts to ``folder``; the Identity to connect with."""
    identity = Identity(client_id, folder / "cert.pem", folder / "key.pem", folder / "ca.pem")
    write_private(identity.key, key_pem)
    identity.cert.write_text(cert_pem, encoding="ascii")
    identity.ca.write_text(ca_pem, encoding="ascii")
    return identity


class MqttLink:
    def __init__(self, host: str, port: int, identity: Identity, on_message: OnMessage | None = None,
                 on_connected: Callable[[MqttLink], None] | None = None,
                 on_message_with_properties: OnMessageWithProperties | None = None) -> None:
        self.identity = identity
        self._on_message, self._on_connected = on_message, on_connected
        self._with_properties = on_message_with_properties
        self._up = threading.Event()
        self._settled = threading.Event()  # connected, or an attempt failed
        self._failure: BaseException | None = None
        self.client = mqtt5_client_builder.mtls_from_path(
            endpoint=host, port=port, cert_filepath=str(identity.cert), pri_key_filepath=str(identity.key),
            ca_filepath=str(identity.ca), client_id=identity.client_id, keep_alive_interval_sec=60,
            on_publish_received=self._received, on_lifecycle_connection_success=self._success,
            on_lifecycle_connection_failure=self._failed)

    def start(self, timeout: float = 10.0, *, retry: bool = True) -> MqttLink:
        """Connect; raises ConnectionError when the broker refuses (bad certificate, no certificate …).

        The client retries on its own (with backoff) until ``timeout``; with ``retry=False`` the
        first refusal raises at once (to check that a connection is refused)."""
        self.client.start()
        connected = self._up.wait(timeout) if retry else (self._settled.wait(timeout) and self._up.is_set())
        if not connected:
            self.client.stop()
            raise ConnectionError(f"{self.identity.client_id}: not connected: {self._failure or 'timed out'}")
        return self

    def stop(self) -> None:
        self.client.stop()

    def publish(self, topic: str, payload: bytes, timeout: float = 10.0) -> int:
        """QoS 1 publish; the PUBACK reason code (0 = accepted, 135 = not authorized)."""
        done = self.client.publish(mqtt5.PublishPacket(topic=topic, payload=payload, qos=mqtt5.QoS.AT_LEAST_ONCE))
        ack = done.result(timeout).puback
        return int(ack.reason_code) if ack is not None else 0

    def subscribe(self, filters: list[str], timeout: float | None = 10.0) -> list[int]:
        """Subscribe at QoS 1; with ``timeout=None`` it does not wait (for use in callbacks)."""
        packet = mqtt5.SubscribePacket(subscriptions=[mqtt5.Subscription(f, mqtt5.QoS.AT_LEAST_ONCE) for f in filters])
        done = self.client.subscribe(packet)
        if timeout is None:
            return []
        return [int(code) for code in done.result(timeout).reason_codes]

    # callbacks run on the CRT's event-loop thread: they must not block
    def _received(self, data: mqtt5.PublishReceivedData) -> None:
        packet = data.publish_packet
        if packet is None:
            return
        if self._on_message is not None:
            self._on_message(packet.topic, bytes(packet.payload or b""))
        if self._with_properties is not None:
            properties = {p.name: p.value for p in packet.user_properties or []}
            self._with_properties(packet.topic, bytes(packet.payload or b""), properties)

    def _success(self, data: mqtt5.LifecycleConnectSuccessData) -> None:
        self._up.set()
        self._settled.set()
        if self._on_connected is not None:
            self._on_connected(self)

    def _failed(self, data: mqtt5.LifecycleConnectFailureData) -> None:
        self._failure = data.exception
        self._settled.set()
