"""Submitted monthly reports: ``REPORT#<month>`` / ``<community>`` — the community's counts as submitted,
put only if absent (a report is submitted once, then locked)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.store.base import TenantRepository
from chalicelib.store.models import ReportSubmissionItem


class ReportRepository(TenantRepository):
    def submissions(self, month: str) -> dict[str, tuple[dict[str, float], str, datetime]]:
        """community → (counts, by, at): one Query."""
        items = self._guard(lambda: list(ReportSubmissionItem.query(self.tenant.report_submissions_pk(month))))
        return {str(i.sk): ({k: float(v) for k, v in _plain(i.counts).items()}, str(i.submitted_by),
                            i.created_at) for i in items}

    def submit(self, month: str, community_id: str, counts: dict[str, float], by: str, at: datetime) -> bool:
        """False when the community's report of that month was submitted already."""
        item = ReportSubmissionItem(self.tenant.report_submissions_pk(month), community_id,
                                    tenant_id=self.tenant.tenant_id, counts=counts, submitted_by=by,
                                    created_at=at, updated_at=at)
        return self._written(lambda: item.save(condition=ReportSubmissionItem.pk.does_not_exist()))


def _plain(m: Any) -> dict[str, Any]:
    return m.as_dict() if hasattr(m, "as_dict") else dict(m)
