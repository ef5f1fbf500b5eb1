"""Tenant API keys: issued once to a city admin, stored only as a hash, verified for integrations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.apikeys.repository import ApiKeyRepository, sort_key
from chalicelib.apikeys.service import ApiKeyService, key_hash, verify
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import Unauthenticated
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import ApiKeyItem
from tests.support import JSON_HEADERS, auth, jbody

KEYS = "/v1/admin/api-keys"
ZZ = TenantContext("zhengzhou")


def issue(client: Any, token: str, **body: Any) -> Any:
    payload = {"name": "12345热线对接", "scopes": ["open311"], **body}
    return client.http.post(KEYS, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


@pytest.fixture
def admin(aws: Any) -> str:
    aws.onboard("zhengzhou")
    return str(aws.token_for("city_admin", "zhengzhou"))


def test_an_admin_gets_the_key_once_and_an_integration_is_verified_with_it(admin, client):
    r = issue(client, admin)
    assert r.status_code == 201, r.body
    created = r.json_body
    raw = created["api_key"]
    assert re.fullmatch(r"cc_[A-Za-z0-9_-]{32}", raw)
    assert created["status"] == "active" and created["scopes"] == ["open311"] and created["created_by"] == "zz.admin"
    assert created["hint"] == f"{raw[:5]}…{raw[-4:]}" and created["last_used_at"] is None
    listed = client.http.get(KEYS, headers=auth(admin))
    assert [k["key_id"] for k in listed.json_body["items"]] == [created["key_id"]]
    assert raw not in listed.body.decode() and "api_key" not in listed.json_body["items"][0]
    key = verify(ZZ, raw)
    assert key.key_id == created["key_id"] and key.name == "12345热线对接" and key.last_used_at is not None
    assert client.http.get(KEYS, headers=auth(admin)).json_body["items"][0]["last_used_at"] is not None


def test_only_the_sha256_of_the_key_is_stored(admin, client):
    raw = issue(client, admin).json_body["api_key"]
    item = ApiKeyItem.get(ZZ.api_keys_pk(), sort_key(key_hash(raw)))
    stored = str(item.attribute_values) + str(item.data.as_dict())
    assert raw not in stored and raw[3:] not in stored and key_hash(raw) in stored


def test_a_revoked_key_is_refused_and_cannot_be_revoked_twice(admin, client):
    created = issue(client, admin).json_body
    path = f"{KEYS}/{created['key_id']}/revoke"
    r = client.http.post(path, headers={**auth(admin), **JSON_HEADERS}, body=jbody({"reason": "对接停用"}))
    assert r.status_code == 200 and r.json_body["status"] == "revoked" and r.json_body["revoked_by"] == "zz.admin"
    with pytest.raises(Unauthenticated) as err:
        verify(ZZ, created["api_key"])
    assert err.value.field == "api_key"
    again = client.http.post(path, headers=auth(admin))
    assert again.status_code == 409 and again.json_body["field"] == "api_key_id"
    unknown = client.http.post(f"{KEYS}/ak-000000000000/revoke", headers=auth(admin))
    assert unknown.status_code == 404 and unknown.json_body["field"] == "api_key_id"


def test_a_key_works_only_in_its_own_city_for_its_own_scopes(aws, admin, client):
    aws.onboard("yinchuan")
    raw = issue(client, admin).json_body["api_key"]
    for tenant, scope, raw_key in ((TenantContext("yinchuan"), "open311", raw), (ZZ, "reports", raw),
                                   (ZZ, "open311", "cc_" + "x" * 32), (ZZ, "open311", "not a key"),
                                   (ZZ, "open311", raw + "x")):
        with pytest.raises(Unauthenticated) as err:
            verify(tenant, raw_key, scope)
        assert err.value.field == "api_key"
    assert verify(ZZ, raw, "open311").scopes == ["open311"]


def test_an_expired_key_is_refused_and_listed_as_expired(admin, client):
    soon = datetime.now(UTC) + timedelta(hours=1)
    created = issue(client, admin, expires_at=soon.isoformat()).json_body
    assert verify(ZZ, created["api_key"]).expires_at == soon
    with pytest.raises(Unauthenticated, match="expired"):
        verify(ZZ, created["api_key"], clock=lambda: soon + timedelta(seconds=1))
    admin_principal = Principal("u", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN}))
    later = ApiKeyService(admin_principal, clock=lambda: soon + timedelta(days=1)).list()
    assert [k.status.value for k in later.items] == ["expired"]


def test_last_used_at_is_written_at_most_once_a_minute(admin, client):
    raw = issue(client, admin).json_body["api_key"]
    t0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    repo = ApiKeyRepository(ZZ)
    stamp = lambda: repo.by_hash(key_hash(raw))["last_used_at"]  # noqa: E731
    assert verify(ZZ, raw, clock=lambda: t0).last_used_at == t0
    assert stamp() == "2026-05-01T08:00:00.000000+00:00"
    assert verify(ZZ, raw, clock=lambda: t0 + timedelta(seconds=59)).last_used_at == t0
    assert stamp() == "2026-05-01T08:00:00.000000+00:00"
    verify(ZZ, raw, clock=lambda: t0 + timedelta(seconds=61))
    assert stamp() == "2026-05-01T08:01:01.000000+00:00"


def test_a_key_may_be_limited_to_some_communities(admin, client):
    r = issue(client, admin, name="荆胡物业系统", communities=["jinghu"])
    assert r.status_code == 201 and r.json_body["communities"] == ["jinghu"]
    assert verify(ZZ, r.json_body["api_key"]).communities == ["jinghu"]
    r = issue(client, admin, communities=["jinghu", "nowhere"])
    assert r.status_code == 404 and r.json_body["field"] == "communities[1]"


@pytest.mark.parametrize(("changes", "field"), [
    ({"scopes": ["everything"]}, "scopes[0]"),
    ({"scopes": []}, "scopes"),
    ({"scopes": ["open311", "open311"]}, "scopes"),
    ({"name": "x"}, "name"),
    ({"expires_at": "2020-01-01T00:00:00+08:00"}, "expires_at"),
    ({"expires_at": "2099-01-01T00:00:00"}, "expires_at"),  # no zone: ambiguous
    ({"expires_at": "soon"}, "expires_at"),
    ({"tenant_id": "yinchuan"}, "tenant_id"),
])
def test_bad_key_requests_are_refused_naming_the_field(admin, client, changes, field):
    r = issue(client, admin, **changes)
    assert r.status_code == 400, r.body
    assert r.json_body["field"] == field


def test_only_city_admins_manage_keys(aws, admin, client):
    for role in ("staff", "resident", "vendor"):
        token = aws.token_for(role, "zhengzhou")
        assert issue(client, token).status_code == 403
        assert client.http.get(KEYS, headers=auth(token)).status_code == 403
    assert client.http.get(KEYS).status_code == 401
