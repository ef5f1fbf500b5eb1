"""``make run``: the whole local stack, stopped by Ctrl-C.

moto (the local AWS) → resources from infra/template.json (with the ops dashboard and alarms of
template.d/40-ops.json, and a sink turning every metric the code emits into PutMetricData on
moto's CloudWatch) → every manifest in tenants/
→ demo logins → the API (Chalice local server) → the front end (static files) → the IoT side
(infra/local/iot_side.py: mosquitto with mutual TLS, the rule bridge, the queue poller) →
the device simulator (a child process). Connection details are written to
``.local/stack.json`` for ``make token``; the IoT side's files sit beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import signal
import sys
import threading
from dataclasses import asdict, dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
from chalice.local import LocalDevServer
from moto.server import ThreadedMotoServer

from chalicelib.constants import PUBLIC_URL, VOICE_SENDER
from infra.local import iot_side
from infra.local.bootstrap import allow_site_origin, bootstrap
from infra.local.carrier import Carrier
from infra.local.certificates import configure_moto
from infra.local.iot_side import IotSide, SimulatorPlan
from infra.local.metrics_sink import CloudWatchSink
from infra.local.moto_atomic import make_dynamodb_atomic
from infra.local.moto_metric_index import make_cloudwatch_indexed
from infra.local.moto_percentiles import make_cloudwatch_percentiles
from infra.local.moto_transactions import make_dynamodb_transactions_light
from infra.local.push import LocalPushService, push_env
from infra.local.schedules import Scheduler

ROOT = Path(__file__).resolve().parents[2]


def state_file() -> Path:
    """Where the running stack writes its connection details (CC_LOCAL_STATE overrides)."""
    return Path(os.environ.get("CC_LOCAL_STATE", ROOT / ".local" / "stack.json"))


def _env_defaults() -> None:
    # moto accepts any credentials; real ones must never reach it.
    for k in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[k]
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local"})


@dataclass
class Stack:
    info: dict[str, Any]
    moto: ThreadedMotoServer
    api: LocalDevServer
    web: ThreadingHTTPServer
    scheduler: Scheduler
    iot: IotSide
    metrics: CloudWatchSink
    carrier: Carrier

    def stop(self) -> None:
        from chalicelib import observability

        self.iot.stop()  # devices first, the broker last: nothing is left publishing into a stopped cloud
        self.scheduler.stop()
        self.carrier.stop()
        self.web.shutdown()
        self.api.shutdown()
        observability.set_sink(None)
        self.metrics.stop()  # the last metrics reach moto before it stops
        self.moto.stop()


def start(host: str, moto_port: int, api_port: int, web_port: int, mqtt_port: int = 0,
          simulator: SimulatorPlan | None = None) -> Stack:
    _env_defaults()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    make_dynamodb_transactions_light()  # rollback of the items a transaction names (before the lock wraps it)
    make_dynamodb_atomic()  # API, bridge and poller write at once (infra/local/moto_atomic.py)
    make_cloudwatch_percentiles()  # p50 / p99 series of the dashboards (infra/local/moto_percentiles.py)
    make_cloudwatch_indexed()  # reads that stay fast as metrics pile up (infra/local/moto_metric_index.py)
    configure_moto()  # certificate ids as AWS IoT makes them, which the broker's gateway computes
    moto = ThreadedMotoServer(ip_address=host, port=moto_port, verbose=False)
    moto.start()
    moto_host, moto_real_port = moto.get_host_and_port()
    endpoint = f"http://{moto_host}:{moto_real_port}"
    res = bootstrap(endpoint, ops=True)
    os.environ.update(res.env(endpoint))
    os.environ[VOICE_SENDER] = "recorder"  # calls are kept (and shown in the outbox), not placed
    os.environ.update(push_env())  # Web Push: the local push service's http allowed (the key: in moto's secret)
    push_service = LocalPushService(host).start()
    from chalicelib import observability

    # What CloudWatch does with the EMF lines in Lambda: from here on (manifests, seed, API, IoT side).
    metrics = CloudWatchSink(boto3.client("cloudwatch", region_name=res.region, endpoint_url=endpoint)).start()
    observability.set_sink(metrics)
    ca_dir, mqtt_port = iot_side.configure(state_file().parent, host, mqtt_port)

    from chalicelib.config import reset_settings
    from chalicelib.tenancy import manifest
    from chalicelib.tenancy.apply import apply_manifest
    from infra.local.api import serve
    from infra.local.demo import DEMO_PASSWORD, create_demo_logins, seeded_logins
    from infra.local.seed import seed

    reset_settings()
    manifests = []
    for path in sorted((ROOT / "tenants").glob("*.yaml")):
        m = manifest.load(path.read_text(encoding="utf-8"))
        report = apply_manifest(m)
        print(f"  tenant {m.tenant_id:<10} {m.name.zh}: {len(report.created)} records, "
              f"{len(report.users_created)} users", flush=True)
        manifests.append(m)
    logins = create_demo_logins(manifests)
    for m in manifests:
        written = seed(m, DEMO_PASSWORD)
        logins += seeded_logins(m.tenant_id)
        if written:
            print(f"  demo data  {m.tenant_id:<10} " + ", ".join(f"{n} {c}" for n, c in written.items()), flush=True)

    api = serve(host, api_port)
    # The browser signs in against moto's Cognito (it answers CORS preflights); in AWS the site
    # derives https://cognito-idp.<region>.amazonaws.com/ from the region instead.
    site_config = json.dumps({"apiUrl": f"http://{host}:{api.server.server_address[1]}",
                              "region": res.region, "userPoolClientId": res.user_pool_client_id,
                              "cognitoEndpoint": endpoint}).encode()
    web = ThreadingHTTPServer((host, web_port), functools.partial(
        _StaticSite, directory=str(ROOT / "frontend"), site_config=site_config))
    threading.Thread(target=web.serve_forever, name="web", daemon=True).start()
    os.environ[PUBLIC_URL] = f"http://{host}:{web.server_address[1]}"  # the alert SMS's links open here
    # photos go from the browser straight to moto's S3 (presigned POST): the site's origin may POST there
    allow_site_origin(boto3.client("s3", region_name=res.region, endpoint_url=endpoint), res.uploads_bucket,
                      os.environ[PUBLIC_URL])
    reset_settings()

    info: dict[str, Any] = {
        "aws_endpoint": endpoint, "api_url": f"http://{host}:{api.server.server_address[1]}",
        "web_url": f"http://{host}:{web.server_address[1]}", "demo_password": DEMO_PASSWORD,
        "resources": res.as_dict(), "logins": [asdict(login) for login in logins],
        "push_service": push_service.origin,
    }
    state_dir = state_file().parent
    iot = iot_side.start(state_dir, ca_dir, host, mqtt_port, res.region)
    info["iot"] = iot.info
    if simulator is not None:
        from chalicelib.auth.users import sign_in

        info["iot"]["simulator"] = iot_side.simulator_preview(simulator)
        token = sign_in(f"{simulator.tenant}.vendor", DEMO_PASSWORD)["id_token"]
        iot_side.start_simulator(iot, simulator, info["api_url"], token, state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    state_file().write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    scheduler = Scheduler()
    scheduler.start()
    carrier = Carrier(res.region)  # SMS delivery receipts, as SNS's delivery status logs give them
    carrier.start()
    return Stack(info, moto, api, web, scheduler, iot, metrics, carrier)


_UTF8_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".json": "application/json; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
               ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8"}


class _StaticSite(SimpleHTTPRequestHandler):
    """Serves frontend/ as S3/CloudFront would, plus the deployment's /config.json."""


    def __init__(self, *args: object, site_config: bytes, **kwargs: object) -> None:
        self.site_config = site_config
        self.extensions_map = {**self.extensions_map, **_UTF8_TYPES}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def end_headers(self) -> None:
        # Always revalidate: an edited module must not be served stale from the browser's cache.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/config.json":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.site_config)))
            self.end_headers()
            self.wfile.write(self.site_config)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def banner(state: dict[str, Any]) -> str:
    lines = [
        "",
        "智慧社区云 Smart Community Cloud — local stack is up",
        f"  API        {state['api_url']}   (try {state['api_url']}/health)",
        f"  Front end  {state['web_url']}",
        f"  Local AWS  {state['aws_endpoint']}   (moto)",
        f"  Ops        dashboard cc-platform and one per city, alarms → {state['resources']['ops_topic_arn']}; "
        "metrics flushed to moto's CloudWatch every 5 s (GET /v1/platform/ops/… as platform.admin)",
        *_iot_lines(state["iot"]),
        f"  Alert SMS  through moto's SNS ({state['aws_endpoint']}/moto-api/data.json → sns.SMS), voice calls "
        f"recorded, not placed; each SMS reported delivered ~2 s later (infra/local/carrier.py, as SNS's delivery "
        f"status logs); what went out: {state['web_url']}/#/console/outbox (zz.admin), #/ops (platform.admin)",
        "  Web Push   a VAPID key put in moto's secret cc/web-push at start (GET /v1/push/key); pushes go to each "
        "subscribed device — "
        f"offline only the local push service takes them ({state.get('push_service', '-')}, infra/local/push.py); "
        "each is in the outbox",
        "",
        f"  Demo logins (password for all: {state['demo_password']})",
    ]
    for login in state["logins"]:
        lines.append(f"    {login['tenant_id']:<10} {login['role']:<15} {login['username']:<22} {login['note']}")
    lines += [
        "",
        "  Try it:",
        "    TOKEN=$(make -s token USER=zz.admin)",
        f"    curl -H \"Authorization: Bearer $TOKEN\" {state['api_url']}/v1/me",
        f"    curl -H \"Authorization: Bearer $TOKEN\" {state['api_url']}/v1/tenants/zhengzhou/hierarchy",
        "",
        "  Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


def _iot_lines(iot: dict[str, Any]) -> list[str]:
    queue_path = (f"{iot['queue']} → {iot['telemetry_function']} (batches of ≤ {iot['batch_size']}, "
                  f"{iot['poll_window_s']:g} s window)" if iot.get("telemetry_function") else "(no queue handler)")
    lines = [f"  MQTT       {iot['broker_url']}   (mosquitto, mutual TLS: client certificates from {iot['ca_file']}, "
             "active in IoT, client id = thing)",
             f"             rules: …/telemetry → SQS {queue_path}; …/event → handle_events"]
    if sim := iot.get("simulator"):
        lines += [f"  Simulator  {sim[0]}", *(f"             {line}" for line in sim[1:]),
                  f"             log: {iot['simulator_log']}"]
    return lines


def _console_log() -> None:
    """The IoT side's warnings (a refused or unreadable device message) on the console; only the
    ``cc`` loggers: the handlers' Powertools logger prints its own JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("  %(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
    cc = logging.getLogger("cc")
    cc.addHandler(handler)
    cc.setLevel(logging.WARNING)
    cc.propagate = False


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", 4566)))
    p.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", 8000)))
    p.add_argument("--web-port", type=int, default=int(os.environ.get("WEB_PORT", 8080)))
    p.add_argument("--mqtt-port", type=int, default=int(os.environ.get("MQTT_PORT", 8883)), help="0: a free port")
    p.add_argument("--no-simulator", action="store_true", help="start no simulated devices")
    p.add_argument("--sim-tenant", default="zhengzhou")
    p.add_argument("--sim-community", default="jinghu")
    p.add_argument("--sim-speed", type=float, default=60.0, help="simulated seconds per real second")
    p.add_argument("--sim-rate", type=float, default=1.0, help="device reporting frequency × this")
    args = p.parse_args()
    _console_log()
    print("Starting the local stack…", flush=True)
    plan = None if args.no_simulator else SimulatorPlan(args.sim_tenant, args.sim_community, args.sim_speed,
                                                         args.sim_rate)
    stack = start(args.host, args.moto_port, args.api_port, args.web_port, args.mqtt_port, plan)
    print(banner(stack.info), flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a shell may start us with it ignored
        signal.signal(sig, lambda *_: done.set())
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    print("\nStopping…", flush=True)
    stack.stop()
    print(stack.iot.summary(), flush=True)
    sys.stderr.flush()
    # Everything is stopped and flushed; the interpreter's own teardown would only spend seconds (tens,
    # after a long run) collecting moto's in-memory AWS, object by object.
    os._exit(0)


if __name__ == "__main__":
    main()
