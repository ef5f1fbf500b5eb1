"""Request bodies read defensively: a size limit, a nesting limit, and numbers that are numbers.

Every body the API reads goes through here (JSON routes, Open311's JSON and form bodies, the
manifest's YAML), so a hostile body is a 400 naming ``body`` — never a ``RecursionError``
turned 500, never ``NaN`` reaching a model as a "number out of range".
"""

from __future__ import annotations

import json
import math
from typing import Any

from chalicelib.errors import InvalidInput

MAX_BODY_BYTES = 256 * 1024  # far above any form of ours; API Gateway itself would take 10 MB
MAX_MANIFEST_BYTES = 4 * 1024 * 1024  # a city's whole hierarchy; spreadsheets of a big city go through S3
MAX_DEPTH = 32  # our deepest document (a manifest) nests 12 levels


def as_bytes(raw: bytes | str | None) -> bytes:
    if raw is None:
        return b""
    return raw.encode("utf-8") if isinstance(raw, str) else raw


def check_size(raw: bytes, limit: int = MAX_BODY_BYTES) -> None:
    if len(raw) > limit:
        raise InvalidInput(f"body is too large: {len(raw)} bytes, at most {limit} are accepted", field="body",
                           extra={"limit": limit, "size": len(raw)})


def _refuse_constant(name: str) -> float:
    raise InvalidInput(f"body: {name} is not a JSON number; send a finite number or null", field="body")


def load_json(raw: bytes | str | None, *, limit: int = MAX_BODY_BYTES) -> Any:
    """Parse a JSON body: size first, then the parser (NaN / ±Infinity refused), then the nesting depth."""
    data = as_bytes(raw)
    check_size(data, limit)
    try:
        parsed = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise InvalidInput(f"body is nested too deeply (at most {MAX_DEPTH} levels)", field="body") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"body is not valid JSON: {exc}", field="body") from exc
    check_tree(parsed)
    return parsed


def check_tree(data: Any) -> None:
    """Nesting depth at most ``MAX_DEPTH`` and no non-finite float anywhere (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            if isinstance(node, float) and not math.isfinite(node):
                raise InvalidInput(f"body: {node} is not a finite number", field="body")
            continue
        if depth > MAX_DEPTH:
            raise InvalidInput(f"body is nested too deeply (at most {MAX_DEPTH} levels)", field="body")
        stack.extend((child, depth + 1) for child in children)


def check_yaml(text: str) -> None:
    """Before a YAML document is composed (recursively): its depth, and no anchors or aliases.

    The event parser is iterative, so a deep document is measured without exhausting the stack;
    aliases are refused outright, which also rules out exponential "billion laughs" expansions.
    """
    import yaml  # here, not at import: ~20 ms of a cold start, and only manifests and profiles are YAML

    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise InvalidInput("body: YAML anchors and aliases are not accepted in a manifest", field="body")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InvalidInput(f"body is nested too deeply (at most {MAX_DEPTH} levels)", field="body")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # not valid YAML: the manifest loader reports it with its line
