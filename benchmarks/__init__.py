"""Benchmarks: scripts that print measured figures (see README.md)."""

from __future__ import annotations

import os


def in_process_aws(log_level: str = "WARNING") -> None:
    """The environment of a benchmark against moto in this process: fake credentials in us-east-1, no
    endpoint or platform setting left over from the shell, no tracing or metrics output."""
    for k in [k for k in os.environ if k.startswith(("CC_", "AWS_ENDPOINT_URL"))]:
        del os.environ[k]
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
                       "AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_TRACE_DISABLED": "true",
                       "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": log_level})
