"""Roles are Cognito groups."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    CITY_ADMIN = "city_admin"
    STAFF = "staff"
    RESIDENT = "resident"
    VENDOR = "vendor"


ALL_ROLES = frozenset(Role)
ROLE_NAMES = frozenset(r.value for r in Role)
# Who may read the tenant profile and hierarchy, and act on residents.
STAFF_ROLES = frozenset({Role.CITY_ADMIN, Role.STAFF})
