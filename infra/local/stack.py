"""``make run``: the whole local stack in one process, stopped by Ctrl-C.

moto (the local AWS) → resources from infra/template.json → every manifest in tenants/
→ demo logins → the API (Chalice local server) → the front end (static files).
Connection details are written to ``.local/stack.json`` for ``make token``.
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

from chalice.local import LocalDevServer
from moto.server import ThreadedMotoServer

from infra.local.bootstrap import bootstrap
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

    def stop(self) -> None:
        self.scheduler.stop()
        self.web.shutdown()
        self.api.shutdown()
        self.moto.stop()


def start(host: str, moto_port: int, api_port: int, web_port: int) -> Stack:
    _env_defaults()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    moto = ThreadedMotoServer(ip_address=host, port=moto_port, verbose=False)
    moto.start()
    moto_host, moto_real_port = moto.get_host_and_port()
    endpoint = f"http://{moto_host}:{moto_real_port}"
    res = bootstrap(endpoint)
    os.environ.update(res.env(endpoint))

    from chalicelib.config import reset_settings
    from chalicelib.tenancy import manifest
    from chalicelib.tenancy.service import apply_manifest
    from infra.local.api import serve
    from infra.local.demo import DEMO_PASSWORD, create_demo_logins

    reset_settings()
    manifests = []
    for path in sorted((ROOT / "tenants").glob("*.yaml")):
        m = manifest.load(path.read_text(encoding="utf-8"))
        report = apply_manifest(m)
        print(f"  tenant {m.tenant_id:<10} {m.name.zh}: {len(report.created)} records, "
              f"{len(report.users_created)} users", flush=True)
        manifests.append(m)
    logins = create_demo_logins(manifests)

    api = serve(host, api_port)
    site_config = json.dumps({"apiUrl": f"http://{host}:{api.server.server_address[1]}",
                              "region": res.region, "userPoolClientId": res.user_pool_client_id}).encode()
    web = ThreadingHTTPServer((host, web_port), functools.partial(
        _StaticSite, directory=str(ROOT / "frontend"), site_config=site_config))
    threading.Thread(target=web.serve_forever, name="web", daemon=True).start()

    info: dict[str, Any] = {
        "aws_endpoint": endpoint, "api_url": f"http://{host}:{api.server.server_address[1]}",
        "web_url": f"http://{host}:{web.server_address[1]}", "demo_password": DEMO_PASSWORD,
        "resources": res.as_dict(), "logins": [asdict(login) for login in logins],
    }
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    scheduler = Scheduler()
    scheduler.start()
    return Stack(info, moto, api, web, scheduler)


_UTF8_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".json": "application/json; charset=utf-8"}


class _StaticSite(SimpleHTTPRequestHandler):
    """Serves frontend/ as S3/CloudFront would, plus the deployment's /config.json."""


    def __init__(self, *args: object, site_config: bytes, **kwargs: object) -> None:
        self.site_config = site_config
        self.extensions_map = {**self.extensions_map, **_UTF8_TYPES}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", 4566)))
    p.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", 8000)))
    p.add_argument("--web-port", type=int, default=int(os.environ.get("WEB_PORT", 8080)))
    args = p.parse_args()
    print("Starting the local stack…", flush=True)
    stack = start(args.host, args.moto_port, args.api_port, args.web_port)
    print(banner(stack.info), flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    print("\nStopping…", flush=True)
    stack.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
