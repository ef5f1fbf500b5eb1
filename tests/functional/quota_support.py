"""Helpers of the quota, rate and usage suites: onboard a city with small quotas, count what is stored."""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib.config import get_settings
from chalicelib.tenancy.apply import apply_manifest
from tests.support import World, load_manifest


def onboard_with(world: World, tenant: str, **quotas: int) -> None:
    """Onboard ``tenant`` from its manifest with some quotas changed."""
    m = load_manifest(tenant)
    tier = m.tier.model_copy(update={"quotas": m.tier.quotas.model_copy(update=quotas)})
    m = m.model_copy(update={"tier": tier})
    world.manifests[tenant] = m
    apply_manifest(m)


def stored_items() -> int:
    """The items of the table (a Scan: tests only), leaving out the rate windows and usage counters that
    every request may move."""
    s = get_settings()
    ddb = boto3.client("dynamodb", region_name=s.region)
    pages = ddb.get_paginator("scan").paginate(TableName=s.table_name, ProjectionExpression="pk")
    return sum(1 for p in pages for i in p["Items"] if "#RATE#" not in i["pk"]["S"]
               and not i["pk"]["S"].endswith("#USAGE"))


def things() -> list[str]:
    iot = boto3.client("iot", region_name=get_settings().region)
    return sorted(t["thingName"] for t in iot.list_things()["things"])


def new_user(world: World, username: str, tenant: str, role: str) -> str:
    from chalicelib.auth import users
    from chalicelib.auth.roles import Role
    from tests.support import PASSWORD

    users.ensure_user(users.NewUser(username, tenant, Role(role), password=PASSWORD))
    return world.login(username)


def body_of(r: Any) -> dict[str, Any]:
    return dict(r.json_body)
