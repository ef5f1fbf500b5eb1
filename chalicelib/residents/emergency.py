"""紧急求助: the numbers a resident calls first — the national lines, the city's gas line, and for a
verified resident her community's 24-hour property line and her grid worker (网格员)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.alerts.models import Bilingual
from chalicelib.auth.principal import Principal
from chalicelib.model import Model
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.models import StaffRole
from chalicelib.tenancy.service import TenantService

Kind = Literal["fire", "police", "ambulance", "gas", "property", "grid_worker"]
NATIONAL: list[tuple[Kind, str, Bilingual]] = [
    ("fire", "119", Bilingual(zh="火警", en="Fire")),
    ("police", "110", Bilingual(zh="报警", en="Police")),
    ("ambulance", "120", Bilingual(zh="急救", en="Ambulance")),
]


class EmergencyContact(Model):
    kind: Kind
    label: Bilingual
    phone: str
    name: str | None = Field(default=None, description="the grid worker's name")


class EmergencyContacts(Model):
    """Most urgent first; property and grid worker only once the resident's household is verified."""

    contacts: list[EmergencyContact]
    verified: bool = Field(description="false: only the national and city lines (register and be verified)")


def contacts_for(principal: Principal) -> EmergencyContacts:
    tenancy = TenantService(principal.tenant)
    city = tenancy.emergency()
    out = [EmergencyContact(kind=k, phone=p, label=label) for k, p, label in NATIONAL]
    if city.gas:
        out.append(EmergencyContact(kind="gas", phone=city.gas, label=Bilingual(zh="燃气抢修", en="Gas emergency")))
    found = ResidentRepository(principal.tenant).get(principal.user_id)
    home = found[0] if found and found[0].get("status") == Status.VERIFIED.value else None
    if home is None:
        return EmergencyContacts(contacts=out, verified=False)
    community, path = home["community_id"], home.get("path", [])
    grid = path[3] if len(path) > 3 else None
    out += [EmergencyContact(kind="property", phone=line.phone,
                             label=Bilingual(zh="物业24小时值班", en="Property management, 24 hours"))
            for line in city.property if line.community == community][:1]
    staff = [u for u in tenancy.repo.list_type("user") if u.get("role") == StaffRole.STAFF.value
             and u.get("receives_alerts", True) and community in u.get("communities", []) and u.get("phone")]
    workers = [u for u in staff if grid in u.get("grids", [])] or staff
    out += [EmergencyContact(kind="grid_worker", phone=u["phone"], name=u["name"],
                             label=Bilingual(zh="我的网格员", en="My grid worker")) for u in workers[:1]]
    return EmergencyContacts(contacts=out, verified=True)
