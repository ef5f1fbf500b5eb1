"""The schedules of app.py, driven locally (``chalice local`` never fires them): every
minute (the hourly request auto-close too: it is idempotent), the same job functions the scheduled Lambdas call."""

from __future__ import annotations

import threading

from chalicelib.observability import logger


class Scheduler(threading.Thread):
    def __init__(self, interval_seconds: float = 60.0) -> None:
        super().__init__(name="schedules", daemon=True)
        self.interval = interval_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        from chalicelib.alerts.jobs import escalation_job
        from chalicelib.requests.jobs import auto_close_job
        from chalicelib.telemetry.jobs import absence_job

        while not self.stopped.wait(self.interval):
            for job in (escalation_job, absence_job, auto_close_job):
                try:
                    job({}, None)
                except Exception:  # noqa: BLE001 - a failing job must not stop the next minute's run
                    logger.exception("local schedule failed", extra={"job": job.__name__})

    def stop(self) -> None:
        self.stopped.set()
