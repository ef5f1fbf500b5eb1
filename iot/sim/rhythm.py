"""Daily rhythms of a residential community, as functions of the simulated hour of the day
(0–24, local time). Shapes, not statistics: a morning and an evening peak of people leaving
and coming home, of cooking and of electricity use; rubbish that piles up after meals."""

from __future__ import annotations

import math


def _bump(hour: float, centre: float, width: float) -> float:
    """A gaussian bump around ``centre`` (hours), wrapping at midnight."""
    d = min(abs(hour - centre), 24 - abs(hour - centre))
    return math.exp(-0.5 * (d / width) ** 2)


def door_openings_per_hour(hour: float) -> float:
    """Expected openings of a household's front door: out to work and school, back home, a walk."""
    return 0.05 + 1.6 * _bump(hour, 7.6, 0.6) + 0.5 * _bump(hour, 12.0, 1.0) + 1.4 * _bump(hour, 18.3, 1.0) \
        + 0.4 * _bump(hour, 20.5, 0.8)


def household_power_w(hour: float, base_w: float = 90.0) -> float:
    """Mean active power of a flat: fridge and standby all day, breakfast, lunch, the evening peak
    (cooking, air conditioning, water heater), nearly nothing past midnight."""
    return base_w + 900 * _bump(hour, 7.3, 0.5) + 500 * _bump(hour, 12.1, 0.6) + 1400 * _bump(hour, 19.4, 1.4)


def bin_filling_per_hour(hour: float) -> float:
    """Share of a communal bin filled per hour: after breakfast and after dinner most."""
    return 0.004 + 0.03 * _bump(hour, 8.5, 1.0) + 0.02 * _bump(hour, 13.0, 1.0) + 0.045 * _bump(hour, 20.0, 1.5)


def ambient_c(hour: float) -> float:
    """Outdoor temperature: coolest before dawn, warmest mid-afternoon."""
    return 16.0 + 7.0 * math.sin((hour - 9.0) / 24 * 2 * math.pi)


def street_noise_db(hour: float) -> float:
    """LAeq next to a residential street: quiet at night, traffic and square dancing by evening."""
    return 39.0 + 12.0 * _bump(hour, 8.0, 1.5) + 8.0 * _bump(hour, 13.0, 3.0) + 13.0 * _bump(hour, 19.5, 1.2)
