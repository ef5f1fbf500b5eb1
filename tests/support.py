"""Test helpers shared by the suites: a moto world with tenants and real Cognito tokens."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import moto

from chalicelib.auth import users
from chalicelib.auth.roles import Role
from chalicelib.telemetry.plans import forget_plans
from chalicelib.tenancy import manifest
from chalicelib.tenancy.apply import ApplyReport, apply_manifest
from chalicelib.tenancy.models import StaffRole, TenantManifest
from chalicelib.tenancy.service import forget_statuses
from infra.local.bootstrap import LocalResources, bootstrap

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Testing2026x"


def last_afternoon(ms: int, tz: str = "Asia/Shanghai") -> int:
    """The last 14:00 local time at or before ``ms`` (epoch ms): a moment within the past day that is
    never in a night rule's hours (door.night_open: 00:00–05:00), whatever the clock says when the
    suite runs."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    at = datetime.fromtimestamp(ms / 1000, UTC).astimezone(ZoneInfo(tz))
    afternoon = at.replace(hour=14, minute=0, second=0, microsecond=0)
    if afternoon > at:
        afternoon -= timedelta(days=1)
    return int(afternoon.timestamp() * 1000)


def moto_jwks_file(kind: str = "public") -> str:
    """moto signs every pool's tokens with one bundled key (kid ``dummy``)."""
    return str(Path(moto.__file__).parent / "cognitoidp" / "resources" / f"jwks-{kind}.json.gz")


def manifest_text(tenant: str) -> str:
    return (ROOT / "tenants" / f"{tenant}.yaml").read_text(encoding="utf-8")


def load_manifest(tenant: str) -> TenantManifest:
    return manifest.load(manifest_text(tenant))


def reset_caches() -> None:
    from chalicelib import privacy
    from chalicelib.auth import tokens
    from chalicelib.config import reset_settings
    from chalicelib.notify.queue import forget_queue
    from chalicelib.notify.sender import forget_cities
    from chalicelib.store import scope

    reset_settings()
    tokens.reset_jwks_cache()
    privacy.forget_keys()
    scope.forget()
    forget_statuses()
    forget_plans()
    forget_queue()
    forget_cities()


@dataclass
class World:
    """One moto account with the platform's resources; tenants are onboarded on demand."""

    resources: LocalResources
    manifests: dict[str, TenantManifest] = field(default_factory=dict)
    _tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    def onboard(self, tenant: str) -> ApplyReport:
        m = load_manifest(tenant)
        self.manifests[tenant] = m
        return apply_manifest(m)

    def username_for(self, role: str, tenant: str) -> str:
        m = self.manifests.get(tenant)
        if m and role in {r.value for r in StaffRole}:
            return next(u.username for u in m.users if u.role.value == role)
        return f"{tenant}.{role}.test"

    def login(self, username: str) -> str:
        from chalicelib.aws import client
        from chalicelib.config import get_settings

        client("cognito-idp").admin_set_user_password(
            UserPoolId=get_settings().user_pool_id, Username=username, Password=PASSWORD, Permanent=True)
        return users.sign_in(username, PASSWORD)["id_token"]

    def token_for(self, role: str, tenant: str = "zhengzhou") -> str:
        """A real moto-issued ID token for a user of ``role`` in ``tenant``."""
        key = (role, tenant)
        if key not in self._tokens:
            username = self.username_for(role, tenant)
            if users.lookup(username) is None:
                users.ensure_user(users.NewUser(username, tenant, Role(role), password=PASSWORD))
            self._tokens[key] = self.login(username)
        return self._tokens[key]

    def seed(self, tenant: str, *services: str) -> dict[str, int]:
        """The city's demo data (tenants/demo/<tenant>/), all or only ``services``; demo users sign in
        with ``login(username)``."""
        from infra.local.seed import seed

        return seed(self.manifests[tenant], PASSWORD, tuple(services) or None)

    def user_id(self, role: str, tenant: str) -> str:
        info = users.lookup(self.username_for(role, tenant))
        assert info is not None
        return info.user_id


def make_world() -> World:
    res = bootstrap(None, region=os.environ["AWS_REGION"])
    os.environ.update(res.env(None))
    os.environ["CC_JWKS_URL"] = moto_jwks_file()
    reset_caches()
    return World(res)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jbody(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


JSON_HEADERS = {"Content-Type": "application/json"}


def workbook(sheets: dict[str, list[list[Any]]], headers: dict[str, list[str]]) -> bytes:
    """An XLSX as a city's clerk makes it: a sheet per title, its header row, then the rows."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(headers[title])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
