"""Request and response models of the device registry."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from chalicelib.fields import Cursor
from chalicelib.model import Model
from chalicelib.tenancy.common import Code

DEVICE_ID_PATTERN = r"^[A-Za-z0-9_-]{3,64}$"
DeviceId = Annotated[str, Field(pattern=DEVICE_ID_PATTERN, description="the IoT thing name, unique in the city")]
HouseholdId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]-\d{1,2}-\d{3,4}$",
                                   description="<building_id>-<unit>-<room>")]


class DeviceType(StrEnum):
    """Fixed for now; device profiles (chalicelib/rules) will own this list."""

    SMOKE = "smoke"
    GAS = "gas"
    WATER_LEAK = "water_leak"
    DOOR = "door"
    POWER_METER = "power_meter"
    WRISTBAND = "wristband"
    SMART_BIN = "smart_bin"
    SORTING_BIN = "sorting_bin"
    ACCESS_CONTROL = "access_control"
    AIR_QUALITY = "air_quality"
    NOISE = "noise"
    ELEVATOR = "elevator"
    MANHOLE = "manhole"


class DeviceIn(Model):
    """A device placed in a community: at a grid, building or household, or at a public spot."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    device_id: DeviceId
    type: DeviceType
    serial: str = Field(pattern=r"^[A-Za-z0-9_.:/-]{1,64}$")
    name: str | None = Field(default=None, min_length=1, max_length=60)
    community_id: Code
    grid_id: Code | None = None
    building_id: Code | None = None
    household_id: HouseholdId | None = None
    spot: str | None = Field(default=None, min_length=1, max_length=80,
                             description="a public spot of the community, e.g. 北门 / north gate")
    care_subject: bool = Field(default=False, description="watches an elderly resident living alone (居家养老)")


class Device(Model):
    device_id: str
    type: DeviceType
    serial: str
    name: str | None = None
    community_id: str
    grid_id: str | None = None
    building_id: str | None = None
    household_id: str | None = None
    spot: str | None = None
    care_subject: bool = False
    path: list[str] = Field(description="hierarchy ids from the district down to the deepest place given")
    registered_at: datetime
    registered_by: str
    thing_name: str | None = Field(default=None, description="IoT thing name (vendor-provisioned devices): "
                                   "<tenant>_<device_id>, see iot/things.py")


class DevicePage(Model):
    items: list[Device]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page")


class DeviceQuery(Model):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=200)
    cursor: Cursor | None = None
