"""Alert SMS and calls: people set their channels and quiet hours, city admins read the outbox, and the
SMS's one-time link acknowledges an alert without signing in."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.notify.models import LinkAck, LinkCode, LinkView, NotifySettings, OutboxPage, OutboxQuery
from chalicelib.notify.service import Links, my_settings, outbox, set_my_settings

bp = Blueprint(__name__)
PEOPLE = STAFF_ROLES | {Role.RESIDENT}


@route(bp, "/v1/me/notification-settings", roles=PEOPLE)
def settings(principal: Principal) -> NotifySettings:
    """The caller's alert channels (SMS, voice calls) and quiet hours; the defaults until set."""
    return my_settings(principal)


@route(bp, "/v1/me/notification-settings", method="PUT", roles=PEOPLE, body=NotifySettings)
def put_settings(principal: Principal, body: NotifySettings) -> NotifySettings:
    """Set the caller's channels and quiet hours (critical alerts are texted in quiet hours too)."""
    return set_my_settings(principal, body)


@route(bp, "/v1/notifications/outbox", roles={Role.CITY_ADMIN}, query=OutboxQuery)
def city_outbox(principal: Principal, query: OutboxQuery) -> OutboxPage:
    """The city's alert SMS and calls of a day, newest first: sent, failed or skipped, and why."""
    return outbox(principal.tenant, query.day, query.limit, query.cursor)


@route(bp, "/v1/alert-links/{code}", public=True)
@documented(raises=[400, 404])  # a code of the wrong shape; unknown, expired or of a city not active
def link(code: str) -> LinkView:
    """What an SMS's one-time link is about (no personal data), and whether it was used."""
    return Links(LinkCode(code=code).code).view()


@route(bp, "/v1/alert-links/{code}", method="POST", public=True, body=LinkAck)
@documented(raises=[404, 409])  # unknown or expired; used already
def use_link(code: str, body: LinkAck) -> LinkView:
    """我去看看 / 已联系上 from the SMS: acknowledges the alert in the texted person's name, once."""
    return Links(LinkCode(code=code).code).use(body.action)
