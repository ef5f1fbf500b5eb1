"""Verifying Cognito ID tokens with PyJWT against the pool's JWKS.

Checks signature (RS256 key from JWKS by ``kid``), issuer, audience (the app client),
``token_use == id`` and expiry. The JWKS location is a setting: an https URL in AWS,
moto's ``/<pool>/.well-known/jwks.json`` locally, or a file in tests.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import ROLE_NAMES, Role
from chalicelib.config import get_settings
from chalicelib.errors import Unauthenticated

_LEEWAY_SECONDS = 30


class _FileJwks:
    """JWKS from a local file (plain or gzipped JSON); same interface as PyJWKClient."""

    def __init__(self, path: str) -> None:
        raw = Path(path).read_bytes()
        self._set = jwt.PyJWKSet.from_dict(json.loads(gzip.decompress(raw) if path.endswith(".gz") else raw))

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self._set.keys:
            if key.key_id == kid:
                return key
        raise jwt.PyJWKClientError(f"no key {kid!r} in JWKS")


@lru_cache(maxsize=4)
def _jwks(location: str) -> jwt.PyJWKClient | _FileJwks:
    if location.startswith(("http://", "https://")):
        return jwt.PyJWKClient(location, cache_keys=True, lifespan=3600, timeout=5)
    return _FileJwks(location)


def from_header(authorization: str | None) -> Principal:
    """The ``Authorization`` header, which must be ``Bearer <ID token>`` (the scheme's case aside, RFC 7235)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthenticated("the Authorization header must be 'Bearer <ID token>'")
    return verify(token)


def verify(token: str) -> Principal:
    """A bare ID token (no scheme)."""
    s = get_settings()
    try:
        key = _jwks(s.jwks_location).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token, key.key, algorithms=["RS256"], audience=s.user_pool_client_id, issuer=s.issuer,
            leeway=_LEEWAY_SECONDS, options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except (jwt.PyJWTError, ValueError) as exc:
        raise Unauthenticated(f"token rejected: {type(exc).__name__}") from exc
    if claims.get("token_use") != "id":
        raise Unauthenticated("an ID token is required")
    tenant_id = claims.get("custom:tenant_id")
    if not tenant_id:
        raise Unauthenticated("token carries no tenant")
    groups = claims.get("cognito:groups") or []
    roles = frozenset(Role(g) for g in groups if g in ROLE_NAMES)
    return Principal(user_id=claims["sub"], username=claims.get("cognito:username", claims["sub"]),
                     tenant_id=tenant_id, roles=roles)


def reset_jwks_cache() -> None:
    _jwks.cache_clear()
