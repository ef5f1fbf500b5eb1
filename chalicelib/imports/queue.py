"""Queueing an import's job for the worker (``cc-imports``, with its dead-letter queue)."""

from __future__ import annotations

import json
from functools import cache

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import client
from chalicelib.observability import logger

QUEUE = "cc-imports"


@cache
def queue_url() -> str:
    return str(client("sqs").get_queue_url(QueueName=QUEUE)["QueueUrl"])


def enqueue(tenant_id: str, import_id: str) -> bool:
    try:
        client("sqs").send_message(QueueUrl=queue_url(),
                                   MessageBody=json.dumps({"tenant_id": tenant_id, "import_id": import_id}))
    except (BotoCoreError, ClientError):
        logger.exception("import not queued", extra={"tenant_id": tenant_id, "import_id": import_id})
        return False
    return True


def forget_queue() -> None:
    queue_url.cache_clear()
