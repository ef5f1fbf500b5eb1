"""Reports: the city dashboard (一屏统览) for city admins, and for staff over their communities."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.http.routing import route
from chalicelib.reports.models import Dashboard, DashboardQuery
from chalicelib.reports.service import DashboardService

bp = Blueprint(__name__)


@route(bp, "/v1/dashboard", roles=STAFF_ROLES, query=DashboardQuery)
def dashboard(principal: Principal, query: DashboardQuery) -> Dashboard:
    """一屏统览: requests, rates, alerts, devices and communities of a month, ``?month=2026-11``.

    City admins see the whole city; staff see the communities they serve (and the department row of
    their own department). Requests count by month of filing; alerts and devices are as of now.
    """
    return DashboardService(principal).build(query)
