"""Critical events: time from the rule invoking ``handle_events`` to the alert record
written, against the local AWS (moto in-process). Target: < 1 s.

    .venv/bin/python -m benchmarks.critical_path [--events 50]
"""

from __future__ import annotations

import argparse
import statistics
import time

from moto import mock_aws

from benchmarks import in_process_aws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=50)
    args = parser.parse_args()
    in_process_aws("ERROR")
    with mock_aws():
        from chalicelib.auth.principal import Principal
        from chalicelib.auth.roles import Role
        from chalicelib.devices.models import DeviceIn, DeviceType
        from chalicelib.devices.service import DeviceService
        from chalicelib.telemetry.handler import handle_event
        from tests.support import make_world

        world = make_world()
        world.onboard("zhengzhou")
        admin = Principal("u", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN}))
        for n in range(args.events):
            DeviceService(admin).register(DeviceIn(device_id=f"BAND-{n:04d}", type=DeviceType.WRISTBAND,
                                                   serial=f"SN{n}", community_id="jinghu"))
        samples = []
        for n in range(args.events):
            now = int(time.time() * 1000)
            t0 = time.perf_counter()
            event = {"tenant": "zhengzhou", "device": f"zhengzhou_BAND-{n:04d}", "ts": now, "metrics": {"sos": 1},
                     "received_at": now}
            out = handle_event(event, None)
            samples.append((time.perf_counter() - t0) * 1000)
            assert out["raised"] == 1
    first, rest = samples[0], samples[1:]
    print(f"critical event → alert record: first (cold caches) {first:.0f} ms, then median "
          f"{statistics.median(rest):.1f} ms, p95 {sorted(rest)[int(len(rest) * 0.95)]:.1f} ms over {len(rest)}")


if __name__ == "__main__":
    main()
