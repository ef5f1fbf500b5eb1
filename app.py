"""Smart Community Cloud — the Chalice app. Wiring only: middleware, blueprints, handlers."""

from __future__ import annotations

import gc

# A cold start's imports make some 400,000 objects and no garbage: the cycle collector is off while
# they are made (each pass would walk them all again: ~20 ms of a cold start), and what they made is
# then frozen, left out of the container's later collections (at the end of this module).
_collecting = gc.isenabled()
gc.disable()

import time
import uuid
from collections.abc import Callable

from chalice import Chalice, Cron, Rate, Response
from chalice.app import CloudWatchEvent, Request, SQSEvent

from chalicelib.api import lazy
from chalicelib.api.route_table import TABLE
from chalicelib.http import errors
from chalicelib.http.authorizer import auth, jwt_auth
from chalicelib.observability import CORRELATION_HEADER, begin_request, end_request, traced

app = Chalice(app_name="community-cloud", configure_logs=False)
app.api.cors = True

app.register_blueprint(auth)
lazy.register(app, TABLE, jwt_auth)  # every route; each area's module imported on its first request


@app.schedule(Rate(1, unit=Rate.MINUTES))
def escalate_alerts(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib.alerts.jobs import escalation_job  # imported here, as the other jobs are

    return escalation_job(event.to_dict(), event.context)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def sweep_absence(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib.telemetry.jobs import absence_job  # imported here: numpy stays out of the API

    return absence_job(event.to_dict(), event.context)


@app.schedule(Rate(1, unit=Rate.HOURS))
def close_resolved_requests(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib.requests.jobs import auto_close_job  # resolved requests past their reopen window

    return auto_close_job(event.to_dict(), event.context)


@app.schedule(Rate(1, unit=Rate.HOURS))
def sweep_care_visits(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib.care.jobs import overdue_visits_job  # visits overdue by a whole interval → alerts

    return overdue_visits_job(event.to_dict(), event.context)


@app.schedule(Rate(5, unit=Rate.MINUTES))
def city_health(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib.ops.health import health_job  # per-city gauges: devices online, open alerts, overdue

    return health_job(event.to_dict(), event.context)


@app.schedule(Cron(30, 17, "L", "*", "?", "*"))  # 01:30 on the 1st, China time (UTC+8)
def monthly_reports(event: CloudWatchEvent) -> dict[str, object]:
    from chalicelib.reporting.jobs import monthly_job  # 一表通: each city's report of the month just ended

    return monthly_job(event.to_dict(), event.context)


@app.on_sqs_message(queue="cc-telemetry", batch_size=1000, maximum_batching_window_in_seconds=5)
def handle_telemetry(event: SQSEvent) -> dict[str, object]:
    from chalicelib.telemetry.handler import handle_sqs  # numpy: loaded by this Lambda only

    return handle_sqs(event.to_dict(), event.context)


@app.on_sqs_message(queue="cc-notifications", batch_size=10)
def send_notifications(event: SQSEvent) -> dict[str, object]:
    from chalicelib.notify.handler import handle_sqs  # SMS and voice calls of alerts

    return handle_sqs(event.to_dict(), event.context)


@app.on_sqs_message(queue="cc-imports", batch_size=1)
def run_imports(event: SQSEvent) -> dict[str, object]:
    from chalicelib.imports.handler import handle_sqs  # a city's spreadsheet, checked then applied in chunks

    return handle_sqs(event.to_dict(), event.context)


@app.lambda_function(name="sms_receipts")
def sms_receipts(event: dict[str, object], context: object) -> dict[str, int]:
    from chalicelib.notify.receipts import handle_logs  # SNS's SMS delivery status logs → delivered / failed

    return handle_logs(event, context)


@app.on_cw_event({"source": ["aws.sms-voice"], "detail-type": ["Voice Message Delivery Status Updated"]},
                 name="call_receipts")
def call_receipts(event: CloudWatchEvent) -> dict[str, int]:
    from chalicelib.notify.receipts import handle_call_event  # a call's status: answered, busy, no answer …

    return handle_call_event(event.to_dict(), event.context)


@app.lambda_function(name="handle_events")
def handle_events(event: dict[str, object], context: object) -> dict[str, object]:
    from chalicelib.telemetry.handler import handle_event

    return handle_event(event, context)


@app.lambda_function(name="preprovision_hook")
def preprovision_hook(event: dict[str, object], context: object) -> dict[str, object]:
    from chalicelib.devices.preprovision import hook  # fleet provisioning's pre-provisioning hook

    return hook(event, context)


@app.middleware("http")
def observe(request: Request, get_response: Callable[[Request], Response]) -> Response:
    started = time.perf_counter()
    authorizer = (request.context or {}).get("authorizer") or {}
    tenant_id = authorizer.get("tenant_id")
    correlation_id = request.headers.get(CORRELATION_HEADER) or request.context.get("requestId") or str(uuid.uuid4())
    route = request.context.get("resourcePath", "?")
    begin_request(correlation_id, tenant_id, route)
    with traced(f"{request.method} {route}", tenant_id):
        response = errors.normalize(get_response(request))
    response.headers[CORRELATION_HEADER] = correlation_id
    end_request(tenant_id, route, response.status_code, started)
    return response


gc.freeze()
if _collecting:
    gc.enable()
