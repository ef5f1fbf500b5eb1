"""The event handlers of app.py, invoked in-process the way Lambda invokes them.

``chalice local`` serves only HTTP; the local stack calls the other functions itself (the
bridge: the critical-event function; the poller: the queue's function) through this one
place, with a Lambda context and the settings app.py declares (``on_sqs_message``'s batch
size and window). One invocation runs at a time: in Lambda each runs in its own container,
here they share Powertools' module-level logger and metrics, which are not thread-safe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from chalice.app import Chalice, SQSEventConfig
from chalice.local import LambdaContext


@dataclass(frozen=True)
class SqsSource:
    """An ``@app.on_sqs_message`` event source mapping."""

    function: str
    queue: str
    batch_size: int
    window_seconds: float


class LocalFunctions:
    def __init__(self, app: Chalice | None = None, timeout_seconds: int = 60, memory_mb: int = 1024) -> None:
        self._app = app
        self.timeout_ms, self.memory_mb = timeout_seconds * 1000, memory_mb
        self._lock = threading.Lock()

    @property
    def app(self) -> Chalice:
        if self._app is None:
            # imported when first needed: the stack serves the API first (which imports app.py with
            # the stage's environment); this is the same module object
            from app import app

            self._app = app
        return self._app

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        handler = self.app.handler_map[name]
        with self._lock:
            return handler(event, LambdaContext(name, memory_size=self.memory_mb, max_runtime_ms=self.timeout_ms))

    def sqs_source(self, queue: str) -> SqsSource | None:
        for source in self.app.event_sources:
            if isinstance(source, SQSEventConfig) and source.queue == queue:
                return SqsSource(source.name, queue, source.batch_size,
                                 float(source.maximum_batching_window_in_seconds or 0))
        return None
