"""The base of the application's pydantic models.

Validators and serializers are built on a model's first use, not when its class is defined: a
Lambda container imports every route's models but one request uses a few of them (building all
~220 at import took ~100 ms of a cold start). ``model_json_schema`` (the OpenAPI document) builds
what it documents.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
