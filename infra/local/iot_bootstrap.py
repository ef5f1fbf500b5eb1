"""Create on the local AWS (moto) the IoT resources of infra/template.d/30-provisioning.json:
the device policy, the thing type and the parent thing group, read from the merged template.

Fleet provisioning (the provisioning template and its hook) has no local counterpart: moto
does not implement it, and the local stack provisions devices through the vendor API.
"""

from __future__ import annotations

import json
import re
from typing import Any

from infra.template_parts import merged

_VAR = re.compile(r"\$\{(!?)([^}]+)\}")


def resolve(value: Any, params: dict[str, str]) -> Any:
    """Fill in ``Fn::Sub`` strings with pseudo parameters (``${AWS::Region}``…); ``${!x}`` stays ``${x}``."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        return _VAR.sub(lambda m: "${" + m[2] + "}" if m[1] else params[m[2]], value["Fn::Sub"])
    if isinstance(value, dict):
        return {k: resolve(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, params) for v in value]
    return value


def create_iot(iot: Any, region: str, account: str) -> None:
    params = {"AWS::Partition": "aws", "AWS::Region": region, "AWS::AccountId": account}
    for res in merged()["Resources"].values():
        kind = res.get("Type")
        if kind not in ("AWS::IoT::ThingType", "AWS::IoT::ThingGroup", "AWS::IoT::Policy"):
            continue
        props = resolve(res["Properties"], params)
        if kind == "AWS::IoT::ThingType":
            p = props.get("ThingTypeProperties", {})
            iot.create_thing_type(thingTypeName=props["ThingTypeName"], thingTypeProperties={
                "thingTypeDescription": p.get("ThingTypeDescription", ""),
                "searchableAttributes": p.get("SearchableAttributes", [])})
        elif kind == "AWS::IoT::ThingGroup":
            iot.create_thing_group(thingGroupName=props["ThingGroupName"], thingGroupProperties={
                "thingGroupDescription": props.get("ThingGroupProperties", {}).get("ThingGroupDescription", "")})
        elif kind == "AWS::IoT::Policy":
            iot.create_policy(policyName=props["PolicyName"], policyDocument=json.dumps(props["PolicyDocument"]))
