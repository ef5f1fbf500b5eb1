"""The alarms as data, each with its runbook entry (``infra/ops/README.md`` is generated from
these). Platform alarms go into the template; a city's alarms are put when it is onboarded."""

from __future__ import annotations

import re

from chalicelib.ops.dashboards import DLQ, FUNCTIONS, NOTIFY_DLQ, QUEUE, TABLE
from chalicelib.ops.model import CITY_TENANT, Alarm, Series
from iot.rules import RULES

# Functions on the path of a device's alarm to a person: one error is worth a page.
CRITICAL_PATH = ("HandleTelemetry", "HandleEvents", "EscalateAlerts", "SweepAbsence", "SendNotifications")


def _kebab(logical: str) -> str:
    """``APIHandler`` → ``api-handler``, ``HandleTelemetry`` → ``handle-telemetry``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", logical).lower()


def platform() -> tuple[Alarm, ...]:
    alarms = [
        Alarm("TelemetryDlqNotEmpty", "cc-telemetry-dlq-not-empty", "遥测死信队列有消息",
              "telemetry dead-letter queue is not empty",
              Series("ApproximateNumberOfMessagesVisible", "死信", "DLQ", "Maximum", (("QueueName", DLQ),), "AWS/SQS"),
              0, period=300, evaluation_periods=1, datapoints_to_alarm=1, degrades_platform=True, runbook=(
                  "Device messages failed three times and were set aside: their readings are not evaluated.",
                  "Read a few messages in cc-telemetry-dlq (console or `aws sqs receive-message`): which city, "
                  "which device, what the payload looks like.",
                  "Search the HandleTelemetry logs for `messages left for retry / dead-letter` and the reason "
                  "logged per message (unreadable record, unknown thing, storage error).",
                  "Once fixed, redrive the DLQ to cc-telemetry (SQS redrive); messages are idempotent.")),
        Alarm("TelemetryQueueBehind", "cc-telemetry-queue-behind", "遥测队列积压", "telemetry queue is falling behind",
              Series("ApproximateAgeOfOldestMessage", "最旧消息", "oldest", "Maximum", (("QueueName", QUEUE),),
                     "AWS/SQS"),
              300, period=60, evaluation_periods=5, datapoints_to_alarm=3, degrades_platform=True, runbook=(
                  "Readings wait more than 5 minutes before evaluation: alarms reach people late.",
                  "HandleTelemetry throttles and concurrency (reserved concurrency 20): raise it if saturated.",
                  "HandleTelemetry duration and errors: a failing batch is retried and blocks its messages.",
                  "Readings per second by city: one city sending far above its quota (TelemetryDropped).")),
        Alarm("Api5xxRate", "cc-api-5xx-rate", "API 5xx 比例过高", "API 5xx rate above 1 %",
              Series("Api5xx", "5xx 比例", "5xx rate", "Sum", ratio_of=("Api5xx", "ApiRequests")),
              1, period=60, evaluation_periods=5, datapoints_to_alarm=3, degrades_platform=True, runbook=(
                  "More than 1 % of API answers are server errors.",
                  "The platform dashboard's 5xx by route: one route or all of them?",
                  "APIHandler logs: `unhandled error` and `request failed` entries with their correlation id.",
                  "DynamoDB throttles and system errors (storage_unavailable answers are 503).")),
        Alarm("ApiLatencyP99", "cc-api-latency-p99", "API p99 延迟过高", "API p99 latency above 2 s",
              Series("ApiLatency", "p99", "p99", "p99"), 2000, period=60, evaluation_periods=5,
              datapoints_to_alarm=3, runbook=(
                  "One request in a hundred takes more than 2 seconds.",
                  "p99 latency by route on the platform dashboard: which routes?",
                  "APIHandler cold starts and concurrent executions (a burst of new containers).",
                  "DynamoDB consumed capacity and throttles; X-Ray traces of slow requests (annotated tenant_id).")),
        Alarm("DynamoDbThrottles", "cc-dynamodb-throttles", "DynamoDB 限流", "DynamoDB requests throttled",
              Series("WriteThrottleEvents", "写限流", "write throttles", "Sum", (("TableName", TABLE),),
                     "AWS/DynamoDB"),
              0, period=60, evaluation_periods=5, datapoints_to_alarm=2, degrades_platform=True, runbook=(
                  "The table refused writes: requests answer 503 and telemetry batches are retried.",
                  "Which partition is hot: CloudWatch Contributor Insights on the table, or the busiest city.",
                  "A city far above its quotas (ApiThrottled, TelemetryDropped) or a runaway job.",
                  "On-demand tables absorb 2× the previous peak at once: a sudden step needs time or pre-warming.")),
        Alarm("CriticalUnacknowledged", "cc-critical-unacknowledged", "紧急告警超时未确认",
              "critical alerts unacknowledged past their window (any city)",
              Series("CriticalUnacknowledged", "超时未确认", "unacknowledged", "Maximum"), 0, period=300,
              evaluation_periods=2, datapoints_to_alarm=2, runbook=(
                  "A critical alert (SOS, smoke, gas) has waited past its escalation window with nobody "
                  "acknowledging it — in some city. Each city also has its alarm cc-<city>-critical-unacknowledged.",
                  "Open that city's dashboard: which alerts, and whether escalation ran (AlertsEscalated).",
                  "Call the city's duty officer: are the grid workers' inboxes reaching anyone?",
                  "EscalateAlerts errors and its schedule (every minute).")),
        Alarm("NotificationDlqNotEmpty", "cc-notifications-dlq-not-empty", "通知死信队列有消息",
              "notification dead-letter queue is not empty",
              Series("ApproximateNumberOfMessagesVisible", "死信", "DLQ", "Maximum", (("QueueName", NOTIFY_DLQ),),
                     "AWS/SQS"),
              0, period=300, evaluation_periods=1, datapoints_to_alarm=1, degrades_platform=True, runbook=(
                  "Alert SMS or call jobs failed five times and were set aside: people were told in the inbox "
                  "only.",
                  "Read a message in cc-notifications-dlq: the city, the alert id and the level.",
                  "SendNotifications logs for that alert id: the provider's error code (SNS, End User Messaging), "
                  "a throttle, a missing origination number.",
                  "Once fixed, redrive the DLQ to cc-notifications: deliveries already made are not repeated.")),
        Alarm("ImportDlqNotEmpty", "cc-imports-dlq-not-empty", "区划导入死信队列有消息",
              "import dead-letter queue is not empty",
              Series("ApproximateNumberOfMessagesVisible", "死信", "DLQ", "Maximum", (("QueueName", "cc-imports-dlq"),),
                     "AWS/SQS"),
              0, period=300, evaluation_periods=1, datapoints_to_alarm=1, runbook=(
                  "A city's spreadsheet import failed three times for a reason that was not its rows (those are "
                  "reported to the city, not retried): the console shows it still applying.",
                  "Read the message in cc-imports-dlq: the city and the import id.",
                  "RunImports logs for that import id: DynamoDB throttles or errors, S3 access, the function's "
                  "timeout (15 minutes).",
                  "Once fixed, redrive the DLQ to cc-imports: the import resumes where it stopped (what was "
                  "applied compares unchanged).")),
        Alarm("NotificationsNotQueued", "cc-notifications-not-queued", "告警通知未能入队",
              "alert notification jobs could not be queued",
              Series("NotificationsNotQueued", "未入队", "not queued", "Sum"), 0, period=300, evaluation_periods=1,
              datapoints_to_alarm=1, degrades_platform=True, runbook=(
                  "An alert was written and put in inboxes, but its SMS and calls were never queued.",
                  "The logs of the function that raised or escalated it: `alert notification not queued`.",
                  "SQS availability and the functions' sqs:SendMessage permission on cc-notifications.",
                  "The escalation sweep still moves the alert up; tell the city's duty officer meanwhile.")),
        Alarm("EmergencyDispatchFailed", "cc-emergency-dispatch-failed", "紧急诉求未能通知网格员",
              "an emergency request was filed but its grid staff were not alerted",
              Series("EmergencyDispatchFailed", "未派发", "not dispatched", "Sum"), 0, period=60, evaluation_periods=1,
              datapoints_to_alarm=1, degrades_platform=True, runbook=(
                  "A resident reported an emergency (gas, fire, trapped in a lift, flooding); the request is filed "
                  "and first in its queue, but no alert was raised: nobody was pushed or texted.",
                  "The API's logs: `emergency request filed but its alert not raised`, with the request id.",
                  "DynamoDB errors or throttles on the table at that minute.",
                  "Phone the community of the request now; then the city's duty officer.")),
        Alarm("NotificationLatencyHigh", "cc-notification-latency", "告警短信发出过慢",
              "alert SMS and calls go out more than a minute after the alert",
              Series("NotificationLatency", "最大", "max", "Maximum"), 60000, period=60, evaluation_periods=3,
              datapoints_to_alarm=2, runbook=(
                  "People are texted or called more than a minute after their alert was raised or escalated.",
                  "cc-notifications queue depth and age; SendNotifications throttles and duration.",
                  "The providers' own throttling (SNS SMS spend limit and rate, End User Messaging quotas).",
                  "The per-delivery latency in the alert's timeline (deliveries[].latency_ms) for one slow alert.")),
    ]
    for rule in RULES:
        logical = "IotRule" + "".join(p.title() for p in rule.name.split("_")) + "Failures"
        action = "SQS" if rule.target == "queue" else "Lambda"
        series = Series("Failure", "失败", "failures", "Sum", (("ActionType", action), ("RuleName", rule.name)),
                        "AWS/IoT")
        alarms.append(Alarm(logical, f"cc-iot-{rule.name.replace('_', '-')}-failures",
                            f"IoT 规则 {rule.name} 投递失败", f"IoT rule {rule.name} failed to deliver", series, 0,
                            period=300, evaluation_periods=1, datapoints_to_alarm=1,
                            degrades_platform=True, runbook=(
                                f"AWS IoT could not hand device messages of rule {rule.name} to its {action} target.",
                                "The rule's error action (`cc-telemetry-dlq`) and the IoT logs (AWSIotLogsV2).",
                                "The IotRulesRole's permission on the queue / the function's invoke permission.",
                                "Queue or function quotas (SQS throughput, Lambda concurrency).")))
    for fn in FUNCTIONS:
        pages = fn in CRITICAL_PATH
        alarms.append(Alarm(f"{fn}Errors", f"cc-{_kebab(fn)}-errors", f"函数 {fn} 出错", f"{fn} errors",
                            Series("Errors", "错误", "errors", "Sum", (("FunctionName", f"${{{fn}}}"),), "AWS/Lambda"),
                            0 if pages else 4, period=300, evaluation_periods=1, datapoints_to_alarm=1,
                            degrades_platform=pages, runbook=(
                                f"The function {fn} ended in an error (an unhandled exception or a timeout).",
                                f"Its log group /aws/lambda/<{fn} name>: the exception, and the tenant_id "
                                "of the lines before it.",
                                "Duration near the timeout? Memory near the limit (REPORT lines)?",
                                "A recent deployment: roll back with the previous template.")))
        alarms.append(Alarm(f"{fn}Throttles", f"cc-{_kebab(fn)}-throttles", f"函数 {fn} 被限流", f"{fn} throttled",
                            Series("Throttles", "限流", "throttles", "Sum", (("FunctionName", f"${{{fn}}}"),),
                                   "AWS/Lambda"),
                            0, period=300, evaluation_periods=1, datapoints_to_alarm=1, runbook=(
                                f"Invocations of {fn} were refused for lack of concurrency.",
                                "ConcurrentExecutions of every function against the account's limit.",
                                "Reserved concurrency of the function (HandleTelemetry: 20).",
                                "A burst from one city (requests by city on the platform dashboard).")))
    return tuple(alarms)


def city(tenant_id: str) -> tuple[Alarm, ...]:
    """The alarms put for one city at onboarding (removed when it is retired)."""
    return (
        Alarm("CityCriticalUnacknowledged", f"cc-{tenant_id}-critical-unacknowledged",
              "紧急告警超时未确认", "critical alerts unacknowledged past their window",
              Series("CriticalUnacknowledged", "超时未确认", "unacknowledged", "Maximum",
                     (("tenant", CITY_TENANT),)), 0, period=300, evaluation_periods=2, datapoints_to_alarm=2,
              runbook=platform_alarm("CriticalUnacknowledged").runbook),
        Alarm("CityNotificationQuotaReached", f"cc-{tenant_id}-notification-quota", "本月告警短信/电话额度已用完",
              "the city's monthly SMS or call quota is used up",
              Series("NotificationQuotaReached", "超额", "over quota", "Sum", (("tenant", CITY_TENANT),)), 0,
              period=300, evaluation_periods=1, datapoints_to_alarm=1, runbook=(
                  "The city's alerts are no longer texted or called this month: inbox (and push) only.",
                  "Its usage (GET /v1/usage: quota_use.sms_per_month, voice_calls_per_month): a real peak, or "
                  "one device raising again and again (an alert storm)?",
                  "Raise tier.quotas.sms_per_month / voice_calls_per_month in the city's manifest and apply it, "
                  "as its contract allows.",
                  "The city's outbox (GET /v1/notifications/outbox) shows each SMS not sent, with its reason.")),
    )


def platform_alarm(alarm_id: str) -> Alarm:
    return next(a for a in platform() if a.id == alarm_id)
