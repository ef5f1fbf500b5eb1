"""Notices (村务公开) and emergency broadcasts (应急广播): staff publish, residents read, staff follow up."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import STAFF_ROLES, Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.notices.inputs import (
    FollowupIn,
    MyNoticeQuery,
    NoticeEdit,
    NoticeIn,
    NoticeQuery,
    ReceiptQuery,
    WithdrawIn,
)
from chalicelib.notices.listing import NoticeListing
from chalicelib.notices.models import HouseholdReceipt, MyNotices, Notice, NoticePage, Receipts
from chalicelib.notices.reading import ReadingService
from chalicelib.notices.receipts import ReceiptService
from chalicelib.notices.service import NoticeService

bp = Blueprint(__name__)
RESIDENT = frozenset({Role.RESIDENT})


@route(bp, "/v1/notices", method="POST", roles=STAFF_ROLES, status=201, body=NoticeIn)
def publish(principal: Principal, body: NoticeIn) -> Notice:
    """Publish a notice or an emergency broadcast to a place (city admins: the whole city)."""
    return NoticeService(principal).publish(body)


@route(bp, "/v1/notices", roles=STAFF_ROLES, query=NoticeQuery)
@documented(raises=[404])  # a scope_id naming no place of the city
def notices(principal: Principal, query: NoticeQuery) -> NoticePage:
    """Notices reaching the caller's area, newest first, withdrawn ones included."""
    return NoticeListing(principal).in_area(query)


@route(bp, "/v1/me/notices", roles=RESIDENT, query=MyNoticeQuery)
def my_notices(principal: Principal, query: MyNoticeQuery) -> MyNotices:
    """Live notices for the caller's home: pinned first, then newest first, with unread flags."""
    return ReadingService(principal).mine(query)


@route(bp, "/v1/notices/{notice_id}", roles=STAFF_ROLES | RESIDENT)
def notice(principal: Principal, notice_id: str) -> Notice:
    """One notice (residents: only a live one for their home)."""
    return NoticeService(principal).get(notice_id)


@route(bp, "/v1/notices/{notice_id}", method="PUT", roles=STAFF_ROLES, body=NoticeEdit)
def edit(principal: Principal, notice_id: str, body: NoticeEdit) -> Notice:
    """Edit a notice that is neither withdrawn nor expired; its revision goes up by one."""
    return NoticeService(principal).edit(notice_id, body)


@route(bp, "/v1/notices/{notice_id}/withdraw", method="POST", roles=STAFF_ROLES, body=WithdrawIn)
def withdraw(principal: Principal, notice_id: str, body: WithdrawIn) -> Notice:
    """Withdraw (撤回) a notice: residents no longer see it; staff still do."""
    return NoticeService(principal).withdraw(notice_id, body)


@route(bp, "/v1/notices/{notice_id}/read", method="POST", roles=RESIDENT)
def read(principal: Principal, notice_id: str) -> Notice:
    """Mark a notice read (idempotent); for a broadcast, this marks the household read."""
    return ReadingService(principal).mark_read(notice_id)


@route(bp, "/v1/notices/{notice_id}/receipts", roles=STAFF_ROLES, query=ReceiptQuery)
@documented(raises=[409])  # receipts are kept for emergency broadcasts only
def receipts(principal: Principal, notice_id: str, query: ReceiptQuery) -> Receipts:
    """An emergency broadcast's totals and its unread (or read) households, to follow up offline."""
    return ReceiptService(principal).receipts(notice_id, query)


@route(bp, "/v1/notices/{notice_id}/followups", method="POST", roles=STAFF_ROLES, status=201, body=FollowupIn)
def followup(principal: Principal, notice_id: str, body: FollowupIn) -> HouseholdReceipt:
    """Record an offline follow-up with a household (phone, visit, neighbour); it counts as read."""
    return ReceiptService(principal).followup(notice_id, body)
