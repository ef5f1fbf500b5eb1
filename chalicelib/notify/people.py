"""Who an alert notification reaches on the phone, and the number to use — still sealed.

Staff: the manifest's user record (name, work phone). Family of a care subject: the household's
verified residents and the subject's active family contacts (residents, and phone contacts with no
login), never the subject themself (it is their alarm). Residents' and contacts' numbers stay
sealed here; the sender opens each one only to hand it to the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.care.watchers import contacts
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.keys import TenantContext

RELATIONS = {"child": "子女", "spouse": "配偶", "relative": "亲属", "neighbour": "邻居"}


@dataclass(frozen=True)
class Person:
    key: str  # staff:<username> | resident:<user id> | contact:<link id>: one delivery per key and channel
    kind: Literal["staff", "family"]
    name: str  # as the alert's timeline shows it: staff by name, family masked
    username: str | None  # whose settings apply (None: a phone contact, the defaults)
    phone: str | None = None  # a staff work phone, as the manifest gives it
    phone_sealed: str | None = None  # a resident's or contact's, sealed


def staff(records: dict[str, dict[str, Any]], usernames: list[str]) -> list[Person]:
    """``records``: the city's staff records by username (the manifest's users)."""
    out = []
    for username in usernames:
        record = records.get(username, {})
        out.append(Person(f"staff:{username}", "staff", record.get("name") or username, username,
                          phone=record.get("phone")))
    return out


def family(tenant: TenantContext, doc: dict[str, Any]) -> list[Person]:
    """A care subject's device: the household's verified residents and the subject's family contacts."""
    if not doc.get("care_subject"):
        return []
    residents = ResidentRepository(tenant)
    subjects, links = contacts(tenant, doc["device_id"])
    place = doc.get("household_id")
    household = [m["user_id"] for m in residents.household_members(place)] if place else []
    relation = {user_id: "同住" for user_id in household}
    relation.update({link["user_id"]: RELATIONS.get(link.get("relation", ""), "家属") for link in links
                     if link.get("user_id")})
    out: dict[str, Person] = {}
    for user_id, label in relation.items():
        if user_id in subjects:
            continue
        found = residents.get(user_id)
        if found and found[0].get("status") == Status.VERIFIED.value:
            reg = found[0]
            out[f"resident:{user_id}"] = Person(f"resident:{user_id}", "family",
                                                f"{reg.get('name_masked', '')}（{label}）", reg["username"],
                                                phone_sealed=reg.get("phone_sealed"))
    for link in links:
        if not link.get("user_id") and link.get("phone_sealed"):
            label = RELATIONS.get(link.get("relation", ""), "家属")
            out[f"contact:{link['link_id']}"] = Person(f"contact:{link['link_id']}", "family",
                                                       f"{link.get('name_masked', '')}（{label}）", None,
                                                       phone_sealed=link["phone_sealed"])
    return list(out.values())
