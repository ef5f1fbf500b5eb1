"""Query strings and bodies of the alert routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from chalicelib.alerts.models import AlertState, CloseOutcome, Severity
from chalicelib.fields import Cursor
from chalicelib.model import Model
from chalicelib.photos import key_pattern

# A hierarchy id (district … building) or a household id (<building>-<unit>-<room>).
PlaceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,80}[a-z0-9]$")]
Limit = Annotated[int, Field(ge=1, le=200)]


class Strict(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MyAlertQuery(Strict):
    state: AlertState = AlertState.OPEN
    severity: Severity | None = Field(default=None, description="all severities when omitted")
    limit: Limit = 50
    cursor: Cursor | None = None


class AlertQuery(MyAlertQuery):
    scope: PlaceId | None = Field(default=None, description="a street, community, grid, building or household; "
                                                             "default: the caller's communities (staff), the city")


class InboxQuery(Strict):
    limit: Limit = 50
    cursor: Cursor | None = None


class AckIn(Strict):
    note: str | None = Field(default=None, min_length=1, max_length=500)


AlertPhotoKey = Annotated[str, Field(pattern=key_pattern("alerts"),
                                     description="the key of a photo uploaded with POST /v1/alerts/photo-uploads")]
PHOTO_KEYS = "photos taken on site (uploaded first with POST /v1/alerts/photo-uploads), at most 4"


class ResolveIn(Strict):
    note: str = Field(min_length=1, max_length=500, description="what was found and done")
    photo_keys: list[AlertPhotoKey] = Field(default_factory=list, max_length=4, description=PHOTO_KEYS)
    outcome: CloseOutcome = Field(default=CloseOutcome.HANDLED, description="结案结论: handled 已处置, "
                                  "verified_on_site 已上门核实, false_alarm 误报, device_test 设备测试, other 其他")


class StatsQuery(Strict):
    month: str | None = Field(default=None, pattern=r"^20\d{2}-(0[1-9]|1[0-2])$",
                              description="YYYY-MM (UTC); default this month")


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=500)
    photo_keys: list[AlertPhotoKey] = Field(default_factory=list, max_length=4, description=PHOTO_KEYS)
