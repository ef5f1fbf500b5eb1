"""Demo data for the local stack: ``tenants/demo/<tenant>/<service>.yaml``, applied through the
services' own use cases (as the staff or resident who would have done it), so `make run` shows a
living community. One module here per service, each with ``apply(ctx, data) -> int`` (records
written); they run in ``ORDER`` because later services refer to earlier ones' records."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.models import TenantManifest

ROOT = Path(__file__).resolve().parents[3]
ORDER = ("residents", "directory", "requests", "notices", "consultations", "care", "points", "access")


@dataclass
class SeedContext:
    """One city being seeded: its manifest, and principals of its users by username."""

    manifest: TenantManifest
    password: str
    # Filled by the residents step: demo username → resident id, for the steps after it.
    residents: dict[str, str] = field(default_factory=dict)

    @property
    def tenant(self) -> TenantContext:
        return TenantContext(self.manifest.tenant_id)

    def principal(self, username: str) -> Principal:
        """A manifest staff user or a seeded resident, acting as themself."""
        info = users.lookup(username)
        if info is None:
            raise LookupError(f"demo user {username!r} does not exist (seed the residents first)")
        staff = next((u for u in self.manifest.users if u.username == username), None)
        role = Role(staff.role.value) if staff else Role.RESIDENT
        return Principal(info.user_id, username, self.manifest.tenant_id, frozenset({role}))

    def admin(self) -> Principal:
        return self.principal(next(u.username for u in self.manifest.users if u.role.value == "city_admin"))

    def devices(self, devices: list[Any]) -> None:
        """Register the demo's devices (``DeviceIn``) the city does not have yet, as its admin."""
        from chalicelib.devices.repository import DeviceRepository
        from chalicelib.devices.service import DeviceService

        registry = DeviceRepository(self.tenant)
        for device in devices:
            if registry.get(device.device_id) is None:
                DeviceService(self.admin()).register(device)


def files(tenant_id: str) -> dict[str, Path]:
    folder = ROOT / "tenants" / "demo" / tenant_id
    return {name: folder / f"{name}.yaml" for name in ORDER if (folder / f"{name}.yaml").exists()}


def seed(manifest: TenantManifest, password: str, only: tuple[str, ...] | None = None) -> dict[str, int]:
    """Apply the demo files of one city (every one, or ``only`` those services, in ``ORDER``);
    returns records written per service."""
    ctx = SeedContext(manifest, password)
    written: dict[str, int] = {}
    for name, path in files(manifest.tenant_id).items():
        if only is not None and name not in only:
            continue
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        module = importlib.import_module(f"{__name__}.{name}")
        written[name] = module.apply(ctx, data)
    return written
