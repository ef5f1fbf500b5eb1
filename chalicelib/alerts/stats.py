"""The false-alarm rate (误报率): alerts closed by a person and how many were false alarms, per month and
per community, device type and community × device type (一表通's alerts by type) — counters moved when an
alert is closed (three ``ADD``s), read with one Query for a month."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.alerts.models import CloseOutcome
from chalicelib.model import Model
from chalicelib.observability import emit
from chalicelib.store.base import TenantRepository, now
from chalicelib.store.models import AlertStatsItem


class Rate(Model):
    key: str
    resolved: int
    false_alarms: int
    false_alarm_rate: float | None


class AlertStatsView(Model):
    """Alerts closed by a person in ``month`` and the share that were false alarms (误报)."""

    month: str
    resolved: int
    false_alarms: int
    false_alarm_rate: float | None
    by_device_type: list[Rate]
    by_community: list[Rate]


class AlertStats(TenantRepository):
    def closed(self, community_id: str, device_type: str, outcome: CloseOutcome, at: datetime | None) -> None:
        month = (at or now()).strftime("%Y-%m")
        false = int(outcome is CloseOutcome.FALSE_ALARM)
        for sk in (f"community#{community_id}", f"type#{device_type}", f"ctype#{community_id}#{device_type}"):
            actions: list[Any] = [AlertStatsItem.resolved.add(1), AlertStatsItem.kind.set(AlertStatsItem),
                                  AlertStatsItem.tenant_id.set(self.tenant.tenant_id),
                                  AlertStatsItem.updated_at.set(now())]
            if false:
                actions.append(AlertStatsItem.false_alarm.add(1))
            self._guard(lambda sk=sk, actions=actions: AlertStatsItem(  # type: ignore[misc]
                self.tenant.alert_stats_pk(month), sk).update(actions=actions))
        emit(self.tenant.tenant_id, {"AlertsResolved": 1, "AlertsFalseAlarm": false})

    def month(self, month: str) -> AlertStatsView:
        return self._view(month, self._items(month))

    def _items(self, month: str) -> list[Any]:
        return self._guard(lambda: list(AlertStatsItem.query(self.tenant.alert_stats_pk(month))))

    def with_types(self, month: str) -> tuple[AlertStatsView, dict[str, list[Rate]]]:
        """The month's view and, per community, its alerts by device type (one Query)."""
        items = self._items(month)
        by: dict[str, list[Rate]] = {}
        for i in items:
            kind, key = str(i.sk).split("#", 1)
            if kind == "ctype":
                community, device_type = key.split("#", 1)
                by.setdefault(community, []).append(_rate(device_type, int(i.resolved or 0), int(i.false_alarm or 0)))
        return self._view(month, items), by

    def _view(self, month: str, items: list[Any]) -> AlertStatsView:
        rates: dict[str, list[Rate]] = {"community": [], "type": [], "ctype": []}
        for i in items:
            kind, key = str(i.sk).split("#", 1)
            rates[kind].append(_rate(key, int(i.resolved or 0), int(i.false_alarm or 0)))
        total = _rate("", sum(r.resolved for r in rates["type"]), sum(r.false_alarms for r in rates["type"]))
        return AlertStatsView(month=month, resolved=total.resolved, false_alarms=total.false_alarms,
                              false_alarm_rate=total.false_alarm_rate,
                              by_device_type=sorted(rates["type"], key=lambda r: -r.resolved),
                              by_community=sorted(rates["community"], key=lambda r: -r.resolved))


def _rate(key: str, resolved: int, false: int) -> Rate:
    return Rate(key=key, resolved=resolved, false_alarms=false,
                false_alarm_rate=round(false / resolved, 4) if resolved else None)
