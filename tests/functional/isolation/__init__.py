"""Samples for the isolation matrix (``tests/functional/test_isolation.py``), one module per service.

Each module defines ``samples(other: Other) -> Samples``: it creates resources in the other city
(郑州) and says how to name them in a path (``params``) and in a body (``bodies``), and which
strings would betray a leak (``markers``). It may also define ``unchanged(other: Other)``,
asserting that none of its resources changed after every route was tried against them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from chalice.test import Client

from tests.support import World

HOME, OTHER = "yinchuan", "zhengzhou"


@dataclass
class Other:
    """The other city as the samples see it: its world, the client, and tokens of its users."""

    world: World
    client: Client

    def token(self, role: str) -> str:
        return self.world.token_for(role, OTHER)


@dataclass
class Samples:
    params: dict[str, str] = field(default_factory=dict)
    bodies: dict[tuple[str, str], tuple[dict[str, str], bytes]] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)


def modules() -> Iterator[ModuleType]:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        yield importlib.import_module(f"{__name__}.{info.name}")


def collect(other: Other) -> tuple[Samples, list[Callable[[Other], Any]]]:
    merged, checks = Samples(), []
    for module in modules():
        found: Samples = module.samples(other)
        clash = (set(found.params) & set(merged.params)) | (set(found.bodies) & set(merged.bodies))
        assert not clash, f"{module.__name__} redefines samples {clash}"
        merged.params.update(found.params)
        merged.bodies.update(found.bodies)
        merged.markers += found.markers
        if hasattr(module, "unchanged"):
            checks.append(module.unchanged)
    return merged, checks
