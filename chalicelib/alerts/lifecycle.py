"""Applying the engine's transitions to stored alerts: raise (or attach to the active alert), clear.

Idempotent under redelivery: a raise whose sample the alert already counted is ignored, and
so is a raise no newer than the lock's watermark once the alert was closed; a clear older
than the alert's latest sample is ignored. Concurrent batches may deliver a clear before the
raise it ends: the clear is noted on the lock, and that raise then opens the alert already
auto-cleared (in the history, sent to nobody). Likewise a later clear of a recovered alert is
noted on it, and a re-raise between the two recovers again at that clear. Concurrent writers lose a condition and retry
from a fresh read, so two batches can never open two alerts for one (device, rule).
"""

from __future__ import annotations

import math
import random
import re
import time
from datetime import datetime

from chalicelib.alerts import documents
from chalicelib.alerts.models import ACTIVE, AlertState, ApplyResult, Outcome, Severity, Transition
from chalicelib.alerts.repository import AlertRepository
from chalicelib.alerts.routing import ESCALATE_AFTER, Router
from chalicelib.devices.models import Device
from chalicelib.errors import StorageError
from chalicelib.observability import logger

# Each lost race means another writer of this alert succeeded, so K concurrent writers need at
# most K + 1 attempts; after that the batch fails and is redelivered (which is idempotent).
ATTEMPTS = 10
_RULE = re.compile(r"^[a-z][a-z0-9_]{0,40}\.[a-z0-9_]{1,60}$")
_SEVERITIES = frozenset(s.value for s in Severity)


def _valid(t: Transition) -> bool:
    return (t.kind in ("raise", "clear") and bool(_RULE.match(t.rule_id)) and t.severity in _SEVERITIES
            and math.isfinite(t.ts))


def _backoff(attempt: int) -> None:
    """A little jitter after a lost race, so the losers do not collide again in step."""
    if attempt:
        time.sleep(random.uniform(0, 0.005 * attempt))  # noqa: S311 - jitter, not cryptography


class Lifecycle:
    def __init__(self, repo: AlertRepository, router: Router) -> None:
        self.repo, self.router = repo, router

    def apply(self, transitions: list[Transition], devices: dict[str, Device], now: datetime) -> ApplyResult:
        result = ApplyResult()
        for t in transitions:
            device = devices.get(t.device_id)
            if device is None or not _valid(t):
                logger.warning("transition ignored", extra={"device_id": t.device_id, "rule_id": t.rule_id,
                                                            "known_device": device is not None})
                result.count("ignored")
                continue
            result.count(self._raise(t, device, now) if t.kind == "raise" else self._clear(t, now), t.severity)
        return result

    def _raise(self, t: Transition, device: Device, now: datetime) -> Outcome:
        for attempt in range(ATTEMPTS):
            _backoff(attempt)
            lock = self.repo.lock(t.device_id, t.rule_id)
            if lock and lock.alert_id:
                outcome = self._attach(lock.alert_id, t)
                if outcome:
                    return outcome
            elif lock and lock.watermark >= t.ts:
                return "ignored"  # this sample belongs to an alert already closed
            elif self._open(t, device, now, lock.cleared if lock and lock.cleared > t.ts else None):
                return "raised"
        raise StorageError("the alert kept changing under this write; the batch will be retried")

    def _open(self, t: Transition, device: Device, now: datetime, cleared: float | None) -> bool:
        """Open an alert. One whose clear already came (``cleared``, a later sample) is written
        auto-cleared — kept in the history, nobody to send to — unless it is critical: nobody has
        confirmed it, so it opens recovered (已恢复待确认) and its people are told."""
        doc = documents.new_alert(t, device, now, now + ESCALATE_AFTER[t.severity])
        staff = self.router.staff(1, doc)
        doc["timeline"][0]["to"] = staff
        recovered = cleared is not None and t.severity == Severity.CRITICAL
        if recovered:
            doc = documents.recovered(doc, float(cleared), now)  # type: ignore[arg-type]
        elif cleared is not None:
            doc = documents.closed(doc, AlertState.AUTO_CLEARED, "system", now, None, sample=cleared)
        if not (self.repo.open(doc, recovered=cleared) if recovered else self.repo.open(doc, cleared)):
            return False
        if cleared is None or recovered:
            self.router.send(doc, 1, staff, now)
        return True

    def _attach(self, alert_id: str, t: Transition) -> Outcome | None:
        stored = self.repo.get(alert_id)
        if stored is None or stored.doc["state"] not in ACTIVE:
            return None  # closed meanwhile: start over
        doc = documents.occurrence(stored.doc, t)
        if doc is None:
            return "ignored"
        return "attached" if self.repo.save(stored, doc) else None

    def _clear(self, t: Transition, now: datetime) -> Outcome:
        for attempt in range(ATTEMPTS):
            _backoff(attempt)
            lock = self.repo.lock(t.device_id, t.rule_id)
            stored = self.repo.get(lock.alert_id) if lock and lock.alert_id else None
            if stored is None and not (lock and lock.alert_id):  # its raise may still be on its way
                if lock and lock.watermark >= t.ts:
                    return "ignored"  # it ends an alert already closed
                if self.repo.note_clear(t.device_id, t.rule_id, t.ts, lock):
                    return "ignored"
                continue
            if stored is None or stored.doc["state"] not in ACTIVE or t.ts < float(stored.doc["last_ts"]):
                return "ignored"
            if stored.doc["state"] == AlertState.OPEN and stored.doc["severity"] == Severity.CRITICAL:
                # nobody confirmed it yet: it stays on the board, recovered (已恢复待确认), lock kept
                if stored.doc.get("recovered_at"):
                    # a later clear: the re-raise it ends may still be on its way (batches side by side)
                    later = documents.later_clear(stored.doc, t.ts)
                    if later is None or self.repo.save(stored, later):
                        return "ignored"
                    continue
                if self.repo.save(stored, documents.recovered(stored.doc, t.ts, now)):
                    return "cleared"
                continue
            doc = documents.closed(stored.doc, AlertState.AUTO_CLEARED, "system", now, None, sample=t.ts)
            if self.repo.close(stored, doc, max(t.ts, float(stored.doc["last_ts"]))):
                return "cleared"
        raise StorageError("the alert kept changing under this write; the batch will be retried")
