"""Personal data: nobody of 银川 reveals a 郑州 resident's name or phone, reads 郑州's access log, or closes
an account that is not their own; 郑州's log stays empty (a refused reveal writes nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.auth import users
from chalicelib.personal.repository import AuditRepository
from chalicelib.store.keys import TenantContext
from tests.functional.isolation import OTHER, Other, Samples
from tests.support import JSON_HEADERS, jbody


def samples(other: Other) -> Samples:
    return Samples(
        bodies={
            ("POST", "/v1/residents/{resident_id}/reveal"): (JSON_HEADERS, jbody({"field": "phone",
                                                                                 "reason": "emergency"})),
            # the confirmation names the account: another city's resident's username, never the caller's
            ("POST", "/v1/me/closure"): (JSON_HEADERS, jbody({"confirm": "注销账号",
                                                              "username": other.world.username_for("resident",
                                                                                                   OTHER)})),
        },
        markers=["13700001111", "刘建华"],  # the 郑州 resident's full phone and name (core samples)
    )


def unchanged(other: Other) -> None:
    month = f"{datetime.now(timezone(timedelta(hours=8))):%Y-%m}"  # 郑州's time
    assert AuditRepository(TenantContext(OTHER)).whole_month(month) == []
    assert users.lookup(other.world.username_for("resident", OTHER)) is not None
