"""The platform's default device profiles, read from ``profiles.yaml`` next to this module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from chalicelib.rules.models import DeviceProfile, Rule

PROFILES_PATH = Path(__file__).with_name("profiles.yaml")


class ProfileError(ValueError):
    """A default profile is malformed; the message names the profile."""


def parse_profiles(data: object, source: str = "profiles") -> dict[str, DeviceProfile]:
    """Validate a parsed YAML document (a list of profiles) into profiles by device type."""
    if not isinstance(data, list):
        raise ProfileError(f"{source}: expected a list of device profiles, got {type(data).__name__}")
    profiles: dict[str, DeviceProfile] = {}
    for index, item in enumerate(data):
        name = str(item.get("type", f"#{index}")) if isinstance(item, dict) else f"#{index}"
        try:
            prof = DeviceProfile.model_validate(item)
        except ValidationError as exc:
            raise ProfileError(f"{source}: device profile {name!r} is invalid: {exc}") from exc
        if prof.type in profiles:
            raise ProfileError(f"{source}: device profile {prof.type!r} is defined twice")
        profiles[prof.type] = prof
    return profiles


@lru_cache(maxsize=1)
def load_profiles() -> dict[str, DeviceProfile]:
    """All default profiles by device type (cached and shared: do not mutate)."""
    import yaml

    text = PROFILES_PATH.read_text(encoding="utf-8")
    return parse_profiles(yaml.safe_load(text), source=PROFILES_PATH.name)


def profile(device_type: str) -> DeviceProfile:
    """The default profile of ``device_type``; KeyError naming the known types if there is none."""
    profiles = load_profiles()
    try:
        return profiles[device_type]
    except KeyError:
        known = ", ".join(sorted(profiles))
        raise KeyError(f"no device profile {device_type!r}; known types: {known}") from None


def all_rules() -> dict[str, Rule]:
    """Every default rule of every profile, by rule id."""
    rules: dict[str, Rule] = {}
    for prof in load_profiles().values():
        for rule in prof.rules:
            if rule.id in rules:
                raise ProfileError(f"rule id {rule.id!r} is defined twice")
            rules[rule.id] = rule
    return rules
