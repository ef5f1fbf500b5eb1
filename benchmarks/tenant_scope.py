"""What tenant-scoped credentials add to a request: a city's first request in a container (it assumes
the city's role and builds a table connection signed with it) and its later ones (cached credentials),
against the same requests with scoping off, in the same run. Through the API (Chalice's test client:
authorizer, route, repositories) against moto in-process, so AssumeRole costs moto's time here; in AWS it
is one STS call in-region (typically 20–60 ms), paid once per city per container per 55 minutes.

    .venv/bin/python -m benchmarks.tenant_scope [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from moto import mock_aws

from benchmarks import in_process_aws

CITIES = ("zhengzhou", "yinchuan")
PATH = "/v1/communities"  # a city admin's first screen: the authorizer, the rate gate and one Query


def _ms(fn: Callable[[str], None], city: str) -> float:
    t = time.perf_counter()
    fn(city)
    return (time.perf_counter() - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    in_process_aws("WARNING")
    with mock_aws():
        from chalice.test import Client

        from app import app
        from chalicelib.config import reset_settings
        from chalicelib.store import scope
        from chalicelib.usage import ratelimit
        from tests.support import ROOT, auth, make_world

        world = make_world()
        ratelimit.limiter().quota_of = lambda _tenant: None  # measure the scope, not the rate limit
        role = os.environ["CC_TENANT_ROLE_ARN"]
        tokens = {c: auth(world.token_for("city_admin", c)) for c in CITIES if world.onboard(c)}
        with Client(app, stage_name="test", project_dir=str(ROOT)) as client:
            def get(city: str) -> None:
                assert client.http.get(PATH, headers=tokens[city]).status_code == 200

            def scoped(on: bool) -> None:
                os.environ["CC_TENANT_ROLE_ARN"] = role if on else ""
                reset_settings()

            for c in CITIES:  # every cache but the scope warm
                get(c)
            scoped(True)
            first, warm_after = [], []
            for c in CITIES:
                for _ in range(5):
                    scope.forget()
                    first.append(_ms(get, c))
                    warm_after.append(_ms(get, c))
            later_on = [_ms(get, CITIES[n % 2]) for n in range(args.requests)]
            t = time.perf_counter()
            for _ in range(20):
                scope.forget()
                scope.credentials("zhengzhou")
            assume_ms = (time.perf_counter() - t) * 1000 / 20
            scoped(False)
            later_off = [_ms(get, CITIES[n % 2]) for n in range(args.requests)]
    med = statistics.median
    print(f"tenant scope, {PATH} as a city admin, {args.requests} requests, moto in-process, median ms")
    print(f"  first request of a city in a container: {med(first):6.2f} ms (next one {med(warm_after):.2f} ms): "
          f"+{med(first) - med(warm_after):.2f} ms, of which AssumeRole {assume_ms:.2f} ms on moto")
    print(f"  later requests: scoped {med(later_on):6.2f} ms, unscoped {med(later_off):6.2f} ms: "
          f"{med(later_on) - med(later_off):+.2f} ms ({med(later_on) / med(later_off):.2f}x)")


if __name__ == "__main__":
    main()
