"""Alerts: staff list and handle them; residents follow their household's; everyone reads their inbox."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice import Blueprint

from chalicelib.alerts.inputs import AckIn, AlertQuery, CommentIn, InboxQuery, MyAlertQuery, ResolveIn, StatsQuery
from chalicelib.alerts.models import Alert, AlertPage, NotificationPage
from chalicelib.alerts.service import AlertService
from chalicelib.alerts.stats import AlertStats, AlertStatsView
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import parse_body, route
from chalicelib.photos import PhotoUpload, PhotoUploadIn

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})
VIEWERS = STAFF_ROLES | RESIDENT


@route(bp, "/v1/alerts", roles=STAFF_ROLES, query=AlertQuery)
@documented(raises=[404])  # a scope naming no place of the city
def alerts(principal: Principal, query: AlertQuery) -> AlertPage:
    """告警: alerts by state and severity under a place, paged.

    ``?state=open&severity=critical&scope=<street|community|grid|building|household>&limit=50&cursor=…``
    """
    return AlertService(principal.tenant).in_scope(principal, query)


@route(bp, "/v1/alerts/{alert_id}", roles=VIEWERS)
def alert(principal: Principal, alert_id: str) -> Alert:
    """One alert with its timeline (who, when, notes)."""
    return AlertService(principal.tenant).get(principal, alert_id)


@route(bp, "/v1/alerts/{alert_id}/acknowledge", method="POST", roles=STAFF_ROLES)
@documented(body=AckIn, body_required=False)
def acknowledge(principal: Principal, alert_id: str) -> Alert:
    """确认: acknowledge an alert (optional ``note``); stops its escalation."""
    body = parse_body(bp.current_request, AckIn, optional=True)
    return AlertService(principal.tenant).acknowledge(principal, alert_id, body.note)


@route(bp, "/v1/alerts/{alert_id}/resolve", method="POST", roles=STAFF_ROLES)
@documented(body=ResolveIn)
def resolve(principal: Principal, alert_id: str) -> Alert:
    """处置完毕: resolve an alert, saying what was found and done (``note``)."""
    body = parse_body(bp.current_request, ResolveIn, optional=True)  # no body: 400 naming ``note``
    return AlertService(principal.tenant).resolve(principal, alert_id, body.note, body.outcome, body.photo_keys)


@route(bp, "/v1/alert-stats", roles=STAFF_ROLES, query=StatsQuery)
def alert_stats(principal: Principal, query: StatsQuery) -> AlertStatsView:
    """误报率: alerts closed by a person in a month (``?month=YYYY-MM``, default this month) and the share
    that were false alarms, per device type and per community."""
    return AlertStats(principal.tenant).month(query.month or datetime.now(UTC).strftime("%Y-%m"))


@route(bp, "/v1/alerts/{alert_id}/comments", method="POST", roles=VIEWERS, status=201, body=CommentIn)
def comment(principal: Principal, alert_id: str, body: CommentIn) -> Alert:
    """Add a comment to an alert's timeline, at any time."""
    return AlertService(principal.tenant).comment(principal, alert_id, body.text, body.photo_keys)


@route(bp, "/v1/alerts/photo-uploads", method="POST", roles=STAFF_ROLES, status=201, body=PhotoUploadIn)
def alert_photo_upload(principal: Principal, body: PhotoUploadIn) -> PhotoUpload:
    """A presigned POST for one photo taken on site (JPEG, PNG, WebP or HEIC, ≤ 5 MB) under the city's
    alert photos, valid 5 minutes; name its ``key`` in ``photo_keys`` when resolving or commenting."""
    return AlertService(principal.tenant).photo_upload(body.content_type, datetime.now(UTC))


@route(bp, "/v1/me/alerts", roles=RESIDENT, query=MyAlertQuery)
def my_alerts(principal: Principal, query: MyAlertQuery) -> AlertPage:
    """Alerts of the caller's verified household: ``?state=open&severity=…&limit&cursor``"""
    return AlertService(principal.tenant).mine(principal, query)


@route(bp, "/v1/me/notifications", roles=VIEWERS, query=InboxQuery)
def notifications(principal: Principal, query: InboxQuery) -> NotificationPage:
    """The caller's inbox, newest first: ``?limit=50&cursor=…``"""
    return AlertService(principal.tenant).notifications(principal, query)
