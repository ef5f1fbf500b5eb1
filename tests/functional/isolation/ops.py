"""Operations: the ops view is the platform's; no city role opens another city's dashboard, nor its own."""

from __future__ import annotations

from tests.functional.isolation import Other, Samples


def samples(other: Other) -> Samples:
    return Samples(params={"name": "cc-city-zhengzhou"})
