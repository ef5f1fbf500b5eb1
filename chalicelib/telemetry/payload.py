"""The telemetry message, as a pydantic model: the specification of what a device sends.

The batch path reads messages with the faster hand-written ``decode`` (orjson); a test
checks that both accept and refuse exactly the same messages.

Columnar (many samples of one device)::

    {"ts": [1800000000000, 1800000015000], "metrics": {"pm25": [41.2, 43.0], "co2": [650, 655]}}

Single sample::

    {"ts": 1800000000000, "metrics": {"pm25": 41.2}}

The topic rule adds ``tenant`` and ``device`` from the topic and ``received_at``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

MAX_SAMPLES = 10_000
Number = float | None  # null: a missing sample (counted as a bad value, never evaluated)


Metrics = Annotated[dict[str, Number | list[Number]], Field(min_length=1)]


class MetricsOnly(BaseModel):
    """The ``metrics`` of a message checked as :class:`TelemetryMessage` checks them: each value of a
    metric named twice (JSON keeps the last, the model checks them all)."""

    model_config = ConfigDict(extra="ignore", strict=False)

    metrics: Metrics


class TelemetryMessage(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)

    device: Annotated[str, Field(min_length=3, max_length=64)]
    tenant: str | None = None
    received_at: int | None = None
    # epoch milliseconds, as JSON integers (not strings, not booleans)
    ts: StrictInt | Annotated[list[StrictInt], Field(min_length=1, max_length=MAX_SAMPLES)]
    metrics: Metrics

    @model_validator(mode="after")
    def _columns_line_up(self) -> TelemetryMessage:
        columnar = isinstance(self.ts, list)
        for name, values in self.metrics.items():
            if columnar != isinstance(values, list):
                raise ValueError(f"metrics.{name}: a list as long as ts is required" if columnar
                                 else f"metrics.{name}: a single value is required with a single ts")
            if columnar and len(values) != len(self.ts):  # type: ignore[arg-type]
                raise ValueError(f"metrics.{name}: a list as long as ts is required")
        return self
