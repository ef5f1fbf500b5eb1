"""Bodies and query strings of the request routes (pydantic, validated at the edge)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from chalicelib.fields import Cursor
from chalicelib.model import Model
from chalicelib.photos import key_pattern
from chalicelib.requests.states import State
from chalicelib.tenancy.common import Code, Username

RequestId = Annotated[str, Field(pattern=r"^[A-Z]{2}-\d{8}-\d{4,6}$", description="e.g. ZH-20261126-0001")]
PhotoUrl = Annotated[str, Field(pattern=r"^https://[^\s/$.?#][^\s]{3,500}$", description="an https URL")]
PhotoKey = Annotated[str, Field(pattern=key_pattern("requests"),
                                description="the key of a photo uploaded with POST /v1/requests/photo-uploads")]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="e.g. 2026-11")]


class In(Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PointIn(In):
    lat: float = Field(ge=3.0, le=54.0)
    lng: float = Field(ge=73.0, le=136.0)


def _place(name: str, shape: dict[str, Any], **also: dict[str, Any]) -> dict[str, Any]:
    """The document's form of one way to say where: this one given, the others absent (null or false)."""
    others: dict[str, Any] = {p: {"type": "null"} for p in ("building_id", "community_id", "point") if p != name}
    if name != "household":
        others["household"] = {"const": False}
    return {"required": [name, *also], "properties": {name: shape, **also, **others}}


class LocationIn(In):
    """Exactly one of: the home (``household: true``), a building, a community, or a point with an address."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [
        _place("household", {"const": True}), _place("building_id", {"type": "string"}),
        _place("community_id", {"type": "string"}),
        _place("point", {"type": "object"}, address={"type": "string"}),
    ]})

    household: bool = False
    building_id: Code | None = None
    community_id: Code | None = None
    point: PointIn | None = None
    address: str | None = Field(default=None, min_length=2, max_length=200, validate_default=True)

    @field_validator("address")
    @classmethod
    def _point_has_address(cls, v: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("point") is not None and not v:
            raise ValueError("a point needs the address it stands for")
        return v

    @model_validator(mode="after")
    def _exactly_one(self) -> LocationIn:
        chosen = [self.household, self.building_id is not None, self.community_id is not None, self.point is not None]
        if sum(chosen) != 1:
            raise ValueError("give exactly one of household, building_id, community_id or point")
        return self


class RequestIn(In):
    """接诉: a request filed by a resident, a family member for them, or staff for a caller."""

    category: Code = Field(description="a service_catalog code of the city")
    description: str = Field(min_length=5, max_length=2000)
    location: LocationIn
    photos: list[PhotoUrl] = Field(default_factory=list, max_length=6,
                                   description="links to photos kept elsewhere (Open311 media_url, older data)")
    photo_keys: list[PhotoKey] = Field(default_factory=list, max_length=4,
                                       description="photos uploaded to the city's storage, at most 4")
    on_behalf_of: str | None = Field(default=None, min_length=1, max_length=64,
                                     description="resident id of the person the request is for")


class NoteIn(In):
    note: str | None = Field(default=None, max_length=500)


class ReasonIn(In):
    """A reason is required (rejection, return to dispatch, resolution summary)."""

    note: str = Field(min_length=2, max_length=500)


class AssignIn(In):
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": ["department"], "properties": {"department": {"type": "string"}}},
        {"required": ["assignee"], "properties": {"assignee": {"type": "string"}}},
    ]})

    department: Code | None = None
    assignee: Username | None = Field(default=None, validate_default=True)
    note: str | None = Field(default=None, max_length=500)

    @field_validator("assignee")
    @classmethod
    def _someone(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None and info.data.get("department") is None:
            raise ValueError("name a staff user, a department (department) or both")
        return v


class DuplicateIn(In):
    duplicate_of: RequestId
    note: str | None = Field(default=None, max_length=500)


class RatingIn(In):
    """好差评: once, after resolution; an unsatisfied rating says why and may reopen the request."""

    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"value": {"const": "unsatisfied"}}},
        "then": {"required": ["comment"], "properties": {"comment": {"type": "string", "minLength": 1}}},
        "else": {"properties": {"reopen": {"const": False}}},
    })

    value: Literal["satisfied", "unsatisfied"]
    comment: str | None = Field(default=None, max_length=500, validate_default=True)
    reopen: bool = Field(default=False, validate_default=True)

    @field_validator("comment")
    @classmethod
    def _why_unsatisfied(cls, v: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("value") == "unsatisfied" and not v:
            raise ValueError("an unsatisfied rating says what was not solved")
        return v

    @field_validator("reopen")
    @classmethod
    def _only_unsatisfied(cls, v: bool, info: ValidationInfo) -> bool:
        if v and info.data.get("value") == "satisfied":
            raise ValueError("only an unsatisfied rating reopens the request")
        return v


class PageQuery(In):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: Cursor | None = None


class CommunityQueueQuery(PageQuery):
    state: State = State.SUBMITTED


class DepartmentQueueQuery(PageQuery):
    overdue: bool = False


class StatsQuery(In):
    month: Month | None = None
    by: Literal["department", "community"] = "department"
