"""Use cases of API keys: a city admin issues, lists and revokes them; integrations are verified.

``verify`` is the contract the Open311 API (and any other integration) relies on.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.apikeys.models import ApiKey, ApiKeyCreated, ApiKeyIn, ApiKeyList, KeyStatus, RevokeIn
from chalicelib.apikeys.repository import ApiKeyRepository
from chalicelib.auth.principal import Principal
from chalicelib.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from chalicelib.store.base import now
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.service import TenantService

PREFIX = "cc_"
KEY_FORMAT = re.compile(r"^cc_[A-Za-z0-9_-]{32}$")
MAX_ACTIVE = 20
TOUCH_EVERY = timedelta(minutes=1)


def key_hash(raw_key: str) -> str:
    """SHA-256 of the key: it carries 192 random bits, so a fast unsalted hash cannot be brute-forced."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _iso(at: datetime) -> str:
    """UTC with microseconds, so stamps compare as strings in the conditional write."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _view(doc: dict[str, Any], at: datetime) -> ApiKey:
    key = ApiKey.model_validate(doc)
    if key.status is KeyStatus.ACTIVE and key.expires_at is not None and key.expires_at <= at:
        key.status = KeyStatus.EXPIRED
    return key


def verify(tenant: TenantContext, raw_key: str, scope: str = "open311", *,
           clock: Callable[[], datetime] = now, repo: ApiKeyRepository | None = None) -> ApiKey:
    """The city's live key ``raw_key`` if it grants ``scope``; ``Unauthenticated`` (field ``api_key``)
    for an unknown, revoked, expired, other-city or wrong-scope key. One GetItem, plus a write at most
    once a minute per key to stamp ``last_used_at``."""
    if not isinstance(raw_key, str) or not KEY_FORMAT.match(raw_key):
        raise Unauthenticated("this is not an API key of this platform", field="api_key")
    repo = repo or ApiKeyRepository(tenant)
    digest = key_hash(raw_key)
    doc = repo.by_hash(digest)
    at = clock()
    if doc is None:
        raise Unauthenticated("unknown API key", field="api_key")
    key = _view(doc, at)
    if key.status is not KeyStatus.ACTIVE:
        raise Unauthenticated(f"this API key is {key.status.value}", field="api_key")
    if scope not in key.scopes:
        raise Unauthenticated(f"this API key does not grant {scope!r}", field="api_key")
    stale = key.last_used_at is None or at - key.last_used_at >= TOUCH_EVERY
    if stale and repo.touch(digest, _iso(at), _iso(at - TOUCH_EVERY)):
        key.last_used_at = at
    return key


class ApiKeyService:
    def __init__(self, principal: Principal, repo: ApiKeyRepository | None = None,
                 tenancy: TenantService | None = None, clock: Callable[[], datetime] = now) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.repo = repo or ApiKeyRepository(self.tenant)
        self.tenancy = tenancy or TenantService(self.tenant)
        self.clock = clock

    def create(self, body: ApiKeyIn) -> ApiKeyCreated:
        at = self.clock()
        for n, community_id in enumerate(body.communities):
            try:
                self.tenancy.node("community", community_id)
            except NotFound as exc:
                raise NotFound(f"no community {community_id!r} in this city", field=f"communities[{n}]") from exc
        if body.expires_at is not None and body.expires_at <= at:
            raise InvalidInput("expires_at must be in the future", field="expires_at")
        if sum(k.status is KeyStatus.ACTIVE for k in self.list().items) >= MAX_ACTIVE:
            raise Conflict(f"a city may hold {MAX_ACTIVE} active keys; revoke one first", field="api_key")
        raw = PREFIX + secrets.token_urlsafe(24)
        digest = key_hash(raw)
        doc = {"key_id": "ak-" + secrets.token_hex(6), "key_hash": digest, "name": body.name,
               "scopes": [s.value for s in body.scopes], "communities": body.communities,
               "hint": f"{raw[:5]}…{raw[-4:]}", "status": KeyStatus.ACTIVE.value,
               "created_by": self.principal.username, "created_at": at.isoformat(),
               "expires_at": body.expires_at.isoformat() if body.expires_at else None}
        self.repo.add(digest, doc)
        return ApiKeyCreated(**_view(doc, at).model_dump(), api_key=raw)

    def list(self) -> ApiKeyList:
        at = self.clock()
        keys = sorted(self.repo.all(), key=lambda d: str(d["created_at"]), reverse=True)
        return ApiKeyList(items=[_view(d, at) for d in keys])

    def revoke(self, api_key_id: str, body: RevokeIn) -> ApiKey:
        found = next((d for d in self.repo.all() if d["key_id"] == api_key_id), None)
        if found is None:
            raise NotFound(f"no API key {api_key_id!r} in this city", field="api_key_id")
        at = self.clock()
        changes = {"revoked_at": at.isoformat(), "revoked_by": self.principal.username, "revoke_reason": body.reason}
        data = {k: v for k, v in found.items() if k not in ("status", "last_used_at")}
        self.repo.revoke(found["key_hash"], changes, data)
        return _view({**found, **changes, "status": KeyStatus.REVOKED.value}, at)
