"""Who to call about an alert, for the staff who read it: the household's verified residents, a care
subject's family and the grid's staff.

Residents and family are shown as the city keeps them — names and numbers masked; a resident's full
number is opened through the audited reveal (``POST /v1/residents/{id}/reveal``, reason 紧急情况),
never here. A family contact with no login has no account to reveal: the sender texts and calls them
itself. Staff are shown with their work phones from the city's records.
"""

from __future__ import annotations

from typing import Any

from chalicelib.alerts.models import AlertContact
from chalicelib.alerts.routing import Router
from chalicelib.care.watchers import contacts as care_links
from chalicelib.residents.models import Status


def who_to_call(router: Router, doc: dict[str, Any]) -> list[AlertContact]:
    """Reads: the household's members and each one's record, the care links, the grid's staff (as the
    alert's routing chooses them) and each one's record — a handful of small reads, on opening one alert."""
    out: list[AlertContact] = []
    residents, tenancy = router.residents, router.tenancy
    subjects, links = care_links(tenancy.tenant, doc["device_id"]) if doc.get("care_subject") else (set(), [])
    seen: set[str] = set()
    if doc.get("household_id"):
        for member in residents.household_members(doc["household_id"]):
            found = residents.get(member["user_id"])
            if not found or found[0].get("status") != Status.VERIFIED.value:
                continue
            reg = found[0]
            seen.add(reg["resident_id"])
            out.append(AlertContact(kind="household", name=reg["name_masked"], relation=reg["relation"],
                                    resident_id=reg["resident_id"], phone_masked=reg.get("phone_masked"),
                                    subject=reg["resident_id"] in subjects))
    for link in links:
        user_id = link.get("user_id")
        if user_id in seen:
            continue
        found = residents.get(user_id) if user_id else None
        verified = found[0] if found and found[0].get("status") == Status.VERIFIED.value else None
        if user_id and verified is None:
            continue  # an invited resident not (or no longer) verified: nobody to call yet
        out.append(AlertContact(kind="family", name=link.get("name_masked") or "", relation=link.get("relation"),
                                resident_id=user_id if verified else None,
                                phone_masked=(verified or link).get("phone_masked")))
    for username in router.staff(1, doc):
        record = tenancy.staff_record(username)
        out.append(AlertContact(kind="staff", name=str(record.get("name") or username),
                                relation=None, phone=record.get("phone")))
    return out
