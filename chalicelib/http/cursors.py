"""Pagination cursors signed for the caller's city and the query they continue.

A repository's cursor (base64 of the last key read) leaves the API as ``<cursor>.<mac>``: an
HMAC-SHA256 (128 bits kept) under a key derived from the city's data key, over the city, the
route, its path parameters and the validated query (all but ``cursor`` and ``limit``). A cursor
edited, made up, taken from another city or replayed on another query is a 400 naming ``cursor``
before any read. The route layer signs and opens them; repositories never see a signed one.
"""

from __future__ import annotations

import base64
import hmac
from hashlib import sha256
from typing import Any

from pydantic import BaseModel

from chalicelib import privacy
from chalicelib.errors import InvalidInput
from chalicelib.store.keys import TenantContext

PURPOSE = "cursor/v1"
_MAC_BYTES = 16


def binding(method: str, path: str, params: dict[str, Any], query: BaseModel) -> str:
    """What a cursor is valid for: the route, its path parameters and the query but its page."""
    shown = query.model_dump(mode="json", exclude={"cursor", "limit"})
    return "|".join([method, path, repr(sorted(params.items())), repr(sorted(shown.items()))])


def _mac(tenant_id: str, bound: str, inner: str) -> str:
    key = privacy.subkey(TenantContext(tenant_id), PURPOSE)
    digest = hmac.new(key, f"{tenant_id}\n{bound}\n{inner}".encode(), sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(tenant_id: str, bound: str, inner: str) -> str:
    return f"{inner}.{_mac(tenant_id, bound, inner)}"


def open_signed(tenant_id: str, bound: str, cursor: str) -> str:
    inner, dot, mac = cursor.rpartition(".")
    # bytes: compare_digest refuses non-ASCII str, and a cursor is whatever the client sent
    if not dot or not inner or not hmac.compare_digest(mac.encode(), _mac(tenant_id, bound, inner).encode()):
        raise InvalidInput("cursor is not one this API returned for this query", field="cursor")
    return inner
