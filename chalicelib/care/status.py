"""Safety status of care subjects: open alerts of their devices, last activity, a plain-language
summary and who to call. Alerts come from the alert index (one Query per state × severity over
the household's — or, for a community's list, the community's — path prefix)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.alerts import listing
from chalicelib.alerts.access import prefix
from chalicelib.alerts.models import ACTIVE, Bilingual, Severity
from chalicelib.alerts.repository import AlertRepository
from chalicelib.care.activity import Activity
from chalicelib.care.status_models import AlertBrief, CallAction, Summary
from chalicelib.tenancy.models import StaffRole
from chalicelib.tenancy.service import TenantService

NO_EXIT = timedelta(hours=24)  # 未出门: as the door.no_exit_24h rule
SOS_RULES = frozenset({"wristband.sos", "wristband.fall", "wristband.sos_repeated"})
MAX_ALERTS = 200
Doc = dict[str, Any]


def household_prefix(doc: Doc) -> str:
    return prefix([*doc["path"], doc["household_id"]])


def open_alerts(repo: AlertRepository, place_prefix: str) -> list[Doc]:
    """Open and acknowledged alerts under a place, oldest place first."""
    partitions = [repo.tenant.alerts_pk(s.value, v.value) for s in ACTIVE for v in Severity]
    docs, _ = listing.page(repo.range, partitions, [place_prefix], MAX_ALERTS, None)
    return docs


def brief(alert: Doc) -> AlertBrief:
    return AlertBrief.model_validate(alert)


def _name(alert: Doc) -> tuple[str, str]:
    name = alert.get("rule_name") or {}
    return name.get("zh") or alert["rule_id"], name.get("en") or alert["rule_id"]


def _when(at: datetime, now: datetime, tz: ZoneInfo) -> tuple[str, str]:
    local, today = at.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return f"今天 {clock}", f"today at {clock}"
    if local.date() == today - timedelta(days=1):
        return f"昨天 {clock}", f"yesterday at {clock}"
    return f"{local.month}月{local.day}日 {clock}", f"on {local:%Y-%m-%d} at {clock}"


def assess(alerts: list[Doc], activity: Activity, has_door: bool, now: datetime,
           tz: ZoneInfo) -> tuple[Summary, Bilingual]:
    """The summary and its message, most urgent reason first."""
    critical = [a for a in alerts if a["severity"] == Severity.CRITICAL.value]
    if critical:
        zh, en = _name(critical[-1])
        return Summary.ALERT, Bilingual(zh=f"紧急告警：{zh}，请立即联系", en=f"Emergency alert: {en}. Call now")
    if alerts:
        zh, en = _name(alerts[-1])
        return Summary.ATTENTION, Bilingual(zh=f"有待处理的提醒：{zh}", en=f"Needs attention: {en}")
    if has_door and activity.door is None:
        return Summary.ATTENTION, Bilingual(zh="还没有收到门磁的开门记录，请确认老人是否安好",
                                            en="No door opening recorded yet: please check on them")
    if has_door and activity.door is not None and now - activity.door > NO_EXIT:
        zh, en = _when(activity.door, now, tz)
        return Summary.ATTENTION, Bilingual(zh=f"超过24小时未检测到开门（最近一次：{zh}）",
                                            en=f"No door activity for over 24 hours (last {en})")
    if activity.last is None:
        return Summary.ATTENTION, Bilingual(zh="尚未收到设备数据", en="No data from the devices yet")
    if activity.door is not None:
        zh, en = _when(activity.door, now, tz)
        return Summary.OK, Bilingual(zh=f"{zh} 有开门活动", en=f"Door activity {en}")
    zh, en = _when(activity.last, now, tz)
    return Summary.OK, Bilingual(zh=f"{zh} 设备有活动数据", en=f"Device activity {en}")


def actions(tenancy: TenantService, doc: Doc, alerts: list[Doc]) -> list[CallAction]:
    """Who to call: 120 on an SOS or fall, the grid worker, the community service centre."""
    out: list[CallAction] = []
    if any(a["rule_id"] in SOS_RULES for a in alerts):
        out.append(CallAction(kind="emergency", phone="120",
                              label=Bilingual(zh="一键呼救：请立即拨打120", en="SOS: call 120 now")))
    staff = [u for u in tenancy.repo.list_type("user") if u.get("role") == StaffRole.STAFF.value
             and doc["community_id"] in u.get("communities", [])]
    workers = [u for u in staff if doc.get("grid_id") in u.get("grids", [])] or staff
    out += [CallAction(kind="grid_worker", name=u["name"], phone=u.get("phone"),  # the work phone on the board
                       label=Bilingual(zh="联系网格员", en="Call the grid worker")) for u in workers[:2]]
    centre = tenancy.repo.first_of(("department",), "community-service")
    if centre and centre.get("phone"):
        out.append(CallAction(kind="community", phone=centre["phone"],
                              label=Bilingual(zh="社区服务中心", en="Community service centre")))
    return out


def zone(tenancy: TenantService) -> ZoneInfo:
    return tenancy.zone()


Clock = Callable[[], datetime]
