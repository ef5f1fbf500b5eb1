"""What a device needs to connect: endpoint, client id, its topics, the CA to trust."""

from __future__ import annotations

from chalicelib.devices.iot_models import Connection, Topics
from chalicelib.devices.registry import endpoint
from iot import topics
from iot.rules import RULES


def connection(tenant: str, thing: str, root_ca_pem: str) -> Connection:
    host, port = endpoint()
    return Connection(
        endpoint=host, port=port, client_id=thing, root_ca_pem=root_ca_pem,
        topics=Topics(telemetry=topics.topic(tenant, thing, "telemetry"), event=topics.topic(tenant, thing, "event"),
                      command=topics.command(tenant, thing),
                      basic_ingest={r.name: topics.basic_ingest(r.name, tenant, thing, r.kind) for r in RULES}))
