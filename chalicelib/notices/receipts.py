"""Use cases of staff on an emergency broadcast's receipts: totals, the unread (or read) households
with their members' names masked, and follow-ups made offline (保留线下渠道)."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.notices.access import NoticeAccess
from chalicelib.notices.documents import iso
from chalicelib.notices.inputs import FollowupIn, ReceiptQuery
from chalicelib.notices.models import Category, HouseholdReceipt, Receipts
from chalicelib.notices.repository import Stored
from chalicelib.store.base import encode_cursor


def _receipt(d: dict[str, Any], names: dict[str, str], buildings: dict[str, dict[str, str]]) -> HouseholdReceipt:
    return HouseholdReceipt(
        household_id=d["household_id"], building_id=d["building_id"], building_name=buildings.get(d["building_id"]),
        unit=int(d["unit"]), room=d["room"],
        members=[names[u] for u in d.get("members", []) if names.get(u)], delivered_at=d["delivered_at"],
        read_at=d.get("read_at"), read_by=d.get("read_by"), read_via=d.get("read_via"),
        followups=list(d.get("followups") or []))


class ReceiptService(NoticeAccess):
    def _broadcast(self, notice_id: str) -> Stored:
        stored = self.seen_by_staff(notice_id)
        if stored.doc["category"] != Category.EMERGENCY.value:
            raise Conflict("receipts are kept per household for emergency broadcasts only; "
                           "other notices count their readers in stats", field="notice_id")
        return stored

    def receipts(self, notice_id: str, q: ReceiptQuery) -> Receipts:
        """Totals of the whole broadcast; the households listed are those of the caller's communities."""
        stored = self._broadcast(notice_id)
        docs, last = self.deliveries.page(notice_id, q.state, q.limit, q.cursor, self.served())
        names = self.deliveries.masked_names([u for d in docs for u in d.get("members", [])])
        buildings = self.tenancy.names("building", {d["building_id"] for d in docs})  # one BatchGetItem a page
        total, read = stored.households, stored.households_read
        return Receipts(notice_id=notice_id, households=total, read=read, unread=total - read,
                        read_rate=round(read / total, 4) if total else 0.0, state=q.state,
                        items=[_receipt(d, names, buildings) for d in docs], next_cursor=encode_cursor(last))

    def followup(self, notice_id: str, body: FollowupIn) -> HouseholdReceipt:
        """Record how staff reached a household; an unread household counts as read from now on."""
        stored = self._broadcast(notice_id)
        if stored.doc["status"] == "withdrawn":
            raise Conflict("this broadcast is withdrawn", field="notice_id")
        delivery = self.deliveries.delivery(notice_id, body.household_id)
        if delivery is None:
            raise NotFound("this broadcast was not delivered to that household", field="household_id")
        served = self.served()
        if served is not None and delivery["community_id"] not in served:
            raise Forbidden("this household is outside your area", field="household_id")
        at = iso(self.clock())
        entry = {"method": body.method.value, "note": body.note, "by": self.principal.username, "at": at}
        self.deliveries.add_followup(notice_id, body.household_id, entry)
        if delivery.get("read_at") is None:
            self.deliveries.mark_household(notice_id, delivery, at, self.principal.username, body.method.value)
        fresh = self.deliveries.delivery(notice_id, body.household_id) or delivery
        return _receipt(fresh, self.deliveries.masked_names(list(fresh.get("members", []))),
                        self.tenancy.names("building", [fresh["building_id"]]))
