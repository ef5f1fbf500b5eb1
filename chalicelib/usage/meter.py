"""Usage counted in memory per container and written in bursts: one UpdateItem per city and day.

The API counts each request here and flushes when ``FLUSH_EVERY`` requests have been counted or
``FLUSH_AFTER`` seconds have passed since the last flush (checked when a request ends: Lambda has no
timers). The telemetry Lambda counts a batch and flushes at its end. The trade-off: a container that
is frozen and then recycled loses what it had not flushed — at most ``FLUSH_EVERY`` requests or
``FLUSH_AFTER`` seconds of one container's traffic — in exchange for one write per burst instead of
one per request.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime

from chalicelib.errors import AppError
from chalicelib.observability import logger
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope
from chalicelib.usage.repository import UsageRepository

FLUSH_EVERY = 100
FLUSH_AFTER = 30.0


def today() -> date:
    return datetime.now(UTC).date()


class Meter:
    def __init__(self, clock: Callable[[], float] = time.monotonic, day: Callable[[], date] = today) -> None:
        self.clock, self.day = clock, day
        self._pending: dict[tuple[str, date], Counter[str]] = {}
        self._since_flush = 0
        self._last_flush = clock()
        self._lock = threading.Lock()  # the local stack counts from several threads of one process

    def count(self, tenant_id: str, **counts: int) -> None:
        with self._lock:
            self._pending.setdefault((tenant_id, self.day()), Counter()).update(counts)
            self._since_flush += counts.get("api_requests", 0)

    def pending(self) -> dict[tuple[str, date], dict[str, int]]:
        return {k: dict(v) for k, v in self._pending.items()}

    def maybe_flush(self) -> None:
        if self._since_flush >= FLUSH_EVERY or self.clock() - self._last_flush >= FLUSH_AFTER:
            self.flush()

    def flush(self) -> None:
        """Write what was counted: one ``ADD`` per city and day. What fails to write is kept for next time."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._since_flush, self._last_flush = 0, self.clock()
        for (tenant_id, day), counts in pending.items():
            try:
                with tenant_scope(tenant_id):  # each city's count written as that city
                    UsageRepository(TenantContext(tenant_id)).add(day, counts)
            except AppError as exc:
                logger.warning("usage not written; kept for the next flush", extra={"error": exc.message})
                self._keep(tenant_id, day, counts)

    def _keep(self, tenant_id: str, day: date, counts: Counter[str]) -> None:
        with self._lock:
            self._pending.setdefault((tenant_id, day), Counter()).update(counts)

    def reset(self) -> None:
        self._pending.clear()
        self._since_flush, self._last_flush = 0, self.clock()


meter = Meter()  # the container's
