"""Bulk provisioning: up to 100 devices, each provisioned whole or not at all, each with its own result."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from chalicelib.devices.iot_models import BulkIn, BulkItem, BulkResult, ItemError, VendorDeviceIn
from chalicelib.devices.provisioning import ProvisioningService
from chalicelib.errors import AppError, field_path

CREATED, MULTI_STATUS = 201, 207


def _field(index: int, field: str | None) -> str:
    return f"devices[{index}]" + (f".{field}" if field else "")


def _failure(index: int, raw: Any, exc: Exception) -> BulkItem:
    device_id = raw.get("device_id") if isinstance(raw, dict) and isinstance(raw.get("device_id"), str) else None
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = _field(index, field_path(tuple(first["loc"])) or None)
        error = ItemError(code="invalid_input", message=f"{field}: {first['msg']}", field=field)
        return BulkItem(index=index, status=400, device_id=device_id, error=error)
    assert isinstance(exc, AppError)
    return BulkItem(index=index, status=exc.status, device_id=device_id,
                    error=ItemError(code=exc.code, message=exc.message, field=_field(index, exc.field)))


def provision_bulk(service: ProvisioningService, body: BulkIn) -> tuple[BulkResult, int]:
    """Per-item results, and the response status: 201 all created, 207 some, else the first item's error."""
    items: list[BulkItem] = []
    for index, raw in enumerate(body.devices):
        try:
            parsed = VendorDeviceIn.model_validate(raw)
            items.append(BulkItem(index=index, status=CREATED, device_id=parsed.device_id,
                                  result=service.provision(parsed)))
        except (ValidationError, AppError) as exc:
            items.append(_failure(index, raw, exc))
    created = sum(1 for i in items if i.status == CREATED)
    status = CREATED if created == len(items) else MULTI_STATUS if created else items[0].status
    return BulkResult(created=created, failed=len(items) - created, items=items), status
