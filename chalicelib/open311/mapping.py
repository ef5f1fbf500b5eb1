"""Our catalog and requests in GeoReport v2 terms. Residents' details never appear: a home is shown
as its community's address, and the filer's contact details stay sealed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.requests.documents import city_zone
from chalicelib.requests.states import State

Doc = dict[str, Any]
# GeoReport knows two statuses: open, or closed (whether solved, refused or merged).
CLOSED = frozenset({State.RESOLVED, State.CLOSED, State.REJECTED, State.DUPLICATE})


def bilingual(name: dict[str, str] | None) -> str:
    return f"{name['zh']} / {name['en']}" if name else ""


def notice(sla: dict[str, Any]) -> str:
    r, s = float(sla["respond_hours"]), float(sla["resolve_hours"])
    return f"{r:g} 小时内响应，{s:g} 小时内办结 / response within {r:g} h, resolution within {s:g} h"


def service(category: Doc, departments: dict[str, Doc]) -> Doc:
    description = category.get("description")
    return {"service_code": category["code"], "service_name": bilingual(category["name"]),
            "description": bilingual(description) if description else "",
            "metadata": bool(category.get("attributes")), "type": "realtime",
            "keywords": ",".join([category["code"], category["name"]["zh"], category["department"]]),
            "group": bilingual(departments.get(category["department"], {}).get("name"))}


def definition(category: Doc) -> Doc:
    return {"service_code": category["code"], "attributes": list(category.get("attributes") or [])}


def status(doc: Doc) -> str:
    return "closed" if State(doc["state"]) in CLOSED else "open"


def local(stamp: str | None, zone: str | None) -> str | None:
    return datetime.fromisoformat(stamp).astimezone(city_zone(zone)).isoformat() if stamp else None


def request(doc: Doc, communities: dict[str, Doc], departments: dict[str, Doc], zone: str | None) -> Doc:
    loc, community = doc["location"], communities.get(doc["community_id"], {})
    point = loc.get("point") or community.get("location") or {}
    last = doc["timeline"][-1]
    return {
        "service_request_id": doc["request_id"], "status": status(doc),
        "status_notes": last.get("note") if status(doc) == "closed" else None,
        "service_name": bilingual(doc["category_name"]), "service_code": doc["category"],
        "description": doc["description"],
        "agency_responsible": bilingual(departments.get(doc["department"], {}).get("name")),
        "service_notice": notice(doc["sla"]),
        "requested_datetime": local(doc["created_at"], zone), "updated_datetime": local(doc["updated_at"], zone),
        "expected_datetime": local(doc["due_resolve_at"], zone),
        "address": loc.get("address") if loc["kind"] == "point" else community.get("address"),
        "address_id": loc.get("building_id") if loc["kind"] == "building" else None, "zipcode": None,
        "lat": point.get("lat"), "long": point.get("lng"), "media_url": (doc.get("photos") or [None])[0],
    }
