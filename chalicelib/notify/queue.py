"""Queueing an alert's notification job for the sender (``cc-notifications``, with its dead-letter queue).

Called where the alert's people are told (``alerts.routing.Router.send``), after the inbox items are
written. A job that cannot be queued is logged and counted (``NotificationsNotQueued``, alarmed):
the inbox still has the alert, and the escalation sweep tells the next level.
"""

from __future__ import annotations

from functools import cache

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import client
from chalicelib.notify.models import Job
from chalicelib.observability import emit, logger

QUEUE = "cc-notifications"


@cache
def queue_url() -> str:
    return str(client("sqs").get_queue_url(QueueName=QUEUE)["QueueUrl"])


def enqueue(job: Job) -> bool:
    try:
        client("sqs").send_message(QueueUrl=queue_url(), MessageBody=job.model_dump_json())
    except (BotoCoreError, ClientError):
        logger.exception("alert notification not queued", extra={"alert_id": job.alert_id, "level": job.level})
        emit(job.tenant_id, {"NotificationsNotQueued": 1})
        return False
    return True


def forget_queue() -> None:
    queue_url.cache_clear()
