"""The CloudFormation merged into ``chalice package``: ``template.json`` plus every
``template.d/*.json`` fragment (IoT, queues, …), deep-merged in name order, plus the topic
rules generated from iot/rules.py. Keeping areas in their own fragments keeps each
readable; consumers see one template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

INFRA = Path(__file__).resolve().parent


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def merged() -> dict[str, Any]:
    tpl: dict[str, Any] = json.loads((INFRA / "template.json").read_text(encoding="utf-8"))
    for part in sorted((INFRA / "template.d").glob("*.json")):
        _merge(tpl, json.loads(part.read_text(encoding="utf-8")))
    from infra.iot_rules import fragment  # generated from iot/rules.py

    _merge(tpl, fragment())
    return tpl


def write_merged(path: Path) -> Path:
    path.write_text(json.dumps(merged(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path
