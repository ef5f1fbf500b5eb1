"""AWS clients built from settings, cached per process (warm Lambda reuse).

The clients are botocore's, made by one botocore session: boto3 adds nothing the code uses
(resources, S3 transfers) and importing it costs a cold start ~20 ms more than botocore alone.
Every botocore session of the process — this one and PynamoDB's, one per connection and
thread — reads service models through one loader (:func:`share_loader`), so ``endpoints.json``
and each service's model are parsed once per container, not once per session (~30 ms each for
``endpoints.json`` on a cold start).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.loaders import Loader, create_loader

from chalicelib.config import get_settings

RETRIES = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)


@cache
def _loader() -> Loader:
    return create_loader(os.environ.get("AWS_DATA_PATH"))  # what a botocore session makes for itself


def share_loader(session: Any) -> Any:
    """Make a botocore session read models through the process's loader; returns the session."""
    loader = _loader()
    if session.get_component("data_loader") is not loader:
        session.register_component("data_loader", loader)
    return session


@cache
def session() -> botocore.session.Session:
    """The botocore session of this module's clients (and the city-scoped ones), on the shared loader."""
    return share_loader(botocore.session.get_session())


@cache
def client(service: str) -> Any:
    s = get_settings()
    return session().create_client(service, region_name=s.region, endpoint_url=s.aws_endpoint_url, config=RETRIES)


def reset_clients() -> None:
    client.cache_clear()
