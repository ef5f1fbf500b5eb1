"""Bilingual notification text, Chinese first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

DEVICE_NAMES = {
    "smoke": ("烟感", "smoke detector"), "gas": ("燃气探测器", "gas detector"),
    "water_leak": ("漏水传感器", "leak sensor"), "door": ("门磁", "door sensor"),
    "power_meter": ("智能电表", "power meter"), "wristband": ("智能手环", "wristband"),
    "smart_bin": ("智能垃圾箱", "smart bin"), "sorting_bin": ("智能分类回收箱", "sorting bin"),
    "access_control": ("单元门禁", "entrance access control"),
    "air_quality": ("空气质量监测仪", "air-quality monitor"),
    "noise": ("噪声监测仪", "noise monitor"), "elevator": ("电梯", "elevator"), "manhole": ("井盖", "manhole cover"),
    "report": ("居民报事", "resident report"), "care_visit": ("巡访计划", "visit plan"),
}
SEVERITY_NAMES = {"critical": ("紧急", "critical"), "warning": ("警告", "warning"), "info": ("提示", "info")}
LEVEL_NAMES = {1: ("网格", "grid"), 2: ("社区", "community"), 3: ("市级", "city")}


def duration(span: timedelta) -> tuple[str, str]:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0:
        return f"{minutes // 60}小时", f"{minutes // 60} h"
    return f"{minutes}分钟", f"{minutes} min"


def text(doc: dict[str, Any], level: int, waited: timedelta | None = None) -> dict[str, str]:
    place = doc.get("household_id") or doc.get("building_id") or doc.get("grid_id") or doc["community_id"]
    dev_zh, dev_en = DEVICE_NAMES.get(doc["device_type"], (doc["device_type"], doc["device_type"]))
    sev_zh, sev_en = SEVERITY_NAMES.get(doc["severity"], (doc["severity"], doc["severity"]))
    name = doc.get("rule_name") or {"zh": doc["rule_id"], "en": doc["rule_id"]}
    zh = f"【{sev_zh}】{place} {dev_zh}（{doc['device_id']}）：{name['zh']}，请尽快处理。"
    en = f"[{sev_en}] {dev_en} {doc['device_id']} at {place}: {name['en']}. Please respond."
    if level > 1 and waited is not None:
        lvl_zh, lvl_en = LEVEL_NAMES[level]
        w_zh, w_en = duration(waited)
        zh += f"{w_zh}内无人确认，已升级至{lvl_zh}（第{level}级）。"
        en += f" Not acknowledged within {w_en}; escalated to {lvl_en} (level {level})."
    return {"zh": zh, "en": en}
