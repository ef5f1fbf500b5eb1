"""Demo service points of the 15-minute circle, entered by the staff of each community."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from chalicelib.directory.models import ListQuery, ServicePointIn
from chalicelib.directory.service import DirectoryService
from chalicelib.tenancy.common import Code, Username
from infra.local.seed import SeedContext


class DemoPoint(ServicePointIn):
    model_config = ConfigDict(extra="forbid")

    community_id: Code
    by: Username  # the staff member who enters it (one serving that community)


class DirectoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    services: list[DemoPoint]


def apply(ctx: SeedContext, data: Any) -> int:
    """Create the points not there yet (matched by community and Chinese name); returns how many."""
    spec = DirectoryFile.model_validate(data)
    existing: dict[str, set[str]] = {}
    created = 0
    for p in spec.services:
        service = DirectoryService(ctx.principal(p.by))
        if p.community_id not in existing:
            items = service.list(p.community_id, ListQuery(limit=200)).items
            existing[p.community_id] = {i.name.zh for i in items}
        if p.name.zh in existing[p.community_id]:
            continue  # seeded by an earlier run against the same moto
        service.create(p.community_id, ServicePointIn.model_validate(p.model_dump(exclude={"community_id", "by"})))
        existing[p.community_id].add(p.name.zh)
        created += 1
    return created
