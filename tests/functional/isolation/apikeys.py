"""Tenant API keys: a 郑州 integration key (limited to 荆胡社区)."""

from __future__ import annotations

from tests.functional.isolation import HOME, OTHER, Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

NAME = "郑州隔离测试对接密钥"
_issued: dict[str, str] = {}


def samples(other: Other) -> Samples:
    body = {"name": NAME, "scopes": ["open311"], "communities": ["jinghu"]}
    r = other.client.http.post("/v1/admin/api-keys", headers={**auth(other.token("city_admin")), **JSON_HEADERS},
                               body=jbody(body))
    assert r.status_code == 201, r.body
    _issued.update(key_id=r.json_body["key_id"], api_key=r.json_body["api_key"])
    return Samples(
        params={"api_key_id": _issued["key_id"]},
        bodies={("POST", "/v1/admin/api-keys"): (JSON_HEADERS, jbody(body)),
                ("POST", "/v1/admin/api-keys/{api_key_id}/revoke"): (JSON_HEADERS, jbody({"reason": "isolation"}))},
        markers=[_issued["key_id"], _issued["api_key"], NAME],
    )


def unchanged(other: Other) -> None:
    from chalicelib.apikeys.service import verify
    from chalicelib.store.keys import TenantContext

    keys = other.client.http.get("/v1/admin/api-keys", headers=auth(other.token("city_admin"))).json_body["items"]
    assert [(k["key_id"], k["status"]) for k in keys] == [(_issued["key_id"], "active")]
    assert verify(TenantContext(OTHER), _issued["api_key"]).key_id == _issued["key_id"]
    home = other.client.http.get("/v1/admin/api-keys", headers=auth(other.world.token_for("city_admin", HOME)))
    assert home.json_body["items"] == []  # nobody of the home city could issue a key with the other's places
