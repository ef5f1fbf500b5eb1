"""The alert sender: notifications per second and the time from an alert's raise to its SMS, against moto
in this process (DynamoDB, SQS and SNS as the sender calls them in AWS; moto's answers are faster than
AWS's round trips, so the figures are our code's and moto's, not the network's).

Workload: 郑州 with its demo households; ``--alerts`` smoke detectors in 荆胡社区's homes and 张桂兰's
care devices raise critical alerts (each SMS to the grid's worker; hers also to her family). Two runs:

- **throughput**: every alert raised first (jobs queued), then the sender drains the queue as Lambda's
  event source mapping would (10 jobs a batch): deliveries sent per second of the sender's time;
- **latency**: alert by alert, raise → the queue → the sender (no batching window), as the local stack's
  poller runs it: p50 / p95 of the delivery's own ``latency_ms`` (raise to the provider's answer).

    .venv/bin/python -m benchmarks.notifications [--alerts 200]

The last line reads ``notifications: <N>/s sent, p95 <ms> ms from raise to send``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from datetime import UTC, datetime

from moto import mock_aws

from benchmarks import in_process_aws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=200)
    args = parser.parse_args()
    in_process_aws("WARNING")
    with mock_aws():
        from chalicelib.alerts.models import Transition
        from chalicelib.alerts.service import AlertService
        from chalicelib.aws import client
        from chalicelib.devices.models import DeviceIn
        from chalicelib.devices.repository import DeviceRepository
        from chalicelib.devices.service import DeviceService
        from chalicelib.notify.handler import handle_sqs
        from chalicelib.notify.queue import QUEUE
        from chalicelib.notify.repository import NotifyRepository
        from chalicelib.store.keys import TenantContext
        from infra.local.poller import sqs_event
        from tests.support import make_world

        world = make_world()
        world.onboard("zhengzhou")
        world.seed("zhengzhou", "residents", "care")
        city = TenantContext("zhengzhou")
        admin = _admin(world)
        ids = [f"bench-smoke-{n:04d}" for n in range(args.alerts)]
        for n, device_id in enumerate(ids):
            DeviceService(admin).register(DeviceIn.model_validate({
                "device_id": device_id, "type": "smoke", "serial": f"BENCH-{n:05d}", "community_id": "jinghu",
                "household_id": f"jinghu-g1-b1-1-{1 + n % 6:02d}{1 + n // 6 % 2:02d}"}))
        sqs = client("sqs")
        url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

        def raise_all(devices: list[str], rule: str) -> None:
            at = datetime.now(UTC)
            found = DeviceRepository(city).get_many(devices)
            AlertService(city).apply([Transition(d, rule, "raise", at.timestamp(), 1.0, "critical", "smoke",
                                                 "烟雾报警", "Smoke alarm") for d in devices], found, at)

        def drain() -> tuple[int, float]:
            jobs, spent = 0, 0.0
            while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                t = time.perf_counter()
                handle_sqs(sqs_event(batch, arn), None)
                spent += time.perf_counter() - t
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch])
                jobs += len(batch)
            return jobs, spent

        half = len(ids) // 2
        raise_all(ids[:half], "smoke.alarm")
        jobs, spent = drain()
        repo = NotifyRepository(city)
        first = Counter(d["status"] for a in _alerts(city, ids[:half]) for d in repo.deliveries(a))
        sent = first["sent"]

        latencies: list[float] = []
        for device_id in [*ids[half:], "zz-band-zgl"]:
            rule = "wristband.sos" if device_id == "zz-band-zgl" else "smoke.alarm"
            raise_all([device_id], rule)
            drain()
        for alert_id in _alerts(city, [*ids[half:], "zz-band-zgl"]):
            latencies += [float(d["latency_ms"]) for d in repo.deliveries(alert_id) if d["status"] == "sent"]
        p50 = statistics.median(latencies)
        p95 = statistics.quantiles(latencies, n=20)[-1]
        sms = len(_sms())
        print(f"throughput: {jobs} jobs, {sent} SMS sent in {spent * 1000:.0f} ms of the sender's time "
              f"= {sent / spent:.0f} notifications/s ({first['skipped']} skipped)")
        print(f"latency, raise → SMS sent (one alert at a time, {len(latencies)} deliveries): "
              f"p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        print(f"SMS read back from SNS: {sms}")
        print(f"notifications: {sent / spent:.0f}/s sent, p95 {p95:.0f} ms from raise to send")


def _admin(world):
    from chalicelib.auth.principal import Principal
    from chalicelib.auth.roles import Role

    return Principal(user_id="bench-admin", username="zz.admin", tenant_id="zhengzhou", roles=frozenset({
        Role.CITY_ADMIN}))


def _alerts(city, device_ids: list[str]) -> list[str]:
    from chalicelib.alerts.repository import AlertRepository

    repo = AlertRepository(city)
    out = []
    for device_id in device_ids:
        rule = "wristband.sos" if device_id == "zz-band-zgl" else "smoke.alarm"
        lock = repo.lock(device_id, rule)
        if lock and lock.alert_id:
            out.append(lock.alert_id)
    return out


def _sms() -> list[tuple[str, str]]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    return list(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages.values())


if __name__ == "__main__":
    main()
