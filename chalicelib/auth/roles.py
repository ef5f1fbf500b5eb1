"""Roles are Cognito groups."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    CITY_ADMIN = "city_admin"
    STAFF = "staff"
    RESIDENT = "resident"
    VENDOR = "vendor"
    # 巡访人员: social workers, volunteers and family doctors who visit the care subjects assigned to them
    # (chalicelib/care) and nothing else.
    VISITOR = "visitor"


ALL_ROLES = frozenset(Role)
ROLE_NAMES = frozenset(r.value for r in Role)
# Who may read the tenant profile and hierarchy, and act on residents.
STAFF_ROLES = frozenset({Role.CITY_ADMIN, Role.STAFF})
