from __future__ import annotations

from tests.support import auth


def test_health_answers_without_a_token(client):
    r = client.http.get("/health")
    assert r.status_code == 200
    assert r.json_body["status"] == "ok"


def test_unknown_route_is_a_json_404(client):
    r = client.http.get("/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json_body["code"] == "not_found"


def test_wrong_method_is_a_json_405_not_a_500(client, token_for):
    r = client.http.delete("/v1/me", headers=auth(token_for("city_admin")))
    assert r.status_code in (403, 404, 405)
    assert "code" in r.json_body and "message" in r.json_body


def test_every_response_carries_a_correlation_id(client):
    r = client.http.get("/health", headers={"x-correlation-id": "abc-123"})
    assert r.headers["x-correlation-id"] == "abc-123"
