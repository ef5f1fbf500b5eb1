"""垃圾分类积分: residents see their points and bind cards; staff redeem points for goods and keep stock."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.points.models import (
    Credential,
    CredentialIn,
    Diversion,
    Household,
    LedgerPage,
    LookupIn,
    MonthQuery,
    PageQuery,
    PointsSummary,
    Receipt,
    RedemptionIn,
    Stock,
    StockIn,
)
from chalicelib.points.service import PointsService

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})
HOUSEHOLD = "/v1/points/households/{household_id}"
STATION = "/v1/points/stations/{service_point_id}/stock"


@route(bp, "/v1/me/points", roles=RESIDENT)
@documented(raises=[403, 404])  # not verified yet / not registered
def mine(principal: Principal) -> PointsSummary:
    """My household's points: balance, today against the daily cap, this month by category, cards, the
    latest entries, the building's ranking this month, the rules and what points buy."""
    return PointsService(principal).mine()


@route(bp, "/v1/me/points/ledger", roles=RESIDENT, query=PageQuery)
@documented(raises=[403, 404])
def my_ledger(principal: Principal, query: PageQuery) -> LedgerPage:
    """My household's points history, newest first: ``?limit=20&cursor=…``"""
    return PointsService(principal).my_ledger(query)


@route(bp, "/v1/me/points/cards", method="POST", roles=RESIDENT, status=201, body=CredentialIn)
@documented(raises=[403, 404, 409])  # 409: bound to another household, or 10 already
def bind_mine(principal: Principal, body: CredentialIn) -> Credential:
    """Bind a card or a phone number to my household: drops identified by it earn our points."""
    return PointsService(principal).bind_mine(body)


@route(bp, "/v1/me/points/cards/{credential_id}", method="DELETE", roles=RESIDENT)
@documented(raises=[403, 404])
def unbind_mine(principal: Principal, credential_id: str) -> PointsSummary:
    """Unbind a card or phone (lost card): its drops earn nothing from now on."""
    return PointsService(principal).unbind_mine(credential_id)


@route(bp, HOUSEHOLD, roles=STAFF_ROLES)
@documented(raises=[404])
def household(principal: Principal, household_id: str) -> PointsSummary:
    """A household's points (staff of its community, city admins)."""
    return PointsService(principal).household(household_id)


@route(bp, HOUSEHOLD + "/ledger", roles=STAFF_ROLES, query=PageQuery)
@documented(raises=[404])
def household_ledger(principal: Principal, household_id: str, query: PageQuery) -> LedgerPage:
    """A household's points history, newest first."""
    return PointsService(principal).household_ledger(household_id, query)


@route(bp, HOUSEHOLD + "/cards", method="POST", roles=STAFF_ROLES, status=201, body=CredentialIn)
@documented(raises=[404, 409])
def bind_for(principal: Principal, household_id: str, body: CredentialIn) -> Credential:
    """Issue a household card (or bind a phone) at the community office."""
    return PointsService(principal).bind_for(household_id, body)


@route(bp, HOUSEHOLD + "/cards/{credential_id}", method="DELETE", roles=STAFF_ROLES)
@documented(raises=[404])
def unbind_for(principal: Principal, household_id: str, credential_id: str) -> PointsSummary:
    """Unbind a household's card or phone."""
    return PointsService(principal).unbind_for(household_id, credential_id)


@route(bp, "/v1/points/lookup", method="POST", roles=STAFF_ROLES, body=LookupIn)
@documented(raises=[404])
def lookup(principal: Principal, body: LookupIn) -> Household:
    """The household a card or phone is bound to (the redemption counter), with its balance."""
    return PointsService(principal).lookup(body)


@route(bp, "/v1/points/redemptions", method="POST", roles=STAFF_ROLES, status=201, body=RedemptionIn)
@documented(raises=[403, 404, 409])  # 409: not enough points (`points`) or stock (`items.N.quantity`)
def redeem(principal: Principal, body: RedemptionIn) -> Receipt:
    """Redeem a household's points for goods at a service point: points, stock, ledger and receipt in one
    transaction — never a negative balance, never more than is in stock."""
    return PointsService(principal).redeem(body)


@route(bp, STATION, roles=STAFF_ROLES)
@documented(raises=[404, 409])
def stock(principal: Principal, service_point_id: str) -> Stock:
    """Goods on hand at a service point and its latest receipts."""
    return PointsService(principal).stock(service_point_id)


@route(bp, STATION, method="POST", roles=STAFF_ROLES, body=StockIn)
@documented(raises=[404, 409])  # 409: a write-off larger than the stock
def restock(principal: Principal, service_point_id: str, body: StockIn) -> Stock:
    """Goods received (``add`` > 0) or written off (``add`` < 0) at a service point."""
    return PointsService(principal).restock(service_point_id, body)


@route(bp, "/v1/points/diversion", roles=STAFF_ROLES, query=MonthQuery)
def diversion(principal: Principal, query: MonthQuery) -> Diversion:
    """垃圾分类减量: kg by category, deposits, points earned and redeemed per community in a month."""
    return PointsService(principal).diversion(query.month)
