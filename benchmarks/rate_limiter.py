"""Latency the per-city API rate limiter adds to a request, in microseconds: median and p99 over
20,000 admissions, for (a) the common path (a token in the container's bucket: no network call) and
(b) all calls including the chunk leases (one conditional UpdateItem per ``limit/10`` requests),
against a baseline of no limiter in the same run. DynamoDB is moto in-process, so a lease here costs
moto's time, not a network round trip (DynamoDB in-region: ~3–6 ms); the common path is what matters.

    .venv/bin/python -m benchmarks.rate_limiter [--calls 20000] [--rate 500]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time
from collections.abc import Callable

from moto import mock_aws


def _percentiles(ns: list[int]) -> tuple[float, float, float]:
    ordered = sorted(ns)
    return statistics.median(ordered) / 1000, ordered[int(len(ordered) * 0.99) - 1] / 1000, statistics.mean(ns) / 1000


def _timed(fn: Callable[[str], None], calls: int) -> list[int]:
    out = []
    for _ in range(calls):
        t = time.perf_counter_ns()
        fn("zhengzhou")
        out.append(time.perf_counter_ns() - t)
    return out


def run(calls: int, rate: int) -> dict[str, tuple[float, float, float]]:
    import boto3

    from chalicelib.config import reset_settings
    from chalicelib.errors import RateLimited
    from chalicelib.usage import ratelimit
    from infra.local.bootstrap import create_table

    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
                       "AWS_DEFAULT_REGION": "us-east-1", "CC_TABLE_NAME": "community-cloud"})
    os.environ.pop("CC_AWS_ENDPOINT_URL", None)
    reset_settings()
    create_table(boto3.client("dynamodb", region_name="us-east-1"), "community-cloud")
    step = [0]
    # 90 % of the rate, spread evenly over simulated seconds: every call is admitted, a lease every rate/10.
    limiter = ratelimit.RateLimiter(clock=lambda: 1_900_000_000 + step[0] / (rate * 0.9), quota_of=lambda _: rate)
    leased = [False]
    lease = limiter._lease

    def counting_lease(*args: object) -> int:
        leased[0] = True
        return lease(*args)  # type: ignore[arg-type]

    limiter._lease = counting_lease  # type: ignore[method-assign,assignment]
    common, overall = [], []
    for _ in range(calls):
        step[0] += 1
        leased[0] = False
        t = time.perf_counter_ns()
        with contextlib.suppress(RateLimited):
            limiter.admit("zhengzhou")
        spent = time.perf_counter_ns() - t
        overall.append(spent)
        if not leased[0]:
            common.append(spent)
    baseline = _timed(lambda _t: None, calls)
    return {"baseline (no limiter)": _percentiles(baseline), "common path (token in bucket)": _percentiles(common),
            "overall (incl. chunk leases)": _percentiles(overall),
            "leases": (float(calls - len(common)), float(calls), 0.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=500, help="the city's api_requests_per_second")
    args = parser.parse_args()
    with mock_aws():
        found = run(args.calls, args.rate)
    leases, calls, _ = found.pop("leases")
    base = found["baseline (no limiter)"][0]
    print(f"rate limiter, {calls:.0f} calls at 90 % of {args.rate}/s ({leases:.0f} chunk leases), microseconds:")
    for name, (median, p99, mean) in found.items():
        added = "" if name.startswith("baseline") else f"   added (median − baseline): {median - base:6.2f}"
        print(f"  {name:32s} median {median:7.2f}   p99 {p99:9.2f}   mean {mean:8.2f}{added}")


if __name__ == "__main__":
    main()
