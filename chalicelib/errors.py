"""Domain errors. Every layer raises these; one place (``http.errors``) maps them to HTTP."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error the platform raises on purpose."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        # More members of the JSON error body (e.g. ``limit``, ``used``) and response headers (``Retry-After``).
        self.extra: dict[str, Any] = dict(extra or {})
        self.headers: dict[str, str] = dict(headers or {})


class InvalidInput(AppError):
    status = 400
    code = "invalid_input"


class Unauthenticated(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class QuotaExceeded(AppError):
    """A count quota of the city's tier (devices, residents, staff users) is used up: 409 naming it."""

    status = 409
    code = "quota_exceeded"

    def __init__(self, message: str, *, quota: str, limit: int, used: int) -> None:
        super().__init__(message, field=quota, extra={"limit": limit, "used": used})
        self.quota, self.limit, self.used = quota, limit, used


class RateLimited(AppError):
    """A rate quota of the city's tier is used up for now: 429 with ``Retry-After`` (seconds)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, quota: str, limit: int, retry_after: int) -> None:
        super().__init__(message, field=quota, extra={"limit": limit, "retry_after": retry_after},
                         headers={"Retry-After": str(retry_after)})
        self.quota, self.limit, self.retry_after = quota, limit, retry_after


class StorageError(AppError):
    """A storage call failed for a reason that is not the caller's fault."""

    status = 503
    code = "storage_unavailable"


def field_path(loc: tuple[str | int, ...]) -> str:
    """``("users", 2, "email")`` → ``users[2].email``: how fields are named in every error."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
