"""A city's rules: the default profiles with its ``alert_rules`` applied.

Overrides replace fields of a default rule (``enabled``, ``severity``, any of ``params``);
``extra`` rules join the profile of their device type (the id's prefix). The result is
validated as whole profiles, so a bad override is reported like any manifest error.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from chalicelib.rules.models import AlertRules, DeviceProfile, Rule
from chalicelib.rules.profiles import load_profiles


@cache
def _rule() -> TypeAdapter[Any]:
    """A rule's validator, built when a city first overrides one (not at import: ~7 ms of a cold start)."""
    return TypeAdapter(Rule)


class OverrideError(ValueError):
    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        self.problems = problems


def effective_profiles(rules: AlertRules | None) -> list[DeviceProfile]:
    defaults = load_profiles()
    if rules is None or (not rules.overrides and not rules.extra):
        return list(defaults.values())
    by_type = {t: [r.model_dump(mode="json") for r in p.rules] for t, p in defaults.items()}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for n, o in enumerate(rules.overrides):
        device_type = o.id.split(".", 1)[0]
        target = next((r for r in by_type.get(device_type, []) if r["id"] == o.id), None)
        if target is None:
            problems.append((("alert_rules", "overrides", n, "id"), f"no default rule {o.id!r}"))
            continue
        if "id" in o.params or "kind" in o.params or "metric" in o.params:
            problems.append((("alert_rules", "overrides", n, "params"), "id, kind and metric cannot be changed"))
            continue
        target.update(o.params)
        if o.enabled is not None:
            target["enabled"] = o.enabled
        if o.severity is not None:
            target["severity"] = o.severity.value
        try:
            _rule().validate_python(target)
        except ValidationError as exc:
            for e in exc.errors():
                problems.append((("alert_rules", "overrides", n, "params", *e["loc"][1:]), e["msg"]))
    for n, extra in enumerate(rules.extra):
        device_type = extra.id.split(".", 1)[0]
        if device_type not in by_type:
            problems.append((("alert_rules", "extra", n, "id"), f"no device type {device_type!r}"))
        elif any(r["id"] == extra.id for r in by_type[device_type]):
            problems.append((("alert_rules", "extra", n, "id"), f"{extra.id!r} is a default rule: override it"))
        else:
            by_type[device_type].append(extra.model_dump(mode="json"))
    if problems:
        raise OverrideError(problems)
    out = []
    for t, p in defaults.items():
        try:
            out.append(DeviceProfile.model_validate({**p.model_dump(mode="json"), "rules": by_type[t]}))
        except ValidationError as exc:
            problems += [(("alert_rules", t), e["msg"]) for e in exc.errors()]
    if problems:
        raise OverrideError(problems)
    return out
