"""The sender Lambda's entry point: the notifications queue's batch, one job per record.

A record that is not a job is reported failed (and after the queue's receives, dead-lettered);
a job whose provider failed for now is reported failed and retried by the queue — the deliveries it
made stay made (``repository.claim``). Each job runs as its city (``tenant_scope``).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import ValidationError

from chalicelib.notify.models import Job
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
            sender.handle(job)

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
