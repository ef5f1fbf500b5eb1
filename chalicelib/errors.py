"""Domain errors. Every layer raises these; one place (``http.errors``) maps them to HTTP."""

from __future__ import annotations


class AppError(Exception):
    """Base of every error the platform raises on purpose."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


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
