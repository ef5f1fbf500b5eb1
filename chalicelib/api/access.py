"""门禁 / 群租: the community's 疑似群租 leads from entrance passages, and staff's decisions on them."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.access.models import ConfirmIn, DismissIn, LeadDetail, LeadPage, LeadQuery
from chalicelib.access.service import LeadService
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route

bp = Blueprint(__name__)
LEADS = "/v1/rental-leads"


@route(bp, LEADS, roles=STAFF_ROLES, query=LeadQuery)
@documented(raises=[404])  # a community outside the caller's area
def leads(principal: Principal, query: LeadQuery) -> LeadPage:
    """疑似群租 leads of a community (``?community_id=…&status=open|confirmed|dismissed|all``): open first, the
    latest evidence first; with the counts by status and the city's thresholds. Evidence is counts only."""
    return LeadService(principal).leads(query)


@route(bp, LEADS + "/{household_id}", roles=STAFF_ROLES)
@documented(raises=[404])
def lead(principal: Principal, household_id: str) -> LeadDetail:
    """One household's lead, with its last weeks of entrance passages (counts per day)."""
    return LeadService(principal).get(household_id)


@route(bp, LEADS + "/{household_id}/confirmation", method="POST", roles=STAFF_ROLES, body=ConfirmIn)
@documented(raises=[404, 409])  # 409: the lead is not open
def confirm(principal: Principal, household_id: str, body: ConfirmIn) -> LeadDetail:
    """核实为群租 after a visit: the day, the people found, what was done."""
    return LeadService(principal).confirm(household_id, body)


@route(bp, LEADS + "/{household_id}/dismissal", method="POST", roles=STAFF_ROLES, body=DismissIn)
@documented(raises=[404, 409])
def dismiss(principal: Principal, household_id: str, body: DismissIn) -> LeadDetail:
    """排除 with a reason; the lead stays quiet for the city's ``dismissed_quiet_days`` whatever the passages."""
    return LeadService(principal).dismiss(household_id, body)
