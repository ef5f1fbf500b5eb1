"""The schedules of app.py, driven locally (``chalice local`` never fires them): every
minute (the hourly request auto-close and overdue-visit sweep and the 5-minute city health job too: all
idempotent),
the same job functions the scheduled Lambdas call. The city health job also runs once at start,
so the ops screen has its gauges from the first minute."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from chalicelib.observability import logger

Job = Callable[[dict[str, Any], Any], Any]


class Scheduler(threading.Thread):
    def __init__(self, interval_seconds: float = 60.0) -> None:
        super().__init__(name="schedules", daemon=True)
        self.interval = interval_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        from chalicelib.ops.health import health_job

        _run([health_job])
        scheduled = jobs()
        while not self.stopped.wait(self.interval):
            _run(scheduled)

    def stop(self) -> None:
        self.stopped.set()


def _run(scheduled: list[Job]) -> None:
    for job in scheduled:
        try:
            job({}, None)
        except Exception:  # noqa: BLE001 - a failing job must not stop the next minute's run
            logger.exception("local schedule failed", extra={"job": getattr(job, "__name__", "?")})


def jobs() -> list[Job]:
    from chalicelib.alerts.jobs import escalation_job
    from chalicelib.care.jobs import overdue_visits_job
    from chalicelib.ops.health import health_job
    from chalicelib.requests.jobs import auto_close_job
    from chalicelib.telemetry.jobs import absence_job

    return [escalation_job, absence_job, auto_close_job, health_job, overdue_visits_job]
