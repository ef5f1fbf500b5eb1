"""Operations see every request in the logs and metrics of its city."""

from __future__ import annotations

import io
import json
import logging

from chalicelib import observability
from tests.support import auth


def test_request_log_line_carries_tenant_route_status_and_correlation_id(client, onboard, token_for):
    onboard("zhengzhou")
    token = token_for("city_admin", "zhengzhou")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.logger.registered_formatter)
    observability.logger.addHandler(handler)
    level = observability.logger.log_level
    observability.logger.setLevel(logging.INFO)
    try:
        client.http.get("/v1/tenant", headers={**auth(token), "x-correlation-id": "req-42"})
        client.http.get("/health")
    finally:
        observability.logger.removeHandler(handler)
        observability.logger.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    done = [entry for entry in lines if entry["message"] == "request done"]
    assert done[0]["tenant_id"] == "zhengzhou" and done[0]["correlation_id"] == "req-42"
    assert done[0]["route"] == "/v1/tenant" and done[0]["status"] == 200
    # The next request starts clean: nothing of the previous city sticks to it.
    assert done[1]["tenant_id"] == "-" and done[1]["correlation_id"] != "req-42"


def test_metrics_are_emitted_per_tenant_in_emf(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    observability.begin_request("c1", "yinchuan", "/v1/me")
    observability.end_request("yinchuan", "/v1/me", 404, 0.0)
    emf = next(json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line)
    assert emf["tenant"] == "yinchuan"
    directive = emf["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "SmartCommunityCloud"
    assert ["tenant", "service"] in directive["Dimensions"] or ["service", "tenant"] in directive["Dimensions"]
    names = {m["Name"] for m in directive["Metrics"]}
    assert {"ApiRequests", "Api4xx", "ApiLatency"} <= names
