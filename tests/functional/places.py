"""Helpers for the device and alert suites: register devices in 郑州 and drive the alert engine's side."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.alerts.models import ApplyResult, Transition
from chalicelib.alerts.service import AlertService
from chalicelib.devices.repository import DeviceRepository
from chalicelib.store.keys import TenantContext
from tests.support import JSON_HEADERS, auth, jbody

CITY = TenantContext("zhengzhou")
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the fake "now" of the engine's side
HOUSEHOLD = "jinghu-g1-b1-1-0501"  # in grid jinghu-g1 of 荆胡社区

# (device_id, place fields): a household, a building of another grid, a public spot, another street's community.
PLACES: dict[str, dict[str, Any]] = {
    "zz-smoke-0501": {"type": "smoke", "community_id": "jinghu", "household_id": HOUSEHOLD, "care_subject": True},
    "zz-gas-b4": {"type": "gas", "community_id": "jinghu", "grid_id": "jinghu-g2", "building_id": "jinghu-g2-b4"},
    "zz-manhole-gate": {"type": "manhole", "community_id": "jinghu", "spot": "北门 / north gate"},
    "zz-noise-zd": {"type": "noise", "community_id": "zhengda", "grid_id": "zhengda-g1"},
    "zz-bin-nyy": {"type": "smart_bin", "community_id": "nongyeyuan", "grid_id": "nongyeyuan-g2"},
}


def post(client: Any, path: str, token: str, payload: Any = None) -> Any:
    body = b"" if payload is None else jbody(payload)
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=body)


def register(client: Any, token: str, device_id: str, **fields: Any) -> Any:
    return post(client, "/v1/devices", token, {"device_id": device_id, "serial": f"SN-{device_id}", **fields})


def register_all(client: Any, admin: str) -> None:
    for device_id, fields in PLACES.items():
        r = register(client, admin, device_id, **fields)
        assert r.status_code == 201, r.body


def transition(device_id: str, rule_id: str, ts: float, kind: str = "raise", severity: str = "critical",
               value: float = 1.0) -> Transition:
    return Transition(device_id, rule_id, kind, ts, value, severity, rule_id.split(".")[-1])  # type: ignore[arg-type]


def apply(*transitions: Transition, now: datetime = T0) -> ApplyResult:
    """What the telemetry handler does with a batch's transitions."""
    devices = DeviceRepository(CITY).get_many(t.device_id for t in transitions)
    return AlertService(CITY).apply(list(transitions), devices, now=now)


def list_alerts(client: Any, token: str, query: str = "") -> list[dict[str, Any]]:
    r = client.http.get(f"/v1/alerts?limit=200&{query}", headers=auth(token))
    assert r.status_code == 200, r.body
    return r.json_body["items"]
