"""Personal data under audit: staff reveal a resident's name or phone for a reason (logged, capped per day);
city admins read and export the access log; residents see who viewed their data (谁查看了我的信息), export
what is held about them, and close their account."""

from __future__ import annotations

import uuid

from chalice import Blueprint, Response

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.personal.models import (
    AccessPage,
    AuditQuery,
    ClosureIn,
    ClosureReport,
    DataExport,
    ExportQuery,
    MyAccessList,
    Revealed,
    RevealIn,
)
from chalicelib.personal.service import PersonalDataService

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})
CITY_ADMIN = frozenset({Role.CITY_ADMIN})


@route(bp, "/v1/residents/{resident_id}/reveal", method="POST", roles=STAFF_ROLES | {Role.VISITOR}, body=RevealIn)
def reveal(principal: Principal, resident_id: str, body: RevealIn) -> Revealed:
    """查看完整信息: a resident's full name or phone, with a reason (回电联系, 核实登记, 紧急情况, 巡访关爱).

    Staff only for residents of the communities they serve; city admins city-wide; a care visitor only the
    phone of a care subject assigned to them, for a visit (``care_visit``). Each reveal is one record of the
    access log, written before the value is opened; 30 a day per person (429 after).
    """
    request_id = str((bp.current_request.context or {}).get("requestId") or uuid.uuid4())
    return PersonalDataService(principal).reveal(resident_id, body, request_id)


@route(bp, "/v1/audit/personal-data", roles=CITY_ADMIN, query=AuditQuery)
def access_log(principal: Principal, query: AuditQuery) -> AccessPage:
    """个人信息查看记录: the month's reveals, newest first: ``?month=2026-12&limit=50&cursor=…``"""
    return PersonalDataService(principal).log(query.month, query.limit, query.cursor)


@route(bp, "/v1/audit/personal-data/export", roles=CITY_ADMIN, query=ExportQuery)
@documented(response=str, media="text/csv")
def access_log_csv(principal: Principal, query: ExportQuery) -> Response:
    """The month's access log as a CSV file (UTF-8, opens in spreadsheets): ``?month=2026-12``"""
    text, month = PersonalDataService(principal).log_csv(query.month)
    return Response(text, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="personal-data-access-{month}.csv"'})


@route(bp, "/v1/me/data-access", roles=RESIDENT)
def who_viewed_me(principal: Principal) -> MyAccessList:
    """谁查看了我的信息: when staff saw your full name or phone, who, and why; newest first."""
    return PersonalDataService(principal).who_viewed_me()


@route(bp, "/v1/me/export", roles=RESIDENT)
def export(principal: Principal) -> DataExport:
    """导出我的信息: everything held about you, as one JSON document (your own household only)."""
    return PersonalDataService(principal).export()


@route(bp, "/v1/me/closure", method="POST", roles=RESIDENT, body=ClosureIn)
def close_account(principal: Principal, body: ClosureIn) -> ClosureReport:
    """注销账号: erase your name, phone and household membership and delete your sign-in, for good.

    Requests, ratings and votes stay, anonymised (已注销用户), so the community's figures do not change.
    """
    return PersonalDataService(principal).close(body)
