"""The local broker alone (mosquitto and its gateway plugin as the stack starts them), with
certificates from the local CA: mutual TLS enforced, and what AWS IoT Core checks — the sending
certificate active, client id = thing, the device policy's topics and subscriptions, 128 KiB."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterator

import pytest
from awscrt import mqtt5

from chalicelib.devices.localca import LocalCA
from infra.local.broker import BRIDGE_IDENTITY, CERTIFICATE_PROPERTY, MAX_PACKET, Broker, TlsFiles, config_text
from infra.local.certificates import certificate_id
from infra.local.pki import broker_tls, client_identity
from iot.mqtt import Identity, MqttLink
from iot.topics import basic_ingest, command, topic

pytestmark = pytest.mark.e2e
NOT_AUTHORIZED = 135
ME, OTHER = "zhengzhou_dev-1", "zhengzhou_dev-2"


class Inbox:
    def __init__(self) -> None:
        self.got: list[tuple[str, bytes]] = []
        self.certificates: list[str | None] = []
        self.changed = threading.Condition()

    def __call__(self, topic_name: str, payload: bytes, properties: dict[str, str] | None = None) -> None:
        with self.changed:
            self.got.append((topic_name, payload))
            self.certificates.append((properties or {}).get(CERTIFICATE_PROPERTY))
            self.changed.notify_all()

    def wait_for(self, n: int, timeout: float = 5.0) -> list[tuple[str, bytes]]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.got) >= n, timeout)
            return list(self.got)


def _id(identity: Identity) -> str:
    return certificate_id(identity.cert.read_text(encoding="ascii"))


@pytest.fixture(scope="module")
def broker(tmp_path_factory) -> Iterator[dict]:
    base = tmp_path_factory.mktemp("broker")
    ca = LocalCA(base / "ca")
    tls, bridge = broker_tls(ca, base / "broker")
    ids = {name: client_identity(ca, name, base / "ids") for name in (ME, OTHER)}
    active = {_id(bridge): BRIDGE_IDENTITY, **{_id(i): name for name, i in ids.items()}}
    b = Broker(base / "broker", tls)
    b.start(active)
    inbox = Inbox()
    link = MqttLink("127.0.0.1", b.port, bridge, on_message_with_properties=inbox).start()
    assert link.subscribe(["cc/#", "$aws/rules/#"]) == [1, 1]
    yield {"broker": b, "ca": ca, "base": base, "inbox": inbox, "ids": ids, "active": active, "bridge": link}
    link.stop()
    b.stop()


@pytest.fixture(scope="module")
def me(broker) -> Iterator[MqttLink]:
    link = MqttLink("127.0.0.1", broker["broker"].port, broker["ids"][ME]).start()
    yield link
    link.stop()


def _set_active(broker: dict, active: dict[str, str]) -> None:
    broker["active"] = active
    broker["broker"].update(active)
    time.sleep(0.3)  # the broker reloads on SIGHUP


def _bridge_still_receives(broker: dict, device: MqttLink) -> None:
    before = len(broker["inbox"].got)
    assert device.publish(topic("zhengzhou", device.identity.client_id), b'{"still": 1}') == 0
    assert len(broker["inbox"].wait_for(before + 1)) == before + 1


def test_the_config_enforces_client_certificates_and_hands_identity_to_the_gateway_plugin(tmp_path):
    tls = TlsFiles(tmp_path / "ca.pem", tmp_path / "server.crt", tmp_path / "server.key")
    rendered = config_text("127.0.0.1", 8883, tls, tmp_path / "gw.so", tmp_path / "certs", "me").splitlines()
    for line in ("require_certificate true", "allow_anonymous false", "listener 8883 127.0.0.1",
                 f"cafile {tls.cafile}", f"plugin {tmp_path / 'gw.so'}",
                 f"plugin_opt_certificates {tmp_path / 'certs'}",
                 f"plugin_opt_bridge {BRIDGE_IDENTITY}", f"max_packet_size {MAX_PACKET}"):
        assert line in rendered
    assert not any(line.startswith("use_identity_as_username") for line in rendered)  # the plugin decides


def test_a_device_publishes_its_own_telemetry_and_events(broker, me):
    before = len(broker["inbox"].got)
    for kind in ("telemetry", "event"):
        assert me.publish(topic("zhengzhou", ME, kind), b'{"ts": 1, "metrics": {"alarm": 1}}') == 0
    got = broker["inbox"].wait_for(before + 2)[before:]
    assert [t for t, _ in got] == [topic("zhengzhou", ME, "telemetry"), topic("zhengzhou", ME, "event")]
    # the broker says which certificate sent each message
    assert broker["inbox"].certificates[before:] == [_id(broker["ids"][ME])] * 2


def test_a_device_cannot_claim_the_certificate_property_itself(broker, me):
    before = len(broker["inbox"].got)
    forged = mqtt5.PublishPacket(topic=topic("zhengzhou", ME), payload=b"{}", qos=mqtt5.QoS.AT_LEAST_ONCE,
                                 user_properties=[mqtt5.UserProperty(CERTIFICATE_PROPERTY, "0" * 64)])
    ack = me.client.publish(forged).result(10).puback
    assert ack is not None and int(ack.reason_code) == NOT_AUTHORIZED
    time.sleep(0.3)
    assert broker["inbox"].got[before:] == []


def test_publishing_on_another_devices_topic_is_refused_by_the_broker(broker, me):
    before = len(broker["inbox"].got)
    for name in (topic("zhengzhou", OTHER), topic("zhengzhou", OTHER, "event"), command("zhengzhou", OTHER),
                 basic_ingest("cc_telemetry", "zhengzhou", OTHER), "cc/zhengzhou/anything",
                 topic("yinchuan", ME), basic_ingest("cc_events", "yinchuan", ME, "event"),
                 topic("zhengzhou", ME, "cmd")):
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
    other = MqttLink("127.0.0.1", broker["broker"].port, broker["ids"][OTHER], on_message=spy).start()
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
        MqttLink("127.0.0.1", broker["broker"].port, trusting).start(timeout=5, retry=False)


def _raw_connect(port: int, ca: str, cert: Identity | None, client_id: str = ME) -> bytes:
    """A bare MQTT 3.1.1 CONNECT over TLS; the CONNACK's first bytes."""
    ctx = ssl.create_default_context(cafile=ca)
    if cert is not None:
        ctx.load_cert_chain(cert.cert, cert.key)
    cid = client_id.encode()
    body = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack(">H", len(cid)) + cid
    with (socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
          ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls):
        tls.sendall(bytes([0x10, len(body)]) + body)
        return tls.recv(4)


def test_a_client_without_a_certificate_cannot_connect(broker):
    port, ca = broker["broker"].port, str(broker["ca"].directory / "ca.pem")
    assert _raw_connect(port, ca, broker["ids"][ME]) == b"\x20\x02\x00\x00"
    with pytest.raises((ssl.SSLError, ConnectionResetError)):  # refused during the handshake
        _raw_connect(port, ca, None)


def test_the_client_id_must_be_the_certificates_thing(broker, me):
    port, ca = broker["broker"].port, str(broker["ca"].directory / "ca.pem")
    for client_id in (OTHER, BRIDGE_IDENTITY, "", "zhengzhou_dev-10"):
        assert _raw_connect(port, ca, broker["ids"][ME], client_id) == b"\x20\x02\x00\x05", client_id  # not authorised
    # neither the other device nor the bridge was knocked off
    _bridge_still_receives(broker, me)


def test_subscriptions_outside_the_devices_own_commands_are_refused(broker, me):
    codes = me.subscribe(["#", "$SYS/#", "cc/#", "cc/+/d/+/telemetry", command("zhengzhou", OTHER),
                          command("yinchuan", ME), "$aws/rules/#", command("zhengzhou", ME)])
    assert codes[:-1] == [0x87] * 7 and codes[-1] == 1


def test_a_message_over_128_kib_is_refused_at_the_broker(broker):
    port, ca = broker["broker"].port, str(broker["ca"].directory / "ca.pem")
    before = len(broker["inbox"].got)
    ctx = ssl.create_default_context(cafile=ca)
    ctx.load_cert_chain(broker["ids"][OTHER].cert, broker["ids"][OTHER].key)
    name = topic("zhengzhou", OTHER).encode()
    cid = OTHER.encode()
    connect = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack(">H", len(cid)) + cid
    payload = b'{"metrics": {"x": "' + b"a" * 200_000 + b'"}}'
    variable = struct.pack(">H", len(name)) + name
    with (socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
          ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls):
        tls.sendall(bytes([0x10, len(connect)]) + connect)
        assert tls.recv(4) == b"\x20\x02\x00\x00"
        # the broker closes the connection on the declared length: while the rest is still being sent, or after
        with pytest.raises((ConnectionResetError, BrokenPipeError, ssl.SSLError, TimeoutError)):
            tls.sendall(b"\x30" + _remaining_length(len(variable) + len(payload)) + variable + payload)
            if tls.recv(4) == b"":  # the broker closed the connection
                raise ConnectionResetError
    time.sleep(0.3)
    assert broker["inbox"].got[before:] == []


def _remaining_length(n: int) -> bytes:
    out = bytearray()
    while True:
        n, digit = n // 128, n % 128
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


def test_a_certificate_taken_off_the_active_list_loses_its_connection_and_cannot_come_back(broker, tmp_path):
    ca, port = broker["ca"], broker["broker"].port
    old = client_identity(ca, "zhengzhou_dev-3", tmp_path / "old")
    new = client_identity(ca, "zhengzhou_dev-3", tmp_path / "new")
    _set_active(broker, {**broker["active"], _id(old): "zhengzhou_dev-3"})
    link = MqttLink("127.0.0.1", port, old).start()
    _bridge_still_receives(broker, link)
    # rotated: the new certificate active, the old one not
    _set_active(broker, {**{k: v for k, v in broker["active"].items() if k != _id(old)}, _id(new): "zhengzhou_dev-3"})
    before = len(broker["inbox"].got)
    try:
        code: int | None = link.publish(topic("zhengzhou", "zhengzhou_dev-3"), b"{}", timeout=3)
    except Exception:
        code = None
    assert code in (None, NOT_AUTHORIZED)
    link.stop()
    with pytest.raises(ConnectionError):
        MqttLink("127.0.0.1", port, old).start(timeout=5, retry=False)
    time.sleep(0.3)
    assert broker["inbox"].got[before:] == []
    fresh = MqttLink("127.0.0.1", port, new).start()
    try:
        _bridge_still_receives(broker, fresh)
        assert broker["inbox"].certificates[-1] == _id(new)
    finally:
        fresh.stop()


def test_the_broker_key_files_are_private(broker):
    for key in ("server.key", "local-bridge/key.pem"):
        assert (broker["base"] / "broker" / key).stat().st_mode & 0o077 == 0
