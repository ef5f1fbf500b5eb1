"""``make run``'s stack, for real: a moto server, the API on Chalice's local server and the
front end, in a subprocess on free ports (tests/e2e/conftest.py); driven over HTTP like a
newcomer with curl."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.e2e.helpers import token
from tests.support import ROOT

pytestmark = pytest.mark.e2e


def test_banner_prints_urls_and_demo_logins(stack):
    banner = stack["banner"]
    assert stack["api_url"] in banner and stack["web_url"] in banner
    for username in ("platform.admin", "zz.admin", "yc.admin", "zhengzhou.resident", "yinchuan.vendor"):
        assert username in banner
    assert stack["demo_password"] in banner


def test_a_printed_demo_token_reads_me_and_the_hierarchy(stack):
    h = {"Authorization": f"Bearer {token(stack, 'zz.admin')}"}
    me = requests.get(f"{stack['api_url']}/v1/me", headers=h, timeout=10)
    assert me.status_code == 200 and me.json()["tenant_id"] == "zhengzhou"
    tree = requests.get(f"{stack['api_url']}/v1/tenants/zhengzhou/hierarchy", headers=h, timeout=10).json()
    communities = [c["name"]["zh"] for d in tree["districts"] for s in d["children"] for c in s["children"]]
    assert "荆胡社区" in communities
    other = requests.get(f"{stack['api_url']}/v1/tenants/yinchuan", headers=h, timeout=10)
    assert other.status_code == 403 and other.json()["code"] == "forbidden"


def test_demo_staff_see_the_demo_residents_pending_registration(stack):
    h = {"Authorization": f"Bearer {token(stack, 'zz.wang.fang')}"}
    queue = requests.get(f"{stack['api_url']}/v1/communities/jinghu/registrations", headers=h, timeout=10).json()
    assert [q["username"] for q in queue["items"]] == ["zhengzhou.resident"]


def test_the_demo_cities_come_with_a_living_community(stack):
    api = stack["api_url"]

    def get(username: str, path: str) -> dict:
        r = requests.get(api + path, headers={"Authorization": f"Bearer {token(stack, username)}"}, timeout=10)
        assert r.status_code == 200, (path, r.text)
        return r.json()

    assert "zz.zhang.guilan" in stack["banner"] and "zz.li.na" in stack["banner"]
    assert get("zz.zhang.guilan", "/v1/me")["registration"]["status"] == "verified"
    assert get("zz.wang.jianjun", "/v1/me/requests")["items"]
    assert get("zz.admin", "/v1/communities/jinghu/requests?state=resolved")["items"]
    assert any(n["category"] == "emergency" for n in get("zz.zhang.guilan", "/v1/me/notices")["items"])
    votes = [c for c in get("zz.wang.jianjun", "/v1/consultations")["items"] if c["phase"] == "voting"]
    assert votes  # a demo owner has an open vote to cast
    nearby = get("zz.zhang.guilan", "/v1/services/nearby?category=canteen")["items"]
    assert nearby and nearby == sorted(nearby, key=lambda p: p["distance_m"])
    watching = get("zz.li.na", "/v1/me/care")
    assert watching["watching"] and watching["watching"][0]["subject_id"]
    assert get("yc.ma.wei", "/v1/me/care")["watching"]


def test_gateway_answers_are_json_like_in_aws(stack):
    missing = requests.get(f"{stack['api_url']}/v1/me", timeout=10)
    assert missing.status_code == 401 and missing.json()["code"] == "unauthorized"
    nowhere = requests.get(f"{stack['api_url']}/v1/nowhere", timeout=10)
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "not_found"


def test_front_end_is_served_with_its_config(stack):
    page = requests.get(stack["web_url"] + "/", timeout=10)
    assert page.status_code == 200 and "智慧社区云" in page.text
    config = requests.get(stack["web_url"] + "/config.json", timeout=10).json()
    assert config["apiUrl"] == stack["api_url"]


def test_tenancy_cli_applies_against_the_running_stack(stack):
    res = stack["resources"]
    env = {**stack["env"], "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
           "CC_AWS_ENDPOINT_URL": stack["aws_endpoint"], "AWS_REGION": res["region"],
           "CC_TABLE_NAME": res["table_name"], "CC_USER_POOL_ID": res["user_pool_id"],
           "CC_USER_POOL_CLIENT_ID": res["user_pool_client_id"]}
    out = subprocess.run([sys.executable, "-m", "chalicelib.tenancy", "apply", "tenants/zhengzhou.yaml"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["created"] == [] and report["updated"] == [] and report["removed"] == []


def test_the_simulated_sorting_station_credits_the_demo_households_cards(stack):
    """The simulator's 智能分类回收箱 drops waste with the demo's cards (tenants/demo/zhengzhou/points.yaml)
    on its event topic; the drops reach the households' ledgers through the broker, the bridge and the
    events function. Late in the run, so the station has had minutes of drops."""
    from iot.sim.community import cards_in

    api = stack["api_url"]
    h = {"Authorization": f"Bearer {token(stack, 'zz.wang.fang')}", "Content-Type": "application/json"}
    homes = set()
    for credential in cards_in(ROOT / "tenants" / "demo" / "zhengzhou" / "points.yaml"):
        r = requests.post(f"{api}/v1/points/lookup", headers=h, data=json.dumps(credential), timeout=10)
        assert r.status_code == 200, r.text
        homes.add(r.json()["household_id"])
    assert len(homes) == 7
    deadline = time.monotonic() + 120
    while True:
        dropped = [e for home in homes for e in requests.get(f"{api}/v1/points/households/{home}/ledger?limit=50",
                                                             headers=h, timeout=10).json()["items"]
                   if e.get("device_id") == "sim-sort-east"]
        if dropped or time.monotonic() > deadline:
            break
        time.sleep(5)
    assert dropped, stack["output"].text()[-3000:]
    assert "the simulator stopped" not in stack["output"].text()  # still dropping, not crashed after the first
    assert all(e["kind"] == "deposit" and e["weight_kg"] > 0 and e["spot"] == "东门垃圾分类积分站" for e in dropped)


def test_the_simulated_gate_makes_the_let_flat_a_rental_lead_within_minutes(stack):
    """The simulator's 东门门禁 reads the demo households' cards on its telemetry topic; 赵敏's flat, whose six
    cards come and go at all hours, becomes a 疑似群租 lead of 荆胡社区 through the broker, the queue and the
    telemetry function — and the ordinary families do not."""
    api = stack["api_url"]
    h = {"Authorization": f"Bearer {token(stack, 'zz.wang.fang')}"}
    deadline = time.monotonic() + 240
    while True:
        r = requests.get(f"{api}/v1/rental-leads?community_id=jinghu", headers=h, timeout=10)
        assert r.status_code == 200, r.text
        leads = r.json()["items"]
        if leads or time.monotonic() > deadline:
            break
        time.sleep(5)
    assert [lead["household_id"] for lead in leads] == ["jinghu-g1-b2-2-1203"], stack["output"].text()[-3000:]
    assert "many_cards" in leads[0]["reasons"] and leads[0]["weeks"][0]["cards"] >= 5
    assert leads[0]["household"] == "2号楼 2单元 1203"


def test_ctrl_c_stops_everything(stack):
    proc = stack["proc"]
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    host, port = stack["iot"]["broker_url"].removeprefix("mqtts://").split(":")
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=3)
    children = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert children == [], "mosquitto or the simulator outlived the stack"
    with pytest.raises(requests.ConnectionError):
        requests.get(stack["api_url"] + "/health", timeout=3)
    with pytest.raises(requests.ConnectionError):
        requests.get(stack["aws_endpoint"], timeout=3)

