"""What one read of the live alert board costs: the board reads the open list once per severity every
3 s while it is shown. Every DynamoDB call of those reads is counted here (the figure in
chalicelib/alerts/README.md, 'The live board')."""

from __future__ import annotations

from collections import Counter
from typing import Any

import botocore.client
import pytest

from tests.functional.places import register_all
from tests.support import auth

SEVERITIES = ("critical", "warning", "info")


@pytest.fixture
def calls(monkeypatch) -> Counter[str]:
    """DynamoDB operations made through botocore from here on, by name."""
    seen: Counter[str] = Counter()
    real = botocore.client.BaseClient._make_api_call

    def counted(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            seen[operation] += 1
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counted)
    return seen


def _poll(client: Any, token: str) -> None:
    for severity in SEVERITIES:
        r = client.http.get(f"/v1/alerts?state=open&severity={severity}&limit=50", headers=auth(token))
        assert r.status_code == 200, r.body
        assert r.json_body["items"] == []


def test_a_poll_of_an_empty_board_is_one_query_per_severity_and_community(aws, client, calls):
    aws.onboard("zhengzhou")
    register_all(client, aws.token_for("city_admin", "zhengzhou"))
    staff = aws.token_for("staff", "zhengzhou")
    _poll(client, staff)  # warm: the principal's places are read once per container
    calls.clear()
    _poll(client, staff)
    print(f"DynamoDB calls per empty board poll: {dict(calls)}")
    assert set(calls) <= {"Query", "GetItem"} and calls["GetItem"] <= 3 * 2  # each request: its principal
    assert calls["Query"] <= 3 * 2  # one per severity and community in the staff member's scope
