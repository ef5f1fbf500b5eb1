"""Lambda's SQS event source mapping, played locally for the queue's handler.

Long-polls the queue, gathers a batch (up to the handler's batch size, or until a short
window passes), hands the handler a real SQS event and then does what the mapping does with
``ReportBatchItemFailures``: deletes every message not listed in ``batchItemFailures`` and
leaves the listed ones in flight, so they come back after the visibility timeout and the
queue's redrive policy moves them to the dead-letter queue after ``maxReceiveCount`` receives.
A handler that raises fails the whole batch, as in Lambda.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("cc.poller")

Handler = Callable[[dict[str, Any]], Any]
MAX_RECEIVE = 10  # SQS's limit per ReceiveMessage
_RECORD_ATTRIBUTES = ("ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp")


@dataclass
class PollResult:
    received: int
    deleted: int
    failed: int


def _message_attributes(attrs: dict[str, Any]) -> dict[str, Any]:
    """SQS API shape → Lambda event shape (camelCase, binary as base64)."""
    out = {}
    for name, a in attrs.items():
        binary = a.get("BinaryValue")
        out[name] = {"stringValue": a.get("StringValue"), "stringListValues": [], "binaryListValues": [],
                     "binaryValue": base64.b64encode(binary).decode() if binary is not None else None,
                     "dataType": a["DataType"]}
    return out


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    region = queue_arn.split(":")[3]
    return {"Records": [{
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": {k: v for k, v in m.get("Attributes", {}).items() if k in _RECORD_ATTRIBUTES},
        "messageAttributes": _message_attributes(m.get("MessageAttributes", {})),
        "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs", "eventSourceARN": queue_arn,
        "awsRegion": region} for m in messages]}


def failed_ids(response: Any, batch: set[str]) -> set[str]:
    """Lambda's reading of a partial-batch response: no list = all succeeded; an identifier that
    is missing, empty or not in the batch fails the whole batch."""
    if not isinstance(response, dict) or not response.get("batchItemFailures"):
        return set()
    failures = response["batchItemFailures"]
    if not isinstance(failures, list):
        return set(batch)
    ids = [f.get("itemIdentifier") if isinstance(f, dict) else None for f in failures]
    if not all(isinstance(i, str) and i in batch for i in ids):
        return set(batch)
    return {i for i in ids if isinstance(i, str)}


class SqsPoller(threading.Thread):
    def __init__(self, sqs: Any, queue_url: str, handler: Handler, batch_size: int = 10,
                 window_seconds: float = 0.5, wait_seconds: int = 1) -> None:
        super().__init__(name="sqs-poller", daemon=True)
        self.sqs, self.queue_url, self.handler = sqs, queue_url, handler
        self.batch_size, self.window, self.wait = batch_size, window_seconds, wait_seconds
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        self.stopped = threading.Event()
        self.totals = PollResult(0, 0, 0)

    def _receive(self, limit: int, wait: int) -> list[dict[str, Any]]:
        return list(self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=min(MAX_RECEIVE, limit), WaitTimeSeconds=wait,
            MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", []))

    def gather(self) -> list[dict[str, Any]]:
        """One batch: waits up to ``wait_seconds`` for a first message, then fills until the window ends."""
        batch = self._receive(self.batch_size, self.wait)
        deadline = time.monotonic() + self.window
        while batch and len(batch) < self.batch_size and time.monotonic() < deadline:
            more = self._receive(self.batch_size - len(batch), 0)
            if not more:
                time.sleep(0.05)
            batch += more
        return batch

    def poll_once(self) -> PollResult | None:
        batch = self.gather()
        if not batch:
            return None
        ids = {m["MessageId"] for m in batch}
        try:
            failed = failed_ids(self.handler(sqs_event(batch, self.queue_arn)), ids)
        except Exception:  # as in Lambda: the whole batch comes back after the visibility timeout
            log.exception("the queue's handler failed; %d messages left for redelivery", len(batch))
            failed = ids
        done = [m for m in batch if m["MessageId"] not in failed]
        for i in range(0, len(done), MAX_RECEIVE):
            chunk = done[i:i + MAX_RECEIVE]
            answer = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(chunk)])
            for problem in answer.get("Failed", []):
                log.warning("could not delete a handled message: %s", problem.get("Message"))
        result = PollResult(len(batch), len(done), len(failed))
        self.totals = PollResult(self.totals.received + result.received, self.totals.deleted + result.deleted,
                                 self.totals.failed + result.failed)
        return result

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.poll_once()
            except Exception:  # the queue or moto going away must not end the stack
                if not self.stopped.is_set():
                    log.exception("polling %s failed", self.queue_url)
                    self.stopped.wait(1.0)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.wait + 5)
