"""Alerts reach subscribed devices by Web Push: the real pywebpush against a local push service that
checks the VAPID signature and decrypts each push with the device's keys (infra/local/push.py)."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.aws import client as aws_client
from chalicelib.config import reset_settings
from chalicelib.notify import keys
from chalicelib.notify.handler import handle_sqs
from chalicelib.notify.queue import QUEUE
from chalicelib.notify.repository import NotifyRepository, this_month
from infra import webpush_key
from infra.local.poller import sqs_event
from infra.local.push import LocalPushService
from tests.functional.places import post
from tests.functional.test_alert_notifications import ZZ, drain, now_utc, sos, texts, zz  # noqa: F401 (the fixture)
from tests.support import auth

SUBSCRIPTIONS = "/v1/me/push-subscriptions"


@pytest.fixture
def pushes(zz: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalPushService]:  # noqa: F811
    """A new key in the deployment's secret (as an operator puts it), and a push service."""
    aws_client("secretsmanager").put_secret_value(
        SecretId=os.environ["CC_VAPID_SECRET"],
        SecretString=webpush_key.secret_string(webpush_key.new_key()[0], "mailto:ops@zz.community.example.cn"))
    monkeypatch.setenv("CC_PUSH_HTTP", "1")
    reset_settings()
    keys.forget()
    service = LocalPushService().start()
    yield service
    service.stop()
    keys.forget()


def subscribe(client: Any, token: str, subscription: dict[str, Any], device: str = "李娜的手机") -> dict[str, Any]:
    r = post(client, SUBSCRIPTIONS, token, {**subscription, "device": device})
    assert r.status_code == 201, r.body
    return dict(r.json_body)


def test_an_sos_is_pushed_once_to_the_familys_subscribed_device(zz, client, pushes):  # noqa: F811
    li_na = zz.login("zz.li.na")
    key = client.http.get("/v1/push/key", headers=auth(li_na)).json_body["public_key"]
    assert len(key) == 87  # a P-256 point, base64url
    phone = pushes.device()
    device = subscribe(client, li_na, phone)
    assert client.http.get(SUBSCRIPTIONS, headers=auth(li_na)).json_body["items"] == [device]

    alert_id = sos(now_utc())
    jobs = drain()
    assert len(pushes.received) == 1, pushes.refused
    push = pushes.received[0]
    assert push.token == phone["endpoint"].rsplit("/", 1)[-1]
    assert push.payload["title"] == "紧急：一键呼救" and "荆胡社区" in push.payload["body"]
    assert push.payload["url"].startswith("https://zz.community.example.cn/ack.html?c=zhengzhou.")
    assert push.payload["tag"] == f"alert-{alert_id}"
    assert push.urgency == "high" and push.ttl == "3600" and push.subject == "mailto:ops@zz.community.example.cn"

    # Redelivered: nobody is pushed twice.
    sqs = aws_client("sqs")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"], MessageBody=jobs[0])
    drain()
    assert len(pushes.received) == 1

    staff = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    pushed = [d for d in staff["deliveries"] if d["channel"] == "push"]
    assert [(d["level"], d["to"], d["device"], d["status"]) for d in pushed] == [
        (1, "李*（子女）", "李娜的手机", "sent")]


def test_a_410_forgets_the_device_and_push_is_outside_the_sms_quota(zz, client, pushes, monkeypatch):  # noqa: F811
    from chalicelib.notify import sender

    li_na = zz.login("zz.li.na")
    gone, kept = pushes.device(), pushes.device()
    subscribe(client, li_na, gone, "旧手机")
    subscribe(client, li_na, kept, "李娜的平板")
    pushes.gone(gone["endpoint"].rsplit("/", 1)[-1])
    monkeypatch.setattr(sender.City, "limits", {sender.Channel.SMS: 1, sender.Channel.VOICE: 1})
    assert NotifyRepository(ZZ).count(sender.Channel.SMS, this_month("Asia/Shanghai"), 1)  # the month's one SMS
    before = len(texts())

    alert_id = sos(now_utc())
    drain()
    assert len(texts()) == before  # the quota is used up: no SMS …
    assert [p.token for p in pushes.received] == [kept["endpoint"].rsplit("/", 1)[-1]]  # … the push still goes
    left = client.http.get(SUBSCRIPTIONS, headers=auth(li_na)).json_body["items"]
    assert [d["device"] for d in left] == ["李娜的平板"]
    detail = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    push = sorted((d["device"], d["status"]) for d in detail["deliveries"] if d["channel"] == "push")
    assert push == [("旧手机", "failed"), ("李娜的平板", "sent")]


def test_subscriptions_are_checked_capped_and_removed(zz, client, pushes):  # noqa: F811
    li_na = zz.login("zz.li.na")
    phone = pushes.device()
    bad = post(client, SUBSCRIPTIONS, li_na, {**phone, "endpoint": "ftp://push.example.cn/x"})
    assert bad.status_code == 400 and "endpoint" in bad.body.decode()
    bad = post(client, SUBSCRIPTIONS, li_na, {**phone, "keys": {"p256dh": "short", "auth": phone["keys"]["auth"]}})
    assert bad.status_code == 400 and "p256dh" in bad.body.decode()
    ids = [subscribe(client, li_na, pushes.device(), f"设备{i}")["id"] for i in range(10)]
    _outside_the_local_stack_only_browsers_push_services_are_taken(client, li_na, phone)
    full = post(client, SUBSCRIPTIONS, li_na, phone)
    assert full.status_code == 400 and "endpoint" in full.body.decode()
    r = client.http.delete(f"{SUBSCRIPTIONS}/{ids[0]}", headers=auth(li_na))
    assert r.status_code == 200 and len(r.json_body["items"]) == 9
    assert client.http.delete(f"{SUBSCRIPTIONS}/{ids[0]}", headers=auth(li_na)).status_code == 404
    # Another person in the same city does not see or remove 李娜's devices.
    wang = zz.login("zz.wang.fang")
    assert client.http.get(SUBSCRIPTIONS, headers=auth(wang)).json_body["items"] == []
    assert client.http.delete(f"{SUBSCRIPTIONS}/{ids[1]}", headers=auth(wang)).status_code == 404


def test_a_push_service_that_cannot_be_reached_does_not_hold_the_sms(zz, client, pushes):  # noqa: F811
    li_na = zz.login("zz.li.na")
    unreachable = LocalPushService().start()
    subscribe(client, li_na, unreachable.device())
    unreachable.stop()  # the push service is down: the push fails for now
    before = len(texts())
    sos(now_utc())
    sqs = aws_client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(handle_sqs(sqs_event(batch, arn), None)["batchItemFailures"]) == 1  # retried by the queue …
    assert len(texts()) == before + 3  # … and everyone was texted meanwhile


def test_a_job_that_failed_for_now_comes_back_after_its_backoff_not_the_queues_timeout(
        zz, client, pushes, monkeypatch):  # noqa: F811
    from chalicelib.notify import handler

    assert [handler.backoff_seconds(n, random.Random(1)) for n in (1, 2, 3, 4, 9)] == [
        pytest.approx(s, rel=0.2) for s in (15, 60, 180, 600, 600)]
    monkeypatch.setattr(handler, "BACKOFF_SECONDS", (1, 1, 1, 1))  # 1 s (± 20 %) instead of 15 s
    li_na = zz.login("zz.li.na")
    unreachable = LocalPushService().start()
    subscribe(client, li_na, unreachable.device())
    unreachable.stop()
    sos(now_utc())
    sqs = aws_client("sqs")
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert len(handle_sqs(sqs_event(batch, arn), None)["batchItemFailures"]) == 1
    started = time.monotonic()
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5,
                                AttributeNames=["All"]).get("Messages", [])
    assert [m["MessageId"] for m in again] == [batch[0]["MessageId"]]  # back within seconds, not 180 s
    assert time.monotonic() - started < 5 and again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def _outside_the_local_stack_only_browsers_push_services_are_taken(client, token, phone):
    os.environ.pop("CC_PUSH_HTTP")
    reset_settings()
    try:
        for endpoint in ("http://fcm.googleapis.com/fcm/send/x", "https://169.254.169.254/latest/meta-data",
                         "https://fcm.googleapis.com.evil.example.cn/x", "https://push.example.cn/x"):
            bad = post(client, SUBSCRIPTIONS, token, {**phone, "endpoint": endpoint})
            assert bad.status_code == 400 and "endpoint" in bad.body.decode(), endpoint
        # The eleventh device would be one too many: the service is accepted, the cap refuses it.
        over = post(client, SUBSCRIPTIONS, token, {**phone, "endpoint": "https://fcm.googleapis.com/fcm/send/abc"})
        assert over.status_code == 400 and "10" in over.body.decode()
    finally:
        os.environ["CC_PUSH_HTTP"] = "1"
        reset_settings()


def test_the_key_is_the_deployments_secret_and_the_browsers_get_its_public_half(zz, client, pushes):  # noqa: F811
    sm = aws_client("secretsmanager")
    secret = os.environ["CC_VAPID_SECRET"]
    li_na = zz.login("zz.li.na")
    private, public = webpush_key.new_key()
    sm.put_secret_value(SecretId=secret, SecretString=webpush_key.secret_string(private, "mailto:ops@zz.example.cn"))
    keys.forget()
    assert client.http.get("/v1/push/key", headers=auth(li_na)).json_body == {"public_key": public}  # derived
    phone = pushes.device()
    subscribe(client, li_na, phone)
    sos(now_utc())
    drain()
    assert [p.subject for p in pushes.received] == ["mailto:ops@zz.example.cn"]  # signed with that key


def test_without_a_key_in_the_secret_push_is_not_set_up_and_says_so(zz, client, pushes):  # noqa: F811
    sm = aws_client("secretsmanager")
    secret = os.environ["CC_VAPID_SECRET"]
    li_na = zz.login("zz.li.na")
    subscribe(client, li_na, pushes.device())
    for value in ('{"private_key": "not-a-key"}', "{}", "-----BEGIN PRIVATE KEY-----"):  # not a VAPID key
        sm.put_secret_value(SecretId=secret, SecretString=value)
        keys.forget()
        assert client.http.get("/v1/push/key", headers=auth(li_na)).json_body == {"public_key": ""}, value
    alert_id = sos(now_utc())
    drain()
    assert pushes.received == []  # nothing pushed …
    staff = client.http.get(f"/v1/alerts/{alert_id}", headers=auth(zz.login("zz.wang.fang"))).json_body
    failed = [d for d in staff["deliveries"] if d["channel"] == "push"]
    assert [d["status"] for d in failed] == ["failed"] and "VAPID" in failed[0]["reason"]  # … and it says why
