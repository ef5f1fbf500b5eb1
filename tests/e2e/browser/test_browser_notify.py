"""Alert SMS and calls in the browser, from a real alert: a smoke alarm published by a device of 王建军's
home (荆胡社区 2号楼 1单元 801, grid jinghu-g1) is texted to the grid worker 王芳 by the stack's sender. The
SMS's link, opened on a phone without signing in (and in elder mode), answers 我去看看 once; the
alert's record on the staff board and on the resident's safety screen shows the SMS merged into the
alert's steps, read only when opened (an SMS held back and a failed call, added on the way to the page,
show their reason and a word); the city admin's outbox and the platform's per-city outbox list
it with the month's use; a resident's alert settings are saved and read back. axe-core on every screen.

Data used here and nobody else's: the alert of a device this module provisions; zz.zhou.qiang's settings."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from iot.mqtt import Identity, MqttLink, save_identity
from iot.sim.provision import new_key_and_csr
from iot.topics import topic
from tests.e2e.browser.conftest import SCREENSHOTS
from tests.e2e.browser.site import ELDER, Site
from tests.e2e.helpers import api

pytestmark = pytest.mark.e2e

HOME = {"community_id": "jinghu", "household_id": "jinghu-g1-b2-1-801"}  # 王建军's home
RESIDENT = "zz.wang.jianjun"
GRID_WORKER, GRID_WORKER_PHONE = "zz.wang.fang", "+8613903711101"
SETTINGS_USER = "zz.zhou.qiang"  # nobody's family contact: his channels change nobody else's test
MISSED = {"level": 1, "to": "李*（子女）", "kind": "family", "latency_ms": None}
SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")


class Watch:
    """API calls a page made, and what went wrong on it: failed calls, console errors, exceptions."""

    def __init__(self, site: Site) -> None:
        self.site, self.calls, self.failed, self.console = site, [], [], []
        site.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        site.page.on("response", self._response)

    def _response(self, r) -> None:
        if r.url.startswith(self.site.api) and r.request.method != "OPTIONS":
            self.calls.append(f"{r.request.method} {r.url.split('?')[0][len(self.site.api):]}")
            if r.status >= 400:
                self.failed.append(f"{r.request.method} {r.url} → {r.status}")

    def single_reads(self, alert_id: str) -> int:
        return self.calls.count(f"GET /v1/alerts/{alert_id}")

    def assert_clean(self, expected_failures: int = 0) -> None:
        assert not self.site.errors, self.site.errors
        assert len(self.failed) == expected_failures, self.failed
        others = [m for m in self.console if "Failed to load resource" not in m]  # refused calls: counted above
        assert not others, others


def _smoke_alarm(stack: dict, folder: Path) -> str:
    """A smoke detector provisioned as its vendor would (CSR), connected with its own certificate,
    publishing one alarm; its device id."""
    device_id = f"br-smoke-{uuid.uuid4().hex[:8]}"
    key, csr = new_key_and_csr(device_id)
    body = api(stack, "zhengzhou.vendor", "POST", "/v1/vendor/devices", {
        "device_id": device_id, "type": "smoke", "serial": f"BR-{device_id}", "credentials": "csr", "csr": csr, **HOME})
    conn, cert = body["connection"], body["certificate"]
    identity: Identity = save_identity(folder, conn["client_id"], cert["certificate_pem"], key, conn["root_ca_pem"])
    link = MqttLink(conn["endpoint"], conn["port"], identity).start(10.0)
    try:
        payload = json.dumps({"ts": int(time.time() * 1000), "metrics": {"alarm": 1}}).encode()
        assert link.publish(topic("zhengzhou", body["thing_name"], "event"), payload, 10.0) == 0
    finally:
        link.stop()
    return device_id


def _sms_links(stack: dict, phone: str) -> list[str]:
    """The one-time codes of the SMS moto's SNS took for ``phone`` (data.json is all of moto's state:
    slow to make, so it is read once the SMS is known to be sent)."""
    sent = requests.get(stack["aws_endpoint"] + "/moto-api/data.json", timeout=90).json()["sns"]["SMS"]
    return [s["message"].rsplit("?c=", 1)[1] for s in sent if s["phone_number"] == phone and "?c=" in s["message"]]


@pytest.fixture(scope="module")
def texted(stack, tmp_path_factory) -> Iterator[dict]:
    """The alert of a smoke alarm and the code of the SMS's link that 王芳 received about it."""
    device_id = _smoke_alarm(stack, tmp_path_factory.mktemp("br-device"))
    deadline = time.monotonic() + 30
    alert = None
    while alert is None and time.monotonic() < deadline:
        items = api(stack, GRID_WORKER, "GET", "/v1/alerts?state=open&severity=critical&limit=200")["items"]
        alert = next((a for a in items if a["device_id"] == device_id), None)
        time.sleep(0.2)
    assert alert is not None, "no alert of the smoke alarm within 30 s:\n" + stack["output"].text()[-3000:]
    path = f"/v1/alerts/{alert['alert_id']}"
    while not any(d["channel"] == "sms" and d["to"] == "王芳" and d["status"] in ("sent", "delivered")
                  for d in api(stack, GRID_WORKER, "GET", path)["deliveries"]):
        assert time.monotonic() < deadline + 15, "王芳 was not texted:\n" + stack["output"].text()[-3000:]
        time.sleep(0.3)
    code = next((c for c in reversed(_sms_links(stack, GRID_WORKER_PHONE))
                 if requests.get(f"{stack['api_url']}/v1/alert-links/{c}", timeout=10).json().get("alert_id")
                 == alert["alert_id"]), None)
    assert code is not None, "the SMS sent to 王芳 has no link to the alert"
    yield {"alert": alert, "code": code}


def _no_session(site: Site) -> None:
    assert site.page.evaluate("() => sessionStorage.getItem('cc.session')") is None


def test_the_sms_link_answers_on_my_way_once_without_signing_in(open_site, stack, texted):
    alert_id, code = texted["alert"]["alert_id"], texted["code"]
    # GIVEN the link as the SMS gives it, opened on a phone in elder mode, nobody signed in
    phone = open_site("elder", init_script=ELDER)
    watch = Watch(phone)
    phone.page.goto(f"{phone.web}/ack.html?c={code}")
    phone.screen("ack")
    assert phone.page.url.endswith(f"#/ack?c={code}")  # forwarded to the screen, the code in the hash
    text = phone.main_text()
    assert "烟雾" in text and "荆胡社区" in text and "还没有人处理" in text and "紧急" in text
    assert re.search(r"\d+月\d+日 \d{2}:\d{2}", text)  # the time as the SMS gave it (Beijing time)
    _no_session(phone)
    buttons = phone.page.locator(".ack-choice button")
    assert buttons.all_inner_texts() == ["我去看看", "已联系上"]
    assert min(buttons.nth(i).bounding_box()["height"] for i in range(2)) >= 72  # big, for a thumb
    phone.axe("SMS link, elder mode")

    # WHEN they answer 我去看看
    phone.page.get_by_role("button", name="我去看看").click()
    done = phone.page.locator("#ack-done")
    done.wait_for()
    # THEN a plain confirmation, the alert acknowledged in the community's record, still no session
    assert "已告诉社区" in done.inner_text() and "赶去查看" in done.inner_text()
    assert phone.page.locator(".ack-choice").count() == 0
    _no_session(phone)
    phone.axe("SMS link answered, elder mode")
    watch.assert_clean()
    assert not [c for c in watch.calls if not c.startswith(("GET /v1/alert-links/", "POST /v1/alert-links/"))]
    seen = api(stack, GRID_WORKER, "GET", f"/v1/alerts/{alert_id}")
    assert seen["state"] == "acknowledged"
    assert any(e["note"] == "我去看看（短信链接）" for e in seen["timeline"])

    # AND the link opened again says it was used, and with what; a link that is not one of ours is explained
    again = open_site("used")
    again.open(f"#/ack?c={code}")
    again.screen("ack")
    used = again.page.locator("#ack-used")
    assert "已经用过了" in used.inner_text() and "我去看看" in used.inner_text()
    assert again.page.locator(".ack-choice").count() == 0
    again.axe("SMS link used")
    again.open("#/ack?c=zhengzhou.AAAAAAAAAAAA")
    again.screen("ack")
    assert "链接已失效" in again.main_text() and "120" in again.main_text()
    again.axe("SMS link unknown")
    _no_session(again)


def test_the_alert_record_shows_its_sms_merged_in_and_is_read_only_when_opened(open_site, stack, texted):
    alert = api(stack, GRID_WORKER, "GET", f"/v1/alerts/{texted['alert']['alert_id']}")
    alert_id = alert["alert_id"]
    staff = open_site("staff")
    watch = Watch(staff)
    staff.sign_in(GRID_WORKER)
    assert staff.page.locator("#app-nav").get_by_role("link", name="提醒设置").count() == 1
    staff.open(f"#/console/alerts?state={alert['state']}&severity=critical")
    staff.screen("console-alerts")
    item = staff.page.locator(f"#alert-{alert_id}")
    item.wait_for()
    assert watch.single_reads(alert_id) == 0  # the list alone: no request per alert
    item.locator("summary").click()
    record = item.locator(".timeline")
    record.filter(has_text="已短信通知 王芳").wait_for()
    assert watch.single_reads(alert_id) == 1
    entries = record.locator(".timeline__item")
    titles = entries.locator(".timeline__title").all_inner_texts()
    texted_at = next(i for i, t in enumerate(titles) if t.startswith("已短信通知 王芳"))
    raised_at = next(i for i, t in enumerate(titles) if t.startswith("告警产生"))
    assert raised_at < texted_at  # by time: raised, then texted
    assert SECONDS.search(entries.nth(texted_at).inner_text())
    staff.axe("alert record with its SMS")
    item.locator("summary").click()  # closed, opened again: read once
    item.locator("summary").click()
    record.filter(has_text="已短信通知 王芳").wait_for()
    assert watch.single_reads(alert_id) == 1
    watch.assert_clean()

    # the household's resident sees it too, the worker shown as 工作人员; an SMS held back and a call that
    # failed (added on the way to the page, as the API reports them) carry their reason and a word
    home = open_site("resident")
    seen = Watch(home)  # (the safety screen may find no care data for him: those answers are expected)

    def with_misses(route):
        res = route.fetch()
        doc = res.json()
        at = doc["deliveries"][0]["at"] if doc["deliveries"] else doc["opened_at"]
        doc["deliveries"] += [
            {**MISSED, "channel": "sms", "status": "skipped", "reason": "免打扰时段 / quiet hours", "at": at},
            {**MISSED, "channel": "voice", "status": "failed", "reason": "号码无法接通 / unreachable", "at": at}]
        route.fulfill(response=res, json=doc)

    home.page.route(f"**/v1/alerts/{alert_id}", with_misses)
    home.sign_in(RESIDENT)
    home.open("#/safety")
    home.screen("safety-home")
    mine = home.page.locator(".sf-alert").filter(has_text="烟雾")
    mine.first.wait_for()
    assert seen.single_reads(alert_id) == 0
    mine.first.locator("summary").click()
    record = mine.first.locator(".timeline")
    record.filter(has_text="已短信通知 工作人员").wait_for()
    assert "王芳" not in mine.first.inner_text()
    held = record.locator(".timeline__item").filter(has_text="没有短信通知 李*（子女）")
    assert held.locator(".badge").inner_text() == "未发送" and "原因：免打扰时段" in held.inner_text()
    failed = record.locator(".timeline__item").filter(has_text="电话没能打给 李*（子女）")
    assert failed.locator(".badge").inner_text() == "失败" and "号码无法接通" in failed.inner_text()
    home.axe("household alert record")
    assert not home.errors and not [f for f in seen.failed if "/v1/alerts/" in f]


def test_a_resident_turns_sms_off_and_sets_quiet_hours_and_they_are_kept(open_site, stack):
    site = open_site("elder", init_script=ELDER)
    site.sign_in(SETTINGS_USER)
    site.page.get_by_role("link", name="短信和电话").click()
    site.screen("me-notifications")
    sms = site.page.get_by_role("switch", name="给我发短信")
    assert sms.is_checked()
    box = site.page.locator('[data-field="sms"] .switch-track').bounding_box()
    assert box["height"] >= 48 and box["width"] >= 90  # big switches in elder mode
    site.axe("alert settings, elder mode")

    sms.uncheck()
    assert "关" in site.page.locator('[data-field="sms"] label').inner_text()  # the state in a word, not colour alone
    site.page.get_by_role("switch", name="夜里不发短信").check()
    start = site.page.locator('input[name="quiet_hours.start"]')
    start.wait_for()
    assert start.input_value() == "22:00"
    start.fill("")
    site.page.get_by_role("button", name="保存设置").click()
    assert "请填写" in site.page.locator('[data-error-for="quiet_hours.start"]').inner_text() \
        or "必填" in site.page.locator('[data-error-for="quiet_hours.start"]').inner_text()
    start.fill("23:30")
    site.page.get_by_role("button", name="保存设置").click()
    site.page.locator("#toast").filter(has_text="保存").wait_for()
    assert api(stack, SETTINGS_USER, "GET", "/v1/me/notification-settings") == {
        "sms": False, "voice": True, "push": True, "quiet_hours": {"start": "23:30", "end": "07:00"}}

    site.reload()
    site.screen("me-notifications")
    assert not site.page.get_by_role("switch", name="给我发短信").is_checked()
    assert site.page.get_by_role("switch", name="夜里不发短信").is_checked()
    assert site.page.locator('input[name="quiet_hours.start"]').input_value() == "23:30"
    site.axe("alert settings after reload, elder mode")


def test_the_outbox_lists_the_sms_with_the_months_use_for_the_city_and_the_platform(open_site, stack, texted):
    alert_id = texted["alert"]["alert_id"]
    admin = open_site("city-admin")
    watch = Watch(admin)
    admin.sign_in("zz.admin")
    admin.page.locator("#app-nav").get_by_role("link", name="短信电话").click()
    admin.screen("console-outbox")
    row = admin.page.locator(f'tr[data-alert="{alert_id}"][data-channel="sms"]').filter(has_text="王芳")
    row.wait_for()
    shown = row.inner_text()  # sent, or by now delivered (the carrier's receipt)
    assert "短信" in shown and ("已发出" in shown or "已送达" in shown) and "第 1 级" in shown
    used = admin.page.locator('[data-quota="sms_per_month"]')
    assert int(used.locator("[data-used]").inner_text().replace(",", "")) >= 1
    assert used.locator("[data-limit]").inner_text() == "20,000"
    assert admin.page.locator('[data-quota="voice_calls_per_month"] [data-limit]').inner_text() == "2,000"
    admin.axe("outbox")
    watch.assert_clean()

    ops = open_site("platform", width=1280, height=900)
    ops.sign_in("platform.admin", expect=None)
    ops.screen("ops", timeout=45_000)  # every city's figures from moto's CloudWatch: slow on a loaded machine
    ops.page.get_by_role("link", name="查看郑州市的短信与电话记录").click()
    ops.screen("ops-outbox")
    assert "郑州" in ops.page.locator("h1").inner_text()
    ops.page.locator(f'tr[data-alert="{alert_id}"][data-channel="sms"]').first.wait_for()
    ops.axe("platform: a city's outbox")


def test_the_service_worker_shows_an_alert_pushed_to_it(open_site, stack):
    """Chromium here cannot subscribe at its vendor's push service (offline): the push is delivered
    to the registered service worker through the DevTools protocol, as a push service would."""
    site = open_site("push")
    site.page.context.grant_permissions(["notifications"], origin=site.web)
    watch = Watch(site)
    cdp = site.page.context.new_cdp_session(site.page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    site.sign_in(GRID_WORKER)
    scope = site.page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{site.web}/"
    site.page.wait_for_function("navigator.serviceWorker.ready.then((r) => !!r.active)")
    deadline = time.monotonic() + 10
    while not any(r["scopeURL"] == scope and not r.get("isDeleted") for r in registrations):
        assert time.monotonic() < deadline, registrations
        site.page.wait_for_timeout(50)  # the protocol's event, not a fixed sleep: polled until it came
    registration = next(r for r in registrations if r["scopeURL"] == scope)
    payload = {"title": "紧急：一键呼救", "body": "荆胡社区1号楼 智能手环 12月7日03:25",
               "url": f"{site.web}/#/console/alerts", "tag": "alert-0123456789abcdef0123456789abcdef"}
    again = {**payload, "body": payload["body"] + "（仍未确认）"}
    for push in (payload, again):  # the same alert pushed twice: one notification (its tag), the newer
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": site.web,
                                                      "registrationId": registration["registrationId"],
                                                      "data": json.dumps(push, ensure_ascii=False)})
        site.page.wait_for_function("""(body) => navigator.serviceWorker.ready.then((r) => r.getNotifications())
            .then((n) => n.some((x) => x.body === body))""", arg=push["body"])
    # Chromium's getNotifications() may briefly answer [] while a notification is being replaced: the
    # list is read until it holds the newer push, then checked.
    deadline = time.monotonic() + 10
    while True:
        shown = site.page.evaluate("""navigator.serviceWorker.ready.then((r) => r.getNotifications())
            .then((n) => n.map((x) => ({title: x.title, body: x.body, tag: x.tag, icon: x.icon})))""")
        if any(n["body"] == again["body"] for n in shown) or time.monotonic() > deadline:
            break
        site.page.wait_for_timeout(50)
    assert len(shown) == 1 and shown[0]["title"] == payload["title"] and shown[0]["tag"] == payload["tag"], shown
    assert shown[0]["body"] == again["body"]
    assert shown[0]["icon"].endswith("/favicon.svg")
    watch.assert_clean()


# Chromium here is offline: its vendor's push service cannot register a subscription. The browser's
# subscribe is given the local push service's subscription instead (infra/local/push.py, what a
# vendor hands a browser); everything around it — permission, the deployment's key, the API, the
# device list — is the product's own.
VENDOR = """(() => {
  const device = %s;
  const sub = { endpoint: device.endpoint, options: {},
                toJSON: () => ({ endpoint: device.endpoint, expirationTime: null, keys: device.keys }),
                unsubscribe: async () => { sessionStorage.removeItem("vendor.subscribed"); return true; } };
  PushManager.prototype.subscribe = async function (opts) {
    const key = new Uint8Array(opts.applicationServerKey);
    sessionStorage.setItem("vendor.key", btoa(String.fromCharCode(...key)).replace(/\\+/g, "-")
      .replace(/\\//g, "_").replace(/=+$/, ""));
    sessionStorage.setItem("vendor.subscribed", "1");
    return sub;
  };
  PushManager.prototype.getSubscription = async function () {
    return sessionStorage.getItem("vendor.subscribed") ? sub : null;
  };
})();"""


def test_push_is_turned_on_for_this_device_listed_and_turned_off_from_the_settings(open_site, stack):
    from infra.local.push import LocalPushService

    device = LocalPushService(port=1).device()  # a subscription as a vendor makes one (never started)
    site = open_site("push-settings", init_script=ELDER + VENDOR % json.dumps(device))
    site.page.context.grant_permissions(["notifications"], origin=site.web)
    watch = Watch(site)
    site.sign_in(SETTINGS_USER)
    site.open("#/me/notifications")
    site.screen("me-notifications")
    card = site.page.locator(".push-card")
    assert card.locator('[data-push-state="ready"]').is_visible()
    assert "还没有设备" in site.page.locator('[data-push-devices="0"]').inner_text()
    site.axe("push off, elder mode")

    site.page.get_by_role("button", name="在这部手机上接收提醒").click()
    site.page.locator('[data-push-state="on"]').wait_for()
    site.page.locator("#toast").filter(has_text="已开启推送").wait_for()
    key = api(stack, SETTINGS_USER, "GET", "/v1/push/key")["public_key"]
    assert site.page.evaluate("sessionStorage.getItem('vendor.key')") == key  # subscribed with the deployment's key
    mine = api(stack, SETTINGS_USER, "GET", "/v1/me/push-subscriptions")["items"]
    assert len(mine) == 1 and mine[0]["device"] == "Linux 电脑 · Chrome", mine  # named from the user agent
    row = site.page.locator(f'[data-device="{mine[0]["id"]}"]')
    assert "本设备" in row.inner_text() and "Linux 电脑" in row.inner_text()
    site.axe("push on, elder mode")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site.page.screenshot(path=str(SCREENSHOTS / "test_push_settings--push-on-elder.png"), full_page=True)

    site.reload()  # still on after a reload: this device is recognised among mine
    site.screen("me-notifications")
    site.page.locator('[data-push-state="on"]').wait_for()
    row.get_by_role("button", name="关闭本设备推送").click()
    site.page.locator('[data-push-devices="0"]').wait_for()
    assert site.page.locator('[data-push-state="ready"]').is_visible()
    assert api(stack, SETTINGS_USER, "GET", "/v1/me/push-subscriptions")["items"] == []
    assert site.page.evaluate("sessionStorage.getItem('vendor.subscribed')") is None  # the browser unsubscribed too
    watch.assert_clean()


def test_a_browser_that_blocked_notifications_is_told_how_to_allow_them(open_site, stack):
    site = open_site("push-denied")  # headless Chromium answers the permission prompt "denied"
    watch = Watch(site)
    site.sign_in(SETTINGS_USER)
    site.open("#/me/notifications")
    site.screen("me-notifications")
    site.page.get_by_role("button", name="在本设备接收推送通知").click()
    denied = site.page.locator('[data-push-state="denied"]')
    denied.wait_for()
    assert "网站设置" in denied.inner_text()
    assert api(stack, SETTINGS_USER, "GET", "/v1/me/push-subscriptions")["items"] == []
    site.axe("push denied")
    watch.assert_clean()
