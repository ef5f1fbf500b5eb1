"""The local stand-in for Lambda's SQS event source mapping, against moto's SQS (redrive included)
and a stand-in handler; the last test drives the real telemetry handler of app.py."""

from __future__ import annotations

import json
import time

import boto3
import orjson
import pytest
from moto import mock_aws

from infra.local.bootstrap import resources
from infra.local.poller import SqsPoller, failed_ids
from iot.things import thing_name

QUEUE, DLQ = "cc-telemetry", "cc-telemetry-dlq"
VISIBILITY = 1


def _max_receives() -> int:
    (props,) = [p for p in resources("AWS::SQS::Queue").values() if p["QueueName"] == QUEUE]
    return int(props["RedrivePolicy"]["maxReceiveCount"])


@pytest.fixture
def queues():
    """The telemetry queue and its DLQ with the template's redrive policy; a visibility timeout of
    1 s so a message left for redelivery comes back soon (the template's 720 s would stall the test)."""
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        dlq = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": _max_receives()})
        url = sqs.create_queue(QueueName=QUEUE, Attributes={"VisibilityTimeout": str(VISIBILITY),
                                                            "RedrivePolicy": redrive})["QueueUrl"]
        yield sqs, url, dlq


def _send(sqs, url: str, *bodies: str) -> None:
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body)


def _bodies(sqs, url: str) -> list[str]:
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages", [])
    return sorted(m["Body"] for m in got)


class Recorder:
    """A stand-in for handle_telemetry: fails the bodies it is told to, records every event."""

    def __init__(self, fail: set[str] | None = None, times: int = 10**6) -> None:
        self.fail, self.times, self.events = fail or set(), times, []

    def __call__(self, event):
        self.events.append(event)
        if len(self.events) > self.times:
            return {"batchItemFailures": []}
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]
                                      if r["body"] in self.fail]}


def test_the_handler_gets_a_real_sqs_event(queues):
    sqs, url, _ = queues
    _send(sqs, url, '{"a": 1}')
    handler = Recorder()
    SqsPoller(sqs, url, handler, batch_size=10, window_seconds=0).poll_once()
    (record,) = handler.events[0]["Records"]
    assert record["body"] == '{"a": 1}' and record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(":cc-telemetry") and record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1" and record["receiptHandle"]
    assert set(record["attributes"]) >= {"SentTimestamp", "ApproximateFirstReceiveTimestamp"}


def test_a_batch_is_gathered_over_several_receives_up_to_the_batch_size(queues):
    sqs, url, _ = queues
    _send(sqs, url, *[f'{{"n": {n}}}' for n in range(25)])
    handler = Recorder()
    poller = SqsPoller(sqs, url, handler, batch_size=20, window_seconds=0.5)
    assert poller.poll_once().received == 20  # type: ignore[union-attr]
    assert poller.poll_once().received == 5  # type: ignore[union-attr]
    assert [len(e["Records"]) for e in handler.events] == [20, 5]


def test_only_the_failed_message_stays_on_the_queue(queues):
    sqs, url, dlq = queues
    _send(sqs, url, "good-1", "poison", "good-2")
    result = SqsPoller(sqs, url, Recorder(fail={"poison"}), window_seconds=0.3).poll_once()
    assert (result.received, result.deleted, result.failed) == (3, 2, 1)  # type: ignore[union-attr]
    time.sleep(VISIBILITY + 0.1)
    assert _bodies(sqs, url) == ["poison"] and _bodies(sqs, dlq) == []


def test_a_failed_message_is_redelivered_and_then_deleted(queues):
    sqs, url, dlq = queues
    _send(sqs, url, "flaky")
    handler = Recorder(fail={"flaky"}, times=1)  # fails once, then succeeds
    poller = SqsPoller(sqs, url, handler, window_seconds=0)
    poller.poll_once()
    time.sleep(VISIBILITY + 0.1)
    poller.poll_once()
    assert [e["Records"][0]["attributes"]["ApproximateReceiveCount"] for e in handler.events] == ["1", "2"]
    assert _bodies(sqs, url) == [] and _bodies(sqs, dlq) == []


def test_after_max_receives_the_message_lands_in_the_dead_letter_queue(queues):
    sqs, url, dlq = queues
    _send(sqs, url, "poison", "fine")
    handler = Recorder(fail={"poison"})
    poller = SqsPoller(sqs, url, handler, window_seconds=0.2, wait_seconds=0)
    for _ in range(_max_receives() + 1):
        poller.poll_once()
        time.sleep(VISIBILITY + 0.1)
    seen = [r["body"] for e in handler.events for r in e["Records"]]
    assert seen.count("poison") == _max_receives() and seen.count("fine") == 1
    assert _bodies(sqs, url) == [] and _bodies(sqs, dlq) == ["poison"]


def test_a_handler_that_raises_fails_the_whole_batch(queues):
    sqs, url, _ = queues
    _send(sqs, url, "a", "b")

    def broken(event):
        raise RuntimeError("boom")

    result = SqsPoller(sqs, url, broken, window_seconds=0.3).poll_once()
    assert (result.deleted, result.failed) == (0, 2)  # type: ignore[union-attr]
    time.sleep(VISIBILITY + 0.1)
    assert _bodies(sqs, url) == ["a", "b"]


@pytest.mark.parametrize(("response", "failed"), [
    (None, set()), ({}, set()), ({"batchItemFailures": []}, set()),
    ({"batchItemFailures": [{"itemIdentifier": "m1"}]}, {"m1"}),
    ({"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]}, {"m1", "m2"}),
    ({"batchItemFailures": [{"itemIdentifier": ""}]}, {"m1", "m2"}),
    ({"batchItemFailures": [{"id": "m1"}]}, {"m1", "m2"}),
    ({"batchItemFailures": "m1"}, {"m1", "m2"}),
])
def test_partial_batch_responses_are_read_as_lambda_reads_them(response, failed):
    assert failed_ids(response, {"m1", "m2"}) == failed


def test_the_real_telemetry_handler_keeps_only_its_unreadable_message(aws):
    """app.py's handle_telemetry, found through its on_sqs_message declaration, behind the poller,
    on the queue as infra/ declares it (bootstrapped by the ``aws`` fixture)."""
    from infra.local.lambdas import LocalFunctions

    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    functions = LocalFunctions()
    source = functions.sqs_source(QUEUE)
    assert source is not None and source.batch_size >= 10
    record = {"ts": 1, "metrics": {"alarm": 0}, "tenant": "zhengzhou", "device": thing_name("zhengzhou", "SMK-0001"),
              "received_at": 1}
    _send(sqs, url, orjson.dumps(record).decode(), "{not json")
    poller = SqsPoller(sqs, url, lambda e: functions.invoke(source.function, e), batch_size=source.batch_size,
                       window_seconds=0.3)
    result = poller.poll_once()
    assert (result.received, result.deleted, result.failed) == (2, 1, 1)  # type: ignore[union-attr]
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (counts["ApproximateNumberOfMessages"], counts["ApproximateNumberOfMessagesNotVisible"]) == ("0", "1")
