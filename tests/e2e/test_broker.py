"""The local broker alone (mosquitto as the stack starts it), with certificates from the local CA:
mutual TLS enforced, and the ACL doing what the device policy does in AWS IoT Core."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator

import pytest

from chalicelib.devices.localca import LocalCA
from infra.local.broker import Broker, TlsFiles, acl_text, config_text
from infra.local.pki import broker_tls, client_identity
from iot.mqtt import Identity, MqttLink
from iot.topics import basic_ingest, command, topic

pytestmark = pytest.mark.e2e
NOT_AUTHORIZED = 135
ME, OTHER = "zhengzhou_dev-1", "zhengzhou_dev-2"


class Inbox:
    def __init__(self) -> None:
        self.got: list[tuple[str, bytes]] = []
        self.changed = threading.Condition()

    def __call__(self, topic_name: str, payload: bytes) -> None:
        with self.changed:
            self.got.append((topic_name, payload))
            self.changed.notify_all()

    def wait_for(self, n: int, timeout: float = 5.0) -> list[tuple[str, bytes]]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.got) >= n, timeout)
            return list(self.got)


@pytest.fixture(scope="module")
def broker(tmp_path_factory) -> Iterator[dict]:
    base = tmp_path_factory.mktemp("broker")
    ca = LocalCA(base / "ca")
    tls, bridge = broker_tls(ca, base / "broker")
    b = Broker(base / "broker", tls)
    b.start()
    inbox = Inbox()
    link = MqttLink("127.0.0.1", b.port, bridge, on_message=inbox).start()
    link.subscribe(["cc/#", "$aws/rules/#"])
    yield {"broker": b, "ca": ca, "base": base, "inbox": inbox}
    link.stop()
    b.stop()


@pytest.fixture(scope="module")
def me(broker) -> Iterator[MqttLink]:
    link = MqttLink("127.0.0.1", broker["broker"].port, client_identity(broker["ca"], ME, broker["base"])).start()
    yield link
    link.stop()


def test_the_config_enforces_client_certificates_and_takes_the_cn_as_identity(tmp_path):
    tls = TlsFiles(tmp_path / "ca.pem", tmp_path / "server.crt", tmp_path / "server.key")
    rendered = config_text("127.0.0.1", 8883, tls, tmp_path / "acl", "me").splitlines()
    for line in ("require_certificate true", "use_identity_as_username true", "allow_anonymous false",
                 "listener 8883 127.0.0.1", f"cafile {tls.cafile}"):
        assert line in rendered
    acl = acl_text().splitlines()
    assert "pattern write cc/+/d/%u/telemetry" in acl and "pattern read cc/+/d/%u/cmd" in acl


def test_a_device_publishes_its_own_telemetry_and_events(broker, me):
    before = len(broker["inbox"].got)
    for kind in ("telemetry", "event"):
        assert me.publish(topic("zhengzhou", ME, kind), b'{"ts": 1, "metrics": {"alarm": 1}}') == 0
    got = broker["inbox"].wait_for(before + 2)[before:]
    assert [t for t, _ in got] == [topic("zhengzhou", ME, "telemetry"), topic("zhengzhou", ME, "event")]


def test_publishing_on_another_devices_topic_is_refused_by_the_broker(broker, me):
    before = len(broker["inbox"].got)
    for name in (topic("zhengzhou", OTHER), topic("zhengzhou", OTHER, "event"), command("zhengzhou", OTHER),
                 basic_ingest("cc_telemetry", "zhengzhou", OTHER), "cc/zhengzhou/anything"):
        assert me.publish(name, b"{}") == NOT_AUTHORIZED, name
    time.sleep(0.5)
    assert broker["inbox"].got[before:] == []


def test_basic_ingest_under_its_own_name_is_accepted(broker, me):
    before = len(broker["inbox"].got)
    name = basic_ingest("cc_events", "zhengzhou", ME, "event")
    assert me.publish(name, b"{}") == 0
    assert broker["inbox"].wait_for(before + 1)[before:] == [(name, b"{}")]


def test_a_device_receives_nothing_of_other_devices_even_when_subscribed_to_everything(broker, me):
    spy = Inbox()
    other = MqttLink("127.0.0.1", broker["broker"].port, client_identity(broker["ca"], OTHER, broker["base"]),
                     on_message=spy).start()
    try:
        other.subscribe(["cc/#", command("zhengzhou", OTHER)])
        assert me.publish(topic("zhengzhou", ME), b"{}") == 0
        time.sleep(0.5)
        assert spy.got == []
    finally:
        other.stop()


def test_a_certificate_from_another_ca_cannot_connect(broker, tmp_path):
    stranger = LocalCA(tmp_path / "other-ca")
    identity = client_identity(stranger, ME, tmp_path)
    trusting = Identity(identity.client_id, identity.cert, identity.key, broker["ca"].directory / "ca.pem")
    with pytest.raises(ConnectionError):
        MqttLink("127.0.0.1", broker["broker"].port, trusting).start(timeout=5)


def _raw_connect(port: int, ca: str, cert: Identity | None) -> bytes:
    """A bare MQTT CONNECT over TLS; the CONNACK's first bytes."""
    ctx = ssl.create_default_context(cafile=ca)
    if cert is not None:
        ctx.load_cert_chain(cert.cert, cert.key)
    with (socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
          ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls):
        tls.sendall(b"\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00")
        return tls.recv(4)


def test_a_client_without_a_certificate_cannot_connect(broker):
    port, ca = broker["broker"].port, str(broker["ca"].directory / "ca.pem")
    assert _raw_connect(port, ca, client_identity(broker["ca"], ME, broker["base"])) == b"\x20\x02\x00\x00"
    with pytest.raises((ssl.SSLError, ConnectionResetError)):  # refused during the handshake
        _raw_connect(port, ca, None)


def test_the_broker_key_files_are_private(broker):
    for key in ("server.key", "local-bridge/key.pem"):
        assert (broker["base"] / "broker" / key).stat().st_mode & 0o077 == 0
