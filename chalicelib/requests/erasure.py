"""A resident's requests after they close their account: kept (the city's counts and the household's
history stay whole) but no longer naming them — the filer, the person filed for and their own timeline
steps show the closed-account name instead of their masked name."""

from __future__ import annotations

from chalicelib.requests.repository import RequestRepository
from chalicelib.store.keys import TenantContext


def anonymise(tenant: TenantContext, household_id: str, user_id: str, masked: str, shown: str) -> int:
    """Rewrite the household's requests that name ``user_id``; how many were rewritten."""
    repo, done, after = RequestRepository(tenant), 0, None
    while True:
        ids, after = repo.refs(tenant.household_requests_pk(household_id), 200, after)
        for request_id in ids:
            stored = repo.get(request_id)
            if stored is None:
                continue
            doc = dict(stored.doc)
            if user_id not in (doc.get("filed_by"), doc.get("on_behalf_of")):
                continue
            if doc.get("filed_by") == user_id:
                doc["filed_by_display"], doc["filer_resident"] = shown, None
            if doc.get("on_behalf_of") == user_id:
                doc["on_behalf_of_display"] = shown
            doc["timeline"] = [{**step, "by": shown} if step.get("by") == masked else step
                               for step in doc.get("timeline", [])]
            repo.replace(stored, doc, {})
            done += 1
        if not after:
            return done
