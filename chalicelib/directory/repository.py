"""Service points in the tenant's partitions.

- point: ``T#<t>#SVC#<id>`` / ``POINT``, ``status`` top-level, the point in ``data``;
- while active, gsi1 ``T#<t>#SVCGEO#<geohash-5>`` / ``<category>#<geohash-9>#<id>`` (nearby search:
  one Query per cell, ``begins_with(category)`` when one is asked for) and gsi2
  ``T#<t>#SVCS#<community>`` / ``<category>#<id>`` (a community's directory).

Retiring a point removes its index attributes, so searches and lists never see it again.
"""

from __future__ import annotations

from typing import Any

from chalicelib.directory import geohash
from chalicelib.errors import Conflict
from chalicelib.store.base import TenantRepository, doc_of, storage_errors
from chalicelib.store.models import ServicePointItem

POINT = "POINT"
CELL_PRECISION = 5
Doc = dict[str, Any]



class DirectoryRepository(TenantRepository):
    def get(self, service_point_id: str) -> tuple[Doc, int] | None:
        item = self._get(ServicePointItem, self.tenant.service_point_pk(service_point_id), POINT)
        return (doc_of(item), int(item.version)) if item else None

    def put(self, doc: Doc, previous_version: int | None) -> None:
        """Create (``previous_version`` None) or replace the point read at ``previous_version``."""
        point_id, loc = doc["service_point_id"], doc["location"]
        item = ServicePointItem(self.tenant.service_point_pk(point_id), POINT, tenant_id=self.tenant.tenant_id,
                                status=doc["status"], data=doc, version=(previous_version or 0) + 1)
        if doc["status"] == "active":
            cell = geohash.encode(loc["lat"], loc["lng"], 9)
            item.gsi1pk = self.tenant.services_cell_pk(cell[:CELL_PRECISION])
            item.gsi1sk = f"{doc['category']}#{cell}#{point_id}"
            item.gsi2pk = self.tenant.community_services_pk(doc["community_id"])
            item.gsi2sk = f"{doc['category']}#{point_id}"
        cond = (ServicePointItem.pk.does_not_exist() if previous_version is None
                else (ServicePointItem.version == previous_version) & (ServicePointItem.status == "active"))
        with storage_errors(on_condition=Conflict("this service point changed meanwhile; read it again",
                                                  field="service_point_id")):
            item.save(condition=cond)

    def in_cells(self, cells: list[str], category: str | None) -> list[Doc]:
        """Live points in the given geohash-5 cells (one Query each), of one category or all."""
        def read() -> list[Doc]:
            out: list[Doc] = []
            for cell in cells:
                cond = ServicePointItem.gsi1sk.startswith(f"{category}#") if category else None
                out += [doc_of(i) for i in ServicePointItem.gsi1.query(  # type: ignore[arg-type]
                    self.tenant.services_cell_pk(cell), cond)]
            return out

        return self._guard(read)

    def in_community(self, community_id: str, category: str | None, limit: int,
                     after: str | None) -> tuple[list[Doc], str | None]:
        """One page of a community's live points by category, and the sort key to continue after.

        Only the index sort key travels to the client; the keys of the query are rebuilt here from
        the tenant context, so a cursor can never point into another partition."""
        gsi2pk = self.tenant.community_services_pk(community_id)
        start = None
        if after:
            start = {"pk": {"S": self.tenant.service_point_pk(after.rsplit("#", 1)[-1])}, "sk": {"S": POINT},
                     "gsi2pk": {"S": gsi2pk}, "gsi2sk": {"S": after}}
        cond = ServicePointItem.gsi2sk.startswith(f"{category}#") if category else None

        def read() -> tuple[list[Any], Any]:
            result = ServicePointItem.gsi2.query(gsi2pk, cond, limit=limit,  # type: ignore[arg-type]
                                                 last_evaluated_key=start)
            items = list(result)
            return items, result.last_evaluated_key

        items, last = self._guard(read)
        return [doc_of(i) for i in items], (last["gsi2sk"]["S"] if last else None)
