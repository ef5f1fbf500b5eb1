"""The import worker's entry point: the imports queue's batch (one job a message), each job as its city.

A job that fails for now (storage, S3) is reported failed and comes back after the queue's visibility
timeout; the run resumes where it stopped. A message that names no import is dead-lettered.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import BaseModel, ValidationError

from chalicelib.imports.service import ImportService
from chalicelib.observability import logger
from chalicelib.store.keys import TenantContext
from chalicelib.store.scope import tenant_scope


class Job(BaseModel):
    tenant_id: str
    import_id: str


def handle_sqs(event: dict[str, Any], context: Any) -> dict[str, Any]:
    def record_handler(record: SQSRecord) -> None:
        try:
            job = Job.model_validate_json(record.body)
            tenant = TenantContext(job.tenant_id)
        except (ValidationError, ValueError):
            logger.error("not an import job", extra={"message_id": record.message_id})
            raise
        with tenant_scope(job.tenant_id):
            state = ImportService(tenant).run(job.import_id)
        logger.info("import run", extra={"tenant_id": job.tenant_id, "import_id": job.import_id,
                                         "status": state.status, "done": state.done, "total": state.total})

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
