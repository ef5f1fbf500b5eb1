"""The numbers and rules of the game, shared by the engine and its reference in the tests."""

from __future__ import annotations

# Running baseline per (device, metric): exponentially weighted mean and variance.
EWMA_ALPHA = 0.05
WARMUP_SAMPLES = 20  # no anomaly verdicts before the baseline has seen this many samples
# z = |x - mean| / (std + STD_FLOOR_ABS + STD_FLOOR_REL * |mean|): a flat signal is not "infinitely" anomalous.
STD_FLOOR_ABS = 1e-6
STD_FLOOR_REL = 1e-3

# Sample times accepted relative to the batch's "now".
MAX_AGE_MS = 7 * 86_400_000  # older than a week: rejected (bad_time)
MAX_FUTURE_MS = 5 * 60_000  # more than 5 minutes ahead: rejected (bad_time; device clock wrong)

# Reasons a reading is not evaluated; each is counted per batch.
REJECT_REASONS = ("unknown_device", "unknown_metric", "bad_value", "bad_time", "late")

# Sentinel for "no previous sample" in int64 timestamp state.
NO_TS = -(2**62)
