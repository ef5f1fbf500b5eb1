"""Request and response models of tenant API keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from chalicelib.fields import Distinct
from chalicelib.model import Model
from chalicelib.tenancy.common import Code


class ApiScope(StrEnum):
    OPEN311 = "open311"  # file and follow service requests through the Open311 GeoReport v2 API


class KeyStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"  # shown when an active key's expiry has passed; never stored


class ApiKeyIn(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=60, examples=["12345热线对接"])
    scopes: Annotated[list[ApiScope], Distinct] = Field(min_length=1, max_length=8)
    communities: Annotated[list[Code], Distinct] = Field(
        default_factory=list, max_length=50,
        description="limit the integration to these communities; empty: the whole city")
    expires_at: AwareDatetime | None = Field(default=None, description="ISO 8601 with a zone; never when absent")


class RevokeIn(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, max_length=200)


class ApiKey(Model):
    """A key as admins and integrations see it: never the key itself."""

    key_id: str
    name: str
    scopes: list[str]
    communities: list[str] = Field(description="empty: the whole city")
    hint: str = Field(description="the key's first and last characters, to tell keys apart: cc_…Xy9z")
    status: KeyStatus
    created_by: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = Field(default=None, description="updated at most once a minute")
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None


class ApiKeyCreated(ApiKey):
    api_key: str = Field(description="shown this once; only its SHA-256 is stored")


class ApiKeyList(Model):
    items: list[ApiKey]
