"""Alerts: staff list and handle them; residents follow their household's; everyone reads their inbox."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.alerts.inputs import AckIn, AlertQuery, CommentIn, InboxQuery, MyAlertQuery, ResolveIn
from chalicelib.alerts.models import Alert, AlertPage, NotificationPage
from chalicelib.alerts.service import AlertService
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.routing import parse_body, parse_query, route

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})
VIEWERS = STAFF_ROLES | RESIDENT


@route(bp, "/v1/alerts", roles=STAFF_ROLES)
def alerts(principal: Principal) -> AlertPage:
    """``?state=open&severity=critical&scope=<street|community|grid|building|household>&limit=50&cursor=…``"""
    q = parse_query(bp.current_request, AlertQuery)
    return AlertService(principal.tenant).in_scope(principal, q)


@route(bp, "/v1/alerts/{alert_id}", roles=VIEWERS)
def alert(principal: Principal, alert_id: str) -> Alert:
    return AlertService(principal.tenant).get(principal, alert_id)


@route(bp, "/v1/alerts/{alert_id}/acknowledge", method="POST", roles=STAFF_ROLES)
def acknowledge(principal: Principal, alert_id: str) -> Alert:
    body = parse_body(bp.current_request, AckIn, optional=True)
    return AlertService(principal.tenant).acknowledge(principal, alert_id, body.note)


@route(bp, "/v1/alerts/{alert_id}/resolve", method="POST", roles=STAFF_ROLES)
def resolve(principal: Principal, alert_id: str) -> Alert:
    body = parse_body(bp.current_request, ResolveIn, optional=True)
    return AlertService(principal.tenant).resolve(principal, alert_id, body.note)


@route(bp, "/v1/alerts/{alert_id}/comments", method="POST", roles=VIEWERS, status=201)
def comment(principal: Principal, alert_id: str) -> Alert:
    body = parse_body(bp.current_request, CommentIn)
    return AlertService(principal.tenant).comment(principal, alert_id, body.text)


@route(bp, "/v1/me/alerts", roles=RESIDENT)
def my_alerts(principal: Principal) -> AlertPage:
    """Alerts of the caller's verified household: ``?state=open&severity=…&limit&cursor``"""
    q = parse_query(bp.current_request, MyAlertQuery)
    return AlertService(principal.tenant).mine(principal, q)


@route(bp, "/v1/me/notifications", roles=VIEWERS)
def notifications(principal: Principal) -> NotificationPage:
    """The caller's inbox, newest first: ``?limit=50&cursor=…``"""
    q = parse_query(bp.current_request, InboxQuery)
    return AlertService(principal.tenant).notifications(principal, q)
