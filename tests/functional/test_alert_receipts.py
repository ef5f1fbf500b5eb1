"""SMS delivery receipts: SNS's delivery status log lines, handed over by a CloudWatch Logs
subscription (the event as Lambda receives it: gzip, base64), move an alert SMS from 已发出 to 已送达 or
失败 with the carrier's words — once; an SMS that did not arrive for a critical alert still open is
followed by a call; a line no city sent is counted, not fatal."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import app
from chalicelib import observability
from chalicelib.notify import channels
from chalicelib.notify.receipts import forget_cities
from chalicelib.notify.repository import NotifyRepository
from chalicelib.store.keys import TenantContext
from infra.local.carrier import call_event, log_event, log_group, sns_line
from tests.functional.test_alert_notifications import drain, now_utc, sos, zz  # noqa: F401 (the fixture)
from tests.support import auth

GROUP = log_group("us-east-1")


def sms_of(alert_id: str) -> list[dict[str, Any]]:
    """The alert's SMS deliveries (as stored: with the provider's message id)."""
    stored = NotifyRepository(TenantContext("zhengzhou")).deliveries(alert_id)
    return [d for d in stored if d["channel"] == "sms"]


def test_receipts_mark_the_sms_delivered_or_not_once_and_strangers_are_counted(zz, client):  # noqa: F811
    forget_cities()
    zz.onboard("yinchuan")  # another city on the platform: its keys are looked at, nothing of it is touched
    alert_id = sos(now_utc())
    drain()
    sms = sms_of(alert_id)
    assert [d["status"] for d in sms] == ["sent"] * 3, sms  # 李娜, 李强 (family), 王芳 (grid worker)
    family, other = [d["message_id"] for d in sms if d["kind"] == "family"]
    (staff,) = [d["message_id"] for d in sms if d["kind"] == "staff"]
    delivered = sns_line(family, "+8613803710001", True, "Message has been accepted by phone carrier")
    failed = sns_line(staff, "+8613903711101", False, "Phone is currently unreachable/unavailable")
    stranger = sns_line("2d5b8d55-0000-4000-8000-000000000000", "+8613800000000", True, "accepted")
    blobs: list[dict[str, Any]] = []
    observability.set_sink(blobs.append)
    try:
        answer = app.sms_receipts(log_event(GROUP, [delivered, failed, stranger, "not json"]), None)
        again = app.sms_receipts(log_event(GROUP, [delivered, failed]), None)  # a line read twice
    finally:
        observability.set_sink(None)
    assert answer == {"receipts": 3, "applied": 2, "unmatched": 2}
    assert other not in (family, staff)
    assert again == {"receipts": 2, "applied": 0, "unmatched": 0}

    shown = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    texted = sorted((d for d in shown["deliveries"] if d["channel"] == "sms"), key=lambda d: d["status"])
    assert [(d["kind"], d["status"]) for d in texted] == [("family", "delivered"), ("staff", "failed"),
                                                          ("family", "sent")]  # 李强's: no receipt yet
    assert texted[0]["receipt_at"] and texted[0]["provider_response"] == "Message has been accepted by phone carrier"
    assert "运营商未送达" in texted[1]["reason"] and "unreachable" in texted[1]["reason"]
    assert texted[1]["to"] == "王芳"
    outbox = client.http.get("/v1/notifications/outbox", headers=auth(zz.login("zz.admin"))).json_body["items"]
    assert sorted(i["status"] for i in outbox if i["alert_id"] == alert_id and i["channel"] == "sms") == [
        "delivered", "failed", "sent"]

    # 王芳's SMS did not arrive and the SOS is still open: she is called instead, once
    jobs = [json.loads(b) for b in drain()]
    assert [(j["fallback"], j["level"]) for j in jobs] == [("staff:zz.wang.fang", 1)]
    shown = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    assert [(d["to"], d["status"]) for d in shown["deliveries"] if d["channel"] == "voice"] == [("王芳", "sent")]
    assert [c.phone for c in channels.RECORDED] == ["+8613903711101"]

    # the call's own status, from End User Messaging through EventBridge, with the context it was given
    call = channels.RECORDED[0]
    assert call.context == {"tenant": "zhengzhou", "alert": alert_id, "delivery": "DELIVERY#1#voice#staff:zz.wang.fang"}
    assert app.call_receipts(call_event(call.message_id, call.phone, call.context, "VOICE_RINGING", "Ringing"),
                             None) == {"applied": 0}  # not final
    assert app.call_receipts(call_event(call.message_id, call.phone, call.context), None) == {"applied": 1}
    assert app.call_receipts(call_event(call.message_id, call.phone, call.context, "VOICE_BUSY", "Busy"),
                             None) == {"applied": 0}  # after the final word, nothing changes
    forged = {**call.context, "tenant": "yinchuan"}
    assert app.call_receipts(call_event(call.message_id, call.phone, forged), None) == {"applied": 0}
    shown = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    assert [(d["to"], d["status"]) for d in shown["deliveries"] if d["channel"] == "voice"] == [("王芳", "delivered")]

    def counted(name: str) -> list[tuple[str | None, str | None]]:
        return [(b.get("tenant"), b.get("channel")) for b in blobs
                if name in {m["Name"] for m in b["_aws"]["CloudWatchMetrics"][0]["Metrics"]}]

    assert ("zhengzhou", "sms") in counted("NotificationsDelivered")
    assert ("zhengzhou", "sms") in counted("NotificationsUndelivered")
    assert counted("ReceiptsUnmatched") and all(t is None for t, _ in counted("ReceiptsUnmatched"))


def test_cloudwatchs_check_that_the_function_is_there_is_answered(zz):  # noqa: F811
    data = {"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
            "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": 0, "message": "CWL CONTROL MESSAGE"}]}
    event = {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}
    assert app.sms_receipts(event, None) == {"receipts": 0, "applied": 0, "unmatched": 0}


def test_a_call_nobody_answers_is_failed_with_why(zz, client):  # noqa: F811
    alert_id = sos(now_utc())
    drain()
    (staff,) = [d["message_id"] for d in sms_of(alert_id) if d["kind"] == "staff"]
    app.sms_receipts(log_event(GROUP, [sns_line(staff, "+8613903711101", False, "Unknown error")]), None)
    drain()  # the fallback call to 王芳
    call = channels.RECORDED[-1]
    assert app.call_receipts(call_event(call.message_id, call.phone, call.context, "VOICE_NO_ANSWER", "No answer"),
                             None) == {"applied": 1}
    shown = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    (voice,) = [d for d in shown["deliveries"] if d["channel"] == "voice"]
    assert voice["status"] == "failed" and "电话未接通" in voice["reason"] and "无人接听" in voice["reason"]


def test_call_events_that_are_not_ours_or_not_well_formed_change_nothing_and_never_fail(zz):  # noqa: F811
    good = call_event("m-1", "+8613903711101", {"tenant": "zhengzhou", "alert": "0" * 32,
                                                "delivery": "DELIVERY#1#voice#staff:zz.wang.fang"})
    odd = [
        {**good, "detail": "not an object"},
        {**good, "detail": {**good["detail"], "context": "tenant=zhengzhou"}},
        {**good, "detail": {**good["detail"], "context": {"tenant": "Not A City", "alert": "x", "delivery": "y"}}},
        {**good, "detail": {**good["detail"],
                            "context": {**good["detail"]["context"], "delivery": "DELIVERY#1#sms#x"}}},
        {**good, "detail": {**good["detail"], "eventTimestamp": "yesterday"}},  # well named: no such call, 0
        good,  # no such delivery
    ]
    assert [app.call_receipts(e, None) for e in odd] == [{"applied": 0}] * len(odd)
