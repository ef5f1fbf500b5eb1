"""前台一口受理: one use case files every request — by a resident, a family member for them, staff
for a caller (phone call, walk-in), or an Open311 client — and routes it by category and place."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib import photos
from chalicelib.care.watchers import cared_for_by
from chalicelib.errors import Forbidden, InvalidInput, NotFound, StorageError
from chalicelib.observability import emit, logger
from chalicelib.requests import documents, stats
from chalicelib.requests.inputs import RequestIn
from chalicelib.requests.locate import locate
from chalicelib.requests.repository import RequestRepository
from chalicelib.requests.states import Action, State
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.service import TenantService

Doc = dict[str, Any]


@dataclass(frozen=True)
class Filer:
    """Who files: ``user_id`` and how they are shown (username for staff, masked name for residents)."""

    user_id: str
    display: str
    channel: str  # resident | proxy | staff | visit | open311
    home: Doc | None = None  # the filer's verified registration, for residents
    served: frozenset[str] | None = None  # communities a staff filer may file in (None: anywhere)


def registration(residents: ResidentRepository, resident_id: str) -> Doc:
    """A verified registration, or 404 naming ``on_behalf_of``."""
    found = residents.get(resident_id) if resident_id.replace("-", "").isalnum() else None
    if found is None or found[0].get("status") != Status.VERIFIED.value:
        raise NotFound("no verified resident with this id in this city", field="on_behalf_of")
    return found[0]


def subject(filer: Filer, residents: ResidentRepository, on_behalf_of: str | None) -> Doc | None:
    """The registration of the resident the request is for: residents file for members of their
    household, and for the care subjects they are an active family contact of (亲友代办)."""
    if on_behalf_of is None or on_behalf_of == filer.user_id:
        return filer.home
    target = registration(residents, on_behalf_of)
    if (filer.home is not None and target["household_id"] != filer.home["household_id"]
            and target["resident_id"] not in cared_for_by(residents.tenant, filer.user_id)):
        raise Forbidden("family may file only for their household or a relative they are linked to as family",
                        field="on_behalf_of")
    return target


def file_request(tenancy: TenantService, repo: RequestRepository, residents: ResidentRepository, filer: Filer,
                 body: RequestIn, at: datetime, extra: Doc | None = None) -> Doc:
    category = next((c for c in tenancy.catalog() if c["code"] == body.category), None)
    if category is None:
        raise InvalidInput(f"{body.category!r} is not a service of this city's catalog", field="category")
    target = subject(filer, residents, body.on_behalf_of)
    place = locate(tenancy, body.location, target)
    if filer.served is not None and place["community_id"] not in filer.served:
        raise Forbidden("this place is outside the communities you serve", field="location")
    files = photos.verify(tenancy.tenant.tenant_id, body.photo_keys)
    zone = documents.city_zone(tenancy.profile().get("timezone"))
    local = at.astimezone(zone)
    number = repo.next_number(local.strftime("%Y%m%d"))
    request_id = f"{tenancy.tenant.tenant_id[:2].upper()}-{local:%Y%m%d}-{number:04d}"
    urgent = bool(category.get("emergency"))
    # 紧急类: the shortest respond and resolve times of the city's catalog, whatever the category says
    sla = ({k: min(float(c["sla"][k]) for c in tenancy.catalog()) for k in category["sla"]} if urgent
           else {k: float(v) for k, v in category["sla"].items()})
    proxy = target is not None and target is not filer.home
    doc: Doc = {
        "request_id": request_id, "category": body.category, "category_name": category["name"],
        "department": category["department"], "sla": sla, "emergency": urgent, "description": body.description,
        "location": place, "community_id": place["community_id"], "grid_id": place.get("grid_id"),
        "household_id": target["household_id"] if target else None,
        "filer_household_id": filer.home["household_id"] if filer.home else None,
        "photos": list(body.photos), "photo_files": files,
        "channel": "proxy" if proxy and filer.channel == "resident" else filer.channel,
        "filed_by": filer.user_id, "filed_by_display": filer.display,
        "filer_resident": filer.user_id if filer.home else None,
        "on_behalf_of": target["resident_id"] if proxy and target else None,
        "on_behalf_of_display": target["name_masked"] if proxy and target else None,
        "state": State.SUBMITTED.value, "assignee": None, "month": f"{local:%Y-%m}",
        "created_at": documents.iso(at), "updated_at": documents.iso(at),
        "due_respond_at": documents.iso(at + timedelta(hours=sla["respond_hours"])),
        "due_resolve_at": documents.iso(at + timedelta(hours=sla["resolve_hours"])),
        "timeline": [documents.step(Action.FILE, State.SUBMITTED, filer.display, None, at, None,
                                    channel=filer.channel)],
        "alert_id": uuid.uuid4().hex if urgent else None,
        **(extra or {}),
    }
    t = tenancy.tenant
    refs = {t.household_requests_pk(h) for h in (doc["household_id"], doc["filer_household_id"]) if h}
    repo.create(doc, [*sorted(refs), t.month_requests_pk(doc["month"])], stats.deltas(None, doc))
    emit(tenancy.tenant.tenant_id, {"ServiceRequestsFiled": 1, **({"EmergencyRequestsFiled": 1} if urgent else {})})
    if files:
        photos.attached(tenancy.tenant.tenant_id, files)
    if urgent:
        dispatch(tenancy, residents, doc, at)
    return doc


def dispatch(tenancy: TenantService, residents: ResidentRepository, doc: Doc, at: datetime) -> None:
    """An emergency is also an alert: the grid's staff are pushed and texted at once, and it climbs to the
    community and the city until someone acknowledges it. The request is filed whatever happens here —
    a failure is logged and counted (``EmergencyDispatchFailed``, alarmed), the queue still lists it first."""
    from chalicelib.alerts.service import AlertService  # the alert side, only for emergencies

    try:
        AlertService(tenancy.tenant, tenancy=tenancy, residents=residents).raise_report(doc, at)
    except StorageError:
        logger.exception("emergency request filed but its alert not raised", extra={"request_id": doc["request_id"]})
        emit(tenancy.tenant.tenant_id, {"EmergencyDispatchFailed": 1})
