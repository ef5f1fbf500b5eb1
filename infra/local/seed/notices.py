"""Demo notices and emergency broadcasts, published by the staff who would have, at times relative
to now, then read by residents and followed up by staff (so receipts show read and unread households)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.notices.inputs import FollowupIn, NoticeIn, NoticeQuery
from chalicelib.notices.listing import NoticeListing
from chalicelib.notices.reading import ReadingService
from chalicelib.notices.receipts import ReceiptService
from chalicelib.notices.service import NoticeService
from chalicelib.store.base import now
from infra.local.seed import SeedContext


class DemoFollowup(FollowupIn):
    by: str


class DemoNotice(NoticeIn):
    model_config = ConfigDict(extra="forbid")

    by: str = Field(description="the staff user who publishes it")
    hours_ago: float = Field(default=0, ge=0, description="published this long before the seeding")
    valid_hours: float | None = Field(default=None, gt=0, description="valid for this long; open-ended if absent")
    read_by: list[str] = Field(default_factory=list, description="residents who marked it read, an hour apart")
    followups: list[DemoFollowup] = Field(default_factory=list)


class NoticesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notices: list[DemoNotice]


def _at(moment: datetime) -> Any:
    return lambda: moment


def apply(ctx: SeedContext, data: Any) -> int:
    spec = NoticesFile.model_validate(data)
    admin = ctx.admin()
    present = {n.title.zh for n in NoticeListing(admin).in_area(NoticeQuery(limit=100)).items}
    written, start = 0, now()
    for n in spec.notices:
        if n.title.zh in present:
            continue  # seeded by an earlier run against the same moto
        published = start - timedelta(hours=n.hours_ago)
        body = NoticeIn.model_validate({
            **n.model_dump(mode="json", include=set(NoticeIn.model_fields), exclude_none=True),
            **({"valid_until": (published + timedelta(hours=n.valid_hours)).isoformat()} if n.valid_hours else {})})
        notice = NoticeService(ctx.principal(n.by), clock=_at(published)).publish(body)
        for hour, username in enumerate(n.read_by, start=1):
            ReadingService(ctx.principal(username), clock=_at(published + timedelta(hours=hour))).mark_read(
                notice.notice_id)
        for hour, f in enumerate(n.followups, start=len(n.read_by) + 1):
            ReceiptService(ctx.principal(f.by), clock=_at(published + timedelta(hours=hour))).followup(
                notice.notice_id, FollowupIn.model_validate(f.model_dump(exclude={"by"})))
        written += 1 + len(n.read_by) + len(n.followups)
    return written
