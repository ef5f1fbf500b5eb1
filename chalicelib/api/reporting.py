"""一表通: the monthly community report of the city's information-sharing list — read, downloaded, submitted."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.reporting.models import FileQuery, Report, ReportFile, ReportQuery, ReportRow, SubmitIn
from chalicelib.reporting.service import ReportService

bp = Blueprint(__name__)


@route(bp, "/v1/reports/monthly", roles=STAFF_ROLES, query=ReportQuery)
@documented(raises=[400])  # a month not begun yet
def monthly(principal: Principal, query: ReportQuery) -> Report:
    """一表通: the month's figures of the city's 社区信息共享清单 for each of the caller's communities (a submitted
    one as it was submitted), rolled up to street, district and the total, with who has submitted:
    ``?month=2026-11`` (default: last month)."""
    return ReportService(principal).build(query)


@route(bp, "/v1/reports/monthly/file", roles=STAFF_ROLES, query=FileQuery)
@documented(raises=[400])
def monthly_file(principal: Principal, query: FileQuery) -> ReportFile:
    """The same report as a file — ``?month=2026-11&format=xlsx`` (a sheet per level, and the figures'
    definitions) or ``format=csv`` — behind a link valid for ten minutes."""
    return ReportService(principal).file(query, query.format)


@route(bp, "/v1/reports/monthly/communities/{community_id}/submission", method="POST", roles=STAFF_ROLES,
       status=201, body=SubmitIn)
@documented(raises=[404, 409])  # 409: submitted already
def submit(principal: Principal, community_id: str, body: SubmitIn) -> ReportRow:
    """报送: lock the community's report of a finished month as it stands now (who, when); the street sees it
    submitted, and the report shows these figures from then on."""
    return ReportService(principal).submit(community_id, body)
