"""Alerts reach people's phones: SMS through SNS (read back from moto), voice calls through the
recorder, each delivery once, within the city's monthly quota, acknowledged from the SMS's link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib import observability
from chalicelib.alerts.escalation import sweep_escalations
from chalicelib.alerts.models import Transition
from chalicelib.aws import client as aws_client
from chalicelib.config import reset_settings
from chalicelib.notify import channels
from chalicelib.notify.handler import handle_sqs
from chalicelib.notify.queue import QUEUE, forget_queue
from chalicelib.store.keys import TenantContext
from infra.local.poller import sqs_event
from tests.functional.places import apply, post
from tests.support import JSON_HEADERS, auth, jbody

ZZ = TenantContext("zhengzhou")
BAND = "zz-band-zgl"  # 张桂兰's SOS wristband (tenants/demo/zhengzhou/care.yaml)
LI_NA, LI_QIANG, ZHANG_GUILAN = "+8613903712202", "+8613903712299", "+8613803711201"
WANG_FANG, LI_JIANGUO, ADMIN = "+8613903711101", "+8613903711102", "+8613903710001"


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def zz(aws: Any, client: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """郑州 with its demo residents and 张桂兰's care record (her wristband, 李娜 and 李强); voice calls
    recorded, not placed (as on the local stack)."""
    monkeypatch.setenv("CC_VOICE_SENDER", "recorder")
    monkeypatch.setenv("CC_PUBLIC_URL", "https://zz.community.example.cn")
    reset_settings()
    forget_queue()
    channels.RECORDED.clear()
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents", "care")
    return aws


def texts() -> list[tuple[str, str]]:
    """(phone, text) of every SMS moto's SNS took, oldest first."""
    return list(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages.values())


def drain() -> list[dict[str, Any]]:
    """Run the sender on every queued job, as the queue's event source mapping does; the jobs' bodies."""
    sqs = aws_client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        answer = handle_sqs(sqs_event(batch, arn), None)
        assert answer == {"batchItemFailures": []}
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]}
                                                        for m in batch])
        bodies += [m["Body"] for m in batch]
    return bodies


def sos(at: datetime) -> str:
    result = apply(Transition(BAND, "wristband.sos", "raise", at.timestamp(), 1.0, "critical", "sos", "一键呼救",
                              "SOS pressed"), now=at)
    assert result.raised == 1
    return alert_id_of(BAND)


def alert_id_of(device_id: str) -> str:
    from chalicelib.alerts.repository import AlertRepository

    lock = AlertRepository(ZZ).lock(device_id, "wristband.sos")
    assert lock is not None and lock.alert_id
    return lock.alert_id


def test_an_sos_is_texted_to_the_family_and_the_grid_worker_once(zz, client):
    before = len(texts())
    alert_id = sos(now_utc())
    jobs = drain()
    assert len(jobs) == 1
    sent = texts()[before:]
    assert sorted(p for p, _ in sent) == sorted([LI_NA, LI_QIANG, WANG_FANG])  # never 张桂兰: it is her alarm
    text = dict(sent)[LI_NA]
    assert text.startswith("【郑州智慧社区】紧急：荆胡社区") and "一键呼救" in text
    assert re.search(r"/ack\.html\?c=zhengzhou\.[A-Za-z0-9]{12}$", text)

    # The same job delivered again (the queue's at-least-once): nobody is texted twice.
    sqs = aws_client("sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"], MessageBody=jobs[0])
    drain()
    assert len(texts()) == before + 3

    staff = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    told = sorted((d["level"], d["channel"], d["to"], d["kind"], d["status"]) for d in staff["deliveries"])
    assert told == [(1, "sms", "李*（子女）", "family", "sent"), (1, "sms", "李*（子女）", "family", "sent"),
                    (1, "sms", "王芳", "staff", "sent")]
    assert all(d["latency_ms"] is not None and d["latency_ms"] < 10_000 for d in staff["deliveries"])


def test_an_emergency_a_resident_reports_texts_the_grid_worker_at_once_and_climbs_unacknowledged(zz, client):
    """燃气泄漏 filed by 王建军 (荆胡社区 2号楼 1单元 801, grid jinghu-g1): its alert is raised as it is filed,
    王芳 is texted straight away, the board lists it critical with its request, and nobody acknowledging
    it in 5 minutes moves it to the community's staff."""
    before = len(texts())
    filed = post(client, "/v1/requests", zz.login("zz.wang.jianjun"), {
        "category": "gas-leak", "description": "厨房燃气味很重，已关阀门开窗", "location": {"household": True}})
    assert filed.status_code == 201, filed.body
    request = filed.json_body
    assert request["emergency"] and request["alert_id"]
    jobs = drain()
    assert len(jobs) == 1
    sent = texts()[before:]
    assert [p for p, _ in sent] == [WANG_FANG]
    assert sent[0][1].startswith("【郑州智慧社区】紧急：荆胡社区") and "紧急报事：燃气泄漏" in sent[0][1]

    staff = zz.login("zz.wang.fang")
    board = client.http.get("/v1/alerts?state=open&severity=critical", headers=auth(staff)).json_body["items"]
    alert = next(a for a in board if a["alert_id"] == request["alert_id"])
    assert (alert["device_type"], alert["request_id"], alert["household_id"], alert["rule_name"]["zh"]) == (
        "report", request["request_id"], "jinghu-g1-b2-1-801", "紧急报事：燃气泄漏")
    assert alert["timeline"][0]["to"] == ["zz.wang.fang"] and "燃气味" in alert["timeline"][0]["note"]
    note = client.http.get("/v1/me/notifications", headers=auth(staff)).json_body["items"][0]
    assert note["alert_id"] == request["alert_id"] and note["severity"] == "critical"

    opened = datetime.fromisoformat(alert["opened_at"])
    assert sweep_escalations(opened + timedelta(minutes=5, seconds=1))["zhengzhou"]
    escalated = client.http.get(f"/v1/alerts/{request['alert_id']}", headers=auth(staff)).json_body
    assert escalated["level"] == 2

    # another city's staff cannot read it: keys come from their own city
    zz.onboard("yinchuan")
    other = client.http.get(f"/v1/alerts/{request['alert_id']}", headers=auth(zz.token_for("staff", "yinchuan")))
    assert other.status_code == 404 and request["request_id"] not in other.body.decode()


def test_a_request_that_is_not_an_emergency_raises_no_alert(zz, client):
    filed = post(client, "/v1/requests", zz.login("zz.wang.jianjun"), {
        "category": "water-electric-repair", "description": "厨房水龙头一直滴水，关不紧",
        "location": {"household": True}})
    assert filed.status_code == 201 and filed.json_body["alert_id"] is None
    assert drain() == []


def calls() -> list[str]:
    return [c.phone for c in channels.RECORDED]


def test_a_critical_alert_nobody_acknowledges_calls_the_family_then_the_grid_then_the_community(zz, client):
    at = now_utc()
    alert_id = sos(at)
    drain()
    assert calls() == []  # on raise: SMS only
    assert sweep_escalations(at + timedelta(minutes=5, seconds=1))["zhengzhou"]["critical"] == 1
    drain()
    # family first (李娜 in the app, 李强 by phone), then the grid worker told on raise, then the community
    assert calls()[:2] in ([LI_NA, LI_QIANG], [LI_QIANG, LI_NA])
    assert calls()[2:] == [WANG_FANG, LI_JIANGUO]
    said = channels.RECORDED[0].text
    assert said.startswith("您好，这里是郑州智慧社区。荆胡社区1号楼的智能手环一键呼救，已5分钟无人确认")
    detail = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    voice = [(d["to"], d["status"]) for d in detail["deliveries"] if d["channel"] == "voice"]
    assert len(voice) == 4 and all(status == "sent" for _, status in voice)


def test_once_someone_acknowledges_nobody_more_is_called(zz, client):
    at = now_utc()
    alert_id = sos(at)
    drain()
    assert sweep_escalations(at + timedelta(minutes=5, seconds=1))["zhengzhou"]["critical"] == 1
    r = post(client, f"/v1/alerts/{alert_id}/acknowledge", zz.login("zz.wang.fang"), {"note": "已上门"})
    assert r.status_code == 200
    assert [(e["by"], e["by_name"]) for e in r.json_body["timeline"] if e["action"] == "acknowledged"] == [
        ("zz.wang.fang", "王芳")]  # the console names her, not her username
    drain()
    assert calls() == []
    detail = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    late = [d for d in detail["deliveries"] if d["level"] == 2]  # the escalation's SMS and calls
    assert {d["channel"] for d in late} == {"sms", "voice"}
    assert all(d["status"] == "skipped" and "已有人确认" in d["reason"] for d in late)


def test_the_sms_link_acknowledges_the_alert_once_without_signing_in(zz, client):
    before = len(texts())
    alert_id = sos(now_utc())
    drain()
    text = dict(texts()[before:])[LI_NA]
    code = text.rsplit("?c=", 1)[1]
    shown = client.http.get(f"/v1/alert-links/{code}")
    assert shown.status_code == 200, shown.body
    assert shown.json_body["rule"] == "一键呼救" and shown.json_body["state"] == "open"
    assert shown.json_body["place"] == "荆胡社区1号楼" and not shown.json_body["used"]
    assert "李" not in str(shown.json_body)  # names nobody
    used = client.http.post(f"/v1/alert-links/{code}", headers=JSON_HEADERS, body=jbody({"action": "on_my_way"}))
    assert used.status_code == 200 and used.json_body["state"] == "acknowledged" and used.json_body["used"]
    again = client.http.post(f"/v1/alert-links/{code}", headers=JSON_HEADERS, body=jbody({"action": "reached"}))
    assert again.status_code == 409 and again.json_body["field"] == "code"
    alert = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    assert alert["state"] == "acknowledged"
    assert alert["timeline"][-1]["by"] == "zz.li.na" and alert["timeline"][-1]["note"] == "我去看看（短信链接）"
    # another person's link, used after the acknowledgement, adds their word to the timeline
    other = dict(texts()[before:])[LI_QIANG].rsplit("?c=", 1)[1]
    r = client.http.post(f"/v1/alert-links/{other}", headers=JSON_HEADERS, body=jbody({"action": "reached"}))
    assert r.status_code == 200
    alert = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    assert alert["timeline"][-1]["action"] == "comment" and alert["timeline"][-1]["by"] == "李*（子女）"


@pytest.mark.parametrize("code", ["zhengzhou.short", "nocity", "zhengzhou.AAAAAAAAAAAA", "yinchuan.AAAAAAAAAAAA"])
def test_links_that_are_not_ones_sent_are_refused_by_name(zz, client, code):
    r = client.http.get(f"/v1/alert-links/{code}")
    assert r.status_code in (400, 404) and r.json_body["field"] == "code"
    r = client.http.post(f"/v1/alert-links/{code}", headers=JSON_HEADERS, body=jbody({"action": "reached"}))
    assert r.status_code in (400, 404) and r.json_body["field"] == "code"
    bad = client.http.post("/v1/alert-links/zhengzhou.AAAAAAAAAAAA", headers=JSON_HEADERS,
                           body=jbody({"action": "run"}))
    assert bad.status_code == 400 and bad.json_body["field"] == "action"


def test_a_code_from_one_city_opens_nothing_in_another(zz, client):
    zz.onboard("yinchuan")
    before = len(texts())
    sos(now_utc())
    drain()
    code = dict(texts()[before:])[LI_NA].rsplit("?c=", 1)[1]
    moved = "yinchuan." + code.split(".", 1)[1]
    assert client.http.get(f"/v1/alert-links/{moved}").status_code == 404
    r = client.http.post(f"/v1/alert-links/{moved}", headers=JSON_HEADERS, body=jbody({"action": "reached"}))
    assert r.status_code == 404
    # 银川's admin sees none of 郑州's outbox, 郑州's sees its three SMS
    yc = client.http.get("/v1/notifications/outbox", headers=auth(zz.token_for("city_admin", "yinchuan")))
    assert yc.status_code == 200 and yc.json_body["items"] == []
    box = client.http.get("/v1/notifications/outbox", headers=auth(zz.login("zz.admin")))
    assert box.status_code == 200 and len(box.json_body["items"]) == 3


def test_the_monthly_sms_quota_stops_the_fourth_and_tells_operators(zz, client, monkeypatch):
    from chalicelib.tenancy import service

    real = service.tenant_quotas

    def three(tenant_id):
        q = real(tenant_id)
        return q.model_copy(update={"sms_per_month": 3}) if q else q

    monkeypatch.setattr("chalicelib.notify.sender.tenant_quotas", three)
    blobs: list[dict] = []
    observability.set_sink(blobs.append)
    try:
        before = len(texts())
        at = now_utc()
        sos(at)
        drain()  # three SMS: 李娜, 李强, 王芳
        apply(Transition("zz-door-zgl", "door.no_exit_24h", "raise", at.timestamp(), float("nan"), "warning", "door",
                         "超过24小时未出门", "No exit in 24 h"), now=at)
        drain()  # the fourth would be over
    finally:
        observability.set_sink(None)
    assert len(texts()) == before + 3
    reached = [b for b in blobs if "NotificationQuotaReached" in {m["Name"] for m in
                                                                  b["_aws"]["CloudWatchMetrics"][0]["Metrics"]}]
    assert reached and reached[0]["tenant"] == "zhengzhou" and reached[0]["channel"] == "sms"
    usage = client.http.get("/v1/usage", headers=auth(zz.login("zz.admin"))).json_body
    assert usage["quota_use"]["sms_per_month"]["used"] == 3


def test_a_quota_of_zero_sends_nothing(zz):
    from chalicelib.notify.models import Channel
    from chalicelib.notify.repository import NotifyRepository, this_month

    repo, month = NotifyRepository(ZZ), this_month("Asia/Shanghai")
    assert not repo.count(Channel.SMS, month, 0) and not repo.count(Channel.VOICE, month, 0)
    assert repo.sent(month) == {"sms": 0, "voice": 0}
    assert repo.count(Channel.SMS, month, 1) and not repo.count(Channel.SMS, month, 1)


def test_quiet_hours_hold_warnings_but_not_critical_alerts(zz, client):
    token = zz.login("zz.li.na")
    r = client.http.put("/v1/me/notification-settings", headers={**auth(token), **JSON_HEADERS},
                        body=jbody({"sms": True, "voice": True, "quiet_hours": {"start": "00:00", "end": "23:59"}}))
    assert r.status_code == 200
    assert client.http.get("/v1/me/notification-settings", headers=auth(token)).json_body["quiet_hours"] == {
        "start": "00:00", "end": "23:59"}
    bad = client.http.put("/v1/me/notification-settings", headers={**auth(token), **JSON_HEADERS},
                          body=jbody({"quiet_hours": {"start": "25:00", "end": "07:00"}}))
    assert bad.status_code == 400 and "quiet_hours" in bad.json_body["field"]
    before = len(texts())
    at = now_utc()
    apply(Transition("zz-door-zgl", "door.no_exit_24h", "raise", at.timestamp(), float("nan"), "warning", "door",
                     "超过24小时未出门", "No exit in 24 h"), now=at)
    drain()
    assert LI_NA not in [p for p, _ in texts()[before:]] and LI_QIANG in [p for p, _ in texts()[before:]]
    sos(at)
    drain()
    assert LI_NA in [p for p, _ in texts()[before:]]


class Refusing:
    """An SMS provider that refuses (for good, or for now): SNS in moto never does."""

    channel = channels.Channel.SMS

    def __init__(self, error: type[Exception]) -> None:
        self.error, self.tried = error, 0

    def send(self, phone: str, text: str, context: dict[str, str] | None = None) -> str:
        self.tried += 1
        raise self.error("SMS: OptedOut" if self.error is channels.Undeliverable else "SMS: Throttling")


def _job(alert_id: str, **fields: Any) -> Any:
    from chalicelib.notify.models import Job

    return Job(tenant_id="zhengzhou", alert_id=alert_id, level=1, staff=["zz.wang.fang"], at=now_utc(), **fields)


def test_a_refused_sms_falls_back_to_a_call_for_a_critical_alert(zz, client):
    from chalicelib.notify.sender import NotificationSender

    alert_id = sos(now_utc())
    aws_client("sqs").purge_queue(QueueUrl=aws_client("sqs").get_queue_url(QueueName=QUEUE)["QueueUrl"])
    refusing = Refusing(channels.Undeliverable)
    report = NotificationSender(ZZ, providers={channels.Channel.SMS: refusing,
                                               channels.Channel.VOICE: channels.RecorderVoice()}).handle(
        _job(alert_id, family=True))
    assert refusing.tried == 3 and sorted(calls()) == sorted([WANG_FANG, LI_NA, LI_QIANG])
    assert report.failed == {"sms": 3} and report.sent == {"voice": 3}
    detail = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    failed = [d for d in detail["deliveries"] if d["status"] == "failed"]
    assert len(failed) == 3 and all(d["channel"] == "sms" and "OptedOut" in d["reason"] for d in failed)


def test_a_provider_failing_for_now_leaves_the_delivery_to_the_retry_and_sends_it_once(zz, client):
    from chalicelib.notify.channels import SendFailed
    from chalicelib.notify.sender import NotificationSender

    alert_id = sos(now_utc())
    aws_client("sqs").purge_queue(QueueUrl=aws_client("sqs").get_queue_url(QueueName=QUEUE)["QueueUrl"])
    with pytest.raises(SendFailed):
        NotificationSender(ZZ, providers={channels.Channel.SMS: Refusing(SendFailed),
                                          channels.Channel.VOICE: channels.RecorderVoice()}).handle(_job(alert_id))
    before = len(texts())
    for _ in range(2):  # the queue's retry, then a redelivery of the same job
        NotificationSender(ZZ).handle(_job(alert_id))
    assert [p for p, _ in texts()[before:]] == [WANG_FANG]
