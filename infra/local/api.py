"""The API on Chalice's local server (stage ``local``), with the configured gateway answers."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from chalice.cli.factory import CLIFactory
from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

from infra.local.gateway import ConfiguredRequestHandler

PROJECT_DIR = Path(__file__).resolve().parents[2]


def serve(host: str, port: int, stage: str = "local") -> LocalDevServer:
    """Serve in a daemon thread; returns the server (``shutdown()`` stops it)."""
    factory = CLIFactory(project_dir=str(PROJECT_DIR), environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=stage)  # imports app.py with the stage's env
    app = config.chalice_app
    # What chalice.local.create_local_server does: a thread-local current_request.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    server = LocalDevServer(app, config, host, port, handler_cls=ConfiguredRequestHandler)
    threading.Thread(target=server.serve_forever, name="api", daemon=True).start()
    return server
