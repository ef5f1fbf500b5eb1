"""Alert SMS and calls: people set their channels and quiet hours, city admins read the outbox, and the
SMS's one-time link acknowledges an alert without signing in."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.notify.models import (
    LinkAck,
    LinkCode,
    LinkView,
    NotifySettings,
    OutboxPage,
    OutboxQuery,
    PushDevice,
    PushDeviceList,
    PushKey,
    PushSubscriptionIn,
)
from chalicelib.notify.service import (
    Links,
    my_push_devices,
    my_settings,
    outbox,
    push_key,
    set_my_settings,
    subscribe_push,
    unsubscribe_push,
)

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


@route(bp, "/v1/push/key", roles=PEOPLE)
def vapid_key(principal: Principal) -> PushKey:
    """The deployment's VAPID public key, for ``pushManager.subscribe`` (applicationServerKey)."""
    return push_key()


@route(bp, "/v1/me/push-subscriptions", roles=PEOPLE)
def push_devices(principal: Principal) -> PushDeviceList:
    """The caller's devices that receive alert pushes."""
    return my_push_devices(principal)


@route(bp, "/v1/me/push-subscriptions", method="POST", roles=PEOPLE, body=PushSubscriptionIn, status=201)
def add_push_device(principal: Principal, body: PushSubscriptionIn) -> PushDevice:
    """Subscribe this device to alert pushes (at most 10 devices; the same endpoint again is replaced)."""
    return subscribe_push(principal, body)


@route(bp, "/v1/me/push-subscriptions/{sub_id}", method="DELETE", roles=PEOPLE)
@documented(raises=[404])  # not one of the caller's devices
def remove_push_device(principal: Principal, sub_id: str) -> PushDeviceList:
    """Stop pushes to one of the caller's devices; the devices left."""
    unsubscribe_push(principal, sub_id)
    return my_push_devices(principal)
