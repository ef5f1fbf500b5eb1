"""Tenant-scoped credentials: a city's requests reach DynamoDB and KMS as a role that can touch
only that city's keys (the AWS SaaS isolation pattern).

The API assumes ``CC_TENANT_ROLE_ARN`` once per city and container, tagging the session with
``tenant_id``; the role's policy (``infra/tenant_scope.py``) allows DynamoDB only on keys whose
partition key — of the table or of the index queried — begins ``T#${aws:PrincipalTag/tenant_id}#``
(``dynamodb:LeadingKeys``) and KMS only with the encryption context of that city. So a key
prefix missed in application code is refused by IAM instead of leaking another city.

``tenant_scope(tenant_id)`` sets the city for the block (a context variable: each request and
thread has its own); inside it every PynamoDB model call (``models.Entity._get_connection``) and
``scoped_client("kms")`` use the city's credentials. Outside it — platform routes, onboarding,
the sweeps that list the cities — the function's own role is used. Without a role configured
(unit tests, tools) nothing changes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from threading import Lock
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.aws import RETRIES, client, session
from chalicelib.config import get_settings
from chalicelib.errors import StorageError

TAG = "tenant_id"
DURATION_SECONDS = 3600  # the most role chaining allows (a Lambda role assuming another role)
REFRESH_MARGIN_SECONDS = 300

_current: ContextVar[str | None] = ContextVar("cc_tenant_scope", default=None)


@dataclass(frozen=True)
class Credentials:
    tenant_id: str
    access_key: str
    secret_key: str
    token: str
    refresh_at: float  # time.time() after which they are renewed


_lock = Lock()
_credentials: dict[str, Credentials] = {}
_connections: dict[tuple[str, str], Any] = {}  # (access key, table) → TableConnection
_clients: dict[tuple[str, str], Any] = {}  # (access key, service) → botocore client


def enabled() -> bool:
    return bool(get_settings().tenant_role_arn)


@contextmanager
def tenant_scope(tenant_id: str | None) -> Iterator[None]:
    """Run the block with ``tenant_id``'s credentials (no-op without a tenant or a configured role)."""
    if not tenant_id or not enabled():
        yield
        return
    token = _current.set(tenant_id)
    try:
        yield
    finally:
        _current.reset(token)


def current_tenant() -> str | None:
    return _current.get()


def current() -> Credentials | None:
    tenant_id = _current.get()
    return credentials(tenant_id) if tenant_id else None


def credentials(tenant_id: str) -> Credentials:
    """The city's credentials, assumed once per container and renewed 5 minutes before they expire."""
    with _lock:
        hit = _credentials.get(tenant_id)
    if hit and hit.refresh_at > time.time():
        return hit
    try:
        out = client("sts").assume_role(
            RoleArn=get_settings().tenant_role_arn, RoleSessionName=f"cc-{tenant_id}",
            DurationSeconds=DURATION_SECONDS, Tags=[{"Key": TAG, "Value": tenant_id}])
    except (ClientError, BotoCoreError) as exc:
        raise StorageError(f"tenant credentials could not be obtained: {type(exc).__name__}") from exc
    c = out["Credentials"]
    made = Credentials(tenant_id, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"],
                       c["Expiration"].timestamp() - REFRESH_MARGIN_SECONDS)
    with _lock:
        old = _credentials.get(tenant_id)
        _credentials[tenant_id] = made
        if old is not None:  # drop what was built on the expired credentials
            for cache in (_connections, _clients):
                for key in [k for k in cache if k[0] == old.access_key]:
                    del cache[key]
    return made


def tenant_of(access_key: str) -> str | None:
    """Which city a set of credentials was issued for (tests and audits)."""
    with _lock:
        return next((c.tenant_id for c in _credentials.values() if c.access_key == access_key), None)


def table_connection(scoped: Credentials, base: Any, meta: Any) -> Any:
    """A PynamoDB table connection like ``base`` (the model's, built from ``meta``), signed with the city's
    credentials."""
    from pynamodb.connection import TableConnection

    key = (scoped.access_key, base.table_name)
    with _lock:
        conn = _connections.get(key)
    if conn is None:
        conn = TableConnection(base.table_name, region=meta.region, host=meta.host,
                               connect_timeout_seconds=meta.connect_timeout_seconds,
                               read_timeout_seconds=meta.read_timeout_seconds,
                               max_retry_attempts=meta.max_retry_attempts,
                               max_pool_connections=meta.max_pool_connections,
                               aws_access_key_id=scoped.access_key, aws_secret_access_key=scoped.secret_key,
                               aws_session_token=scoped.token, meta_table=base.get_meta_table())
        with _lock:
            conn = _connections.setdefault(key, conn)
    return conn


def scoped_client(service: str) -> Any:
    """A client with the current city's credentials; the function's own client outside a scope."""
    scoped = current()
    if scoped is None:
        return client(service)
    key = (scoped.access_key, service)
    with _lock:
        made = _clients.get(key)
    if made is None:
        s = get_settings()
        made = session().create_client(service, region_name=s.region, endpoint_url=s.aws_endpoint_url, config=RETRIES,
                                       aws_access_key_id=scoped.access_key, aws_secret_access_key=scoped.secret_key,
                                       aws_session_token=scoped.token)
        with _lock:
            made = _clients.setdefault(key, made)
    return made


def forget() -> None:
    with _lock:
        _credentials.clear()
        _connections.clear()
        _clients.clear()
