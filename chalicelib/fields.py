"""Field types that the models check and the OpenAPI document states alike.

A constraint lives here when pydantic cannot both enforce it and write it into the JSON Schema by
itself: items that may appear once (``uniqueItems``) and the shape of a pagination cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

T = TypeVar("T", bound=Sequence[Any])


def _distinct(values: T) -> T:
    if len(set(values)) != len(values):
        raise ValueError("a value may appear once")
    return values


class _Distinct:
    """``Annotated[list[X], Distinct]``: each item at most once, checked and documented (``uniqueItems``)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_distinct, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(schema), "uniqueItems": True}


Distinct = _Distinct()

# What the API hands out as ``next_cursor`` (base64url of the last key, a dot, its 128-bit MAC):
# opaque to clients, and refused as a 400 naming ``cursor`` when it is not one the API returned
# for the same city and query (``chalicelib/http/cursors.py``).
Cursor = Annotated[str, Field(max_length=500, pattern=r"^[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{22}$",
                              description="a next_cursor this API returned for the same query")]
