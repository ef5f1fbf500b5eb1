"""The SMS and the voice call's words, from the city's templates (manifest ``notifications``).

Chinese only: the people texted are in the city, and a Chinese SMS of up to 70 characters is one
segment (a link of ~50 ASCII characters makes it two; the text is cut to keep it within two).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.alerts.messages import DEVICE_NAMES, SEVERITY_NAMES, duration
from chalicelib.alerts.routing import ESCALATE_AFTER
from chalicelib.errors import NotFound
from chalicelib.tenancy.models import Notifications
from chalicelib.tenancy.service import TenantService

SMS_MAX = 134  # two segments of a UCS-2 SMS (67 characters each)


class Places:
    """Community and building names (荆胡社区3号楼), each read once."""

    def __init__(self, tenancy: TenantService) -> None:
        self.tenancy = tenancy
        self.names: dict[tuple[str, str], str] = {}

    def name(self, kind: str, node_id: str) -> str:
        if (kind, node_id) not in self.names:
            try:
                self.names[kind, node_id] = self.tenancy.node(kind, node_id)["name"]["zh"]
            except NotFound:  # a place retired meanwhile: its id still says where
                self.names[kind, node_id] = node_id
        return self.names[kind, node_id]

    def of(self, doc: dict[str, Any]) -> str:
        return "".join(self.name(kind, doc[key]) for kind, key in (("community", "community_id"),
                                                                    ("building", "building_id")) if doc.get(key))


def fields(doc: dict[str, Any], settings: Notifications, where: str, tz: str, level: int, link: str) -> dict[str, str]:
    raised = datetime.fromisoformat(doc["opened_at"]).astimezone(ZoneInfo(tz))
    rule = (doc.get("rule_name") or {}).get("zh") or doc["rule_id"]
    waited = duration(ESCALATE_AFTER[doc["severity"]] * max(1, level - 1))[0]
    return {"sender": settings.sms_sender, "severity": SEVERITY_NAMES.get(doc["severity"], ("", ""))[0],
            "place": where, "device": DEVICE_NAMES.get(doc["device_type"], (doc["device_type"], ""))[0],
            "rule": rule, "time": f"{raised.month}月{raised.day}日{raised:%H:%M}", "waited": waited, "link": link}


def sms(settings: Notifications, values: dict[str, str]) -> str:
    """The SMS: when too long, the place and then the rule are shortened, never the link."""
    text = settings.sms_template.format(**values)
    for key in ("place", "rule"):
        over = len(text) - SMS_MAX
        if over <= 0:
            break
        values = {**values, key: values[key][:max(2, len(values[key]) - over)]}
        text = settings.sms_template.format(**values)
    return text


def voice(settings: Notifications, values: dict[str, str]) -> str:
    return settings.voice_template.format(**{**values, "link": ""})

