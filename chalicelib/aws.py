"""boto3 clients built from settings, cached per process (warm Lambda reuse)."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.config import get_settings

RETRIES = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)


@cache
def client(service: str) -> Any:
    s = get_settings()
    return boto3.client(service, region_name=s.region, endpoint_url=s.aws_endpoint_url, config=RETRIES)


def reset_clients() -> None:
    client.cache_clear()
