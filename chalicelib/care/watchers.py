"""Who watches a device's care subject: the alert side asks this to route and show a care
subject's alerts to their family (``alerts.routing``, ``alerts.access``)."""

from __future__ import annotations

from typing import Any

from chalicelib.care.repository import CareRepository
from chalicelib.store.keys import TenantContext

ACTIVE = "active"


def watchers(tenant: TenantContext, device_id: str) -> list[dict[str, Any]]:
    """Active family links (residents: ``user_id``, ``username``) of the subjects ``device_id`` watches
    under an active consent: one Query for the device, one per subject (usually one)."""
    return [link for link in contacts(tenant, device_id)[1] if link.get("user_id")]


def contacts(tenant: TenantContext, device_id: str) -> tuple[set[str], list[dict[str, Any]]]:
    """The subjects ``device_id`` watches under an active consent, and all their active family links
    (residents, and phone contacts with no login: ``phone_sealed``)."""
    repo = CareRepository(tenant)
    subjects: set[str] = set()
    out: list[dict[str, Any]] = []
    for subject_id in repo.subjects_of(device_id):
        subject, links = repo.load(subject_id)
        if subject is None or subject.doc["consent_state"] != ACTIVE or device_id not in subject.doc["device_ids"]:
            continue
        subjects.add(subject_id)
        out += [link for link in links if link["status"] == ACTIVE]
    return subjects, out


def family_usernames(tenant: TenantContext, device_id: str) -> list[str]:
    return sorted({w["username"] for w in watchers(tenant, device_id)})


def watches(tenant: TenantContext, user_id: str, device_id: str) -> bool:
    return any(w["user_id"] == user_id for w in watchers(tenant, device_id))


def cared_for_by(tenant: TenantContext, user_id: str) -> set[str]:
    """Subjects (resident ids) a resident is an active family contact of: one Query. Family may act for
    them (亲友代办), e.g. file a service request, whatever the state of the monitoring consent."""
    return {link["subject_id"] for link in CareRepository(tenant).watched_by(user_id) if link["status"] == ACTIVE}
