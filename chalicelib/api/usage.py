"""Usage metering (用量): a city admin reads their own city's usage, costs and quota use."""

from __future__ import annotations

from chalice import Blueprint
from pydantic import BaseModel

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.http.routing import route
from chalicelib.usage.models import UsageQuery, UsageReport
from chalicelib.usage.service import usage_report

bp = Blueprint(__name__)


@route(bp, "/v1/usage", roles={Role.CITY_ADMIN}, query=UsageQuery)
def my_usage(principal: Principal, query: BaseModel) -> UsageReport:
    """The caller's city's usage per day, totals, estimated AWS cost and quota use.

    ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (UTC days, at most 366; default: this month so far). The city
    is the caller's, from the token.
    """
    return usage_report(principal.tenant, query)
