"""Fixtures: ``aws`` (moto, with the resources infra/template.json declares), ``client``
(chalice.test.Client behind the configured gateway), ``onboard``, ``login`` and ``token_for``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _isolate_environment() -> None:
    # An AWS_ENDPOINT_URL* in the environment silently sends mock_aws traffic elsewhere.
    for k in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL") or k.startswith("CC_")]:
        del os.environ[k]
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    })


_isolate_environment()

from chalice.test import Client  # noqa: E402
from moto import mock_aws  # noqa: E402

from infra.local.moto_transactions import make_dynamodb_transactions_light  # noqa: E402

make_dynamodb_transactions_light()  # a transaction's rollback copies its items, not the table (as `make run` does)

from tests.support import World, make_world, moto_jwks_file  # noqa: E402


@pytest.fixture
def aws() -> Iterator[World]:
    with mock_aws():
        yield make_world()


@pytest.fixture(autouse=True, scope="session")
def city_rate_limits_lifted() -> None:
    """The test client is one container firing requests back to back (the isolation matrix sends well
    over 银川's 100/s), so the per-city API rate limit is lifted for the suite; the suites about it
    (tests/functional/test_rate_limit.py) put the quota lookup back."""
    from chalicelib.usage import ratelimit

    ratelimit.limiter().quota_of = lambda _tenant: None


@pytest.fixture
def client(aws: World) -> Iterator[Client]:
    from app import app
    from infra.local.gateway import ConfiguredGateway

    with Client(app, stage_name="test", project_dir=str(ROOT)) as c:
        # Answer gateway-level failures (401, unknown route) as infra/template.json configures them.
        c.http._local_gateway = ConfiguredGateway(app, c.http._config)
        yield c


@pytest.fixture
def onboard(aws: World) -> Callable[[str], object]:
    return aws.onboard


@pytest.fixture
def token_for(aws: World) -> Callable[..., str]:
    return aws.token_for


__all__ = ["moto_jwks_file"]
