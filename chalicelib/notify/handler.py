"""The sender Lambda's entry point: the notifications queue's batch, one job per record.

A record that is not a job is reported failed (and after the queue's receives, dead-lettered);
a job whose provider failed for now is reported failed and retried by the queue — the deliveries it
made stay made (``repository.claim``). Each job runs as its city (``tenant_scope``).

Retries back off: a job that failed for now is hidden for ``BACKOFF_SECONDS[receives - 1]`` (± 20 %
jitter) instead of the queue's visibility timeout — a throttled SMS is tried again in about 15 s,
not 3 minutes; a provider down for longer is tried less often, and after the queue's fifth receive
(~14 min) the job is dead-lettered (alarmed).
"""

from __future__ import annotations

import random
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from chalicelib.aws import client
from chalicelib.notify.channels import SendFailed
from chalicelib.notify.models import Job
from chalicelib.notify.queue import queue_url
from chalicelib.notify.sender import NotificationSender
from chalicelib.observability import logger
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope


def handle_sqs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    senders: dict[str, NotificationSender] = {}  # one per city for the batch: its settings read once

    def record_handler(record: SQSRecord) -> None:
        try:
            job = Job.model_validate_json(record.body)
            tenant = TenantContext(job.tenant_id)
        except (ValidationError, ValueError):
            logger.warning("not a notification job; left for the dead-letter queue",
                           extra={"message_id": record.message_id})
            raise
        with tenant_scope(job.tenant_id):
            sender = senders.get(job.tenant_id) or senders.setdefault(job.tenant_id, NotificationSender(tenant))
            try:
                sender.handle(job)
            except SendFailed:
                back_off(record)
                raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))


BACKOFF_SECONDS = (15, 60, 180, 600)  # after the 1st, 2nd, 3rd, 4th receive; the 5th failure dead-letters


def backoff_seconds(receives: int, rand: random.Random | None = None) -> int:
    """How long a job that failed for now stays hidden after its ``receives``-th receive."""
    base = BACKOFF_SECONDS[min(max(receives, 1), len(BACKOFF_SECONDS)) - 1]
    return max(1, round(base * (rand or random).uniform(0.8, 1.2)))


def back_off(record: SQSRecord) -> None:
    """Hide the message for its backoff; if that fails, the queue's visibility timeout applies."""
    receives = int(record.attributes.approximate_receive_count or 1)
    try:
        client("sqs").change_message_visibility(QueueUrl=queue_url(), ReceiptHandle=record.receipt_handle,
                                                VisibilityTimeout=backoff_seconds(receives))
    except (BotoCoreError, ClientError):
        logger.warning("notification retry keeps the queue's visibility timeout",
                       extra={"message_id": record.message_id})
