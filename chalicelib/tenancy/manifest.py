"""Loading and checking manifests: every problem is reported, with its line when known."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from chalicelib.errors import InvalidInput, field_path
from chalicelib.rules.overrides import OverrideError, effective_profiles
from chalicelib.tenancy.models import TenantManifest

if TYPE_CHECKING:
    import yaml

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
        return out


class ManifestError(InvalidInput):
    """A manifest that cannot be applied; ``problems`` lists every one found."""

    code = "invalid_manifest"

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(f"manifest has {len(problems)} problem(s); first: {first.field}: {first.message}",
                         field=first.field)
        self.problems = problems


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """Follow ``loc`` through the composed YAML tree; the line of the deepest node reached."""
    import yaml

    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def parse_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    import yaml  # here, not at import: ~20 ms of a cold start, and only manifests and profiles are YAML

    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ManifestError([Problem("manifest", f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                     mark.line + 1 if mark else None)]) from exc


def validate(data: Any, tree: yaml.Node | None = None) -> TenantManifest:
    """Schema check, then cross-reference checks; raises ManifestError listing all problems."""
    try:
        manifest = TenantManifest.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(field_path(tuple(e["loc"])) or "manifest", e["msg"], _line_of(tree, tuple(e["loc"])))
                    for e in exc.errors()]
        raise ManifestError(problems) from exc
    problems = [Problem(field_path(loc), msg, _line_of(tree, loc)) for loc, msg in cross_check(manifest)]
    if problems:
        raise ManifestError(problems)
    return manifest


def load(text: str) -> TenantManifest:
    data, tree = parse_yaml(text)
    return validate(data, tree)


def _nodes(m: TenantManifest) -> Iterator[tuple[Loc, str, str]]:
    """(loc, kind, id) for every hierarchy node."""
    for di, d in enumerate(m.hierarchy.districts):
        dl: Loc = ("hierarchy", "districts", di)
        yield dl, "district", d.id
        for si, s in enumerate(d.streets):
            sl = (*dl, "streets", si)
            yield sl, "street", s.id
            for ci, c in enumerate(s.communities):
                cl = (*sl, "communities", ci)
                yield cl, "community", c.id
                for gi, g in enumerate(c.grids):
                    gl = (*cl, "grids", gi)
                    yield gl, "grid", g.id
                    for bi, b in enumerate(g.buildings):
                        yield (*gl, "buildings", bi), "building", b.id


def _duplicates(entries: list[tuple[Loc, str]], what: str) -> list[tuple[Loc, str]]:
    counts = Counter(i for _, i in entries)
    return [((*loc, "id") if what != "category" else (*loc, "code"), f"duplicate {what} id {i!r}")
            for loc, i in entries if counts[i] > 1]


def _grid_communities(m: TenantManifest) -> dict[str, str]:
    """grid id → the community it belongs to."""
    return {g.id: c.id for d in m.hierarchy.districts for s in d.streets for c in s.communities for g in c.grids}


def _rule_problems(m: TenantManifest) -> list[tuple[Loc, str]]:
    try:
        effective_profiles(m.alert_rules)
    except OverrideError as exc:
        return list(exc.problems)
    return []


def staff_quota_problems(m: TenantManifest) -> list[tuple[Loc, str]]:
    """More staff and city-admin users than ``tier.quotas.staff_users`` allows: one problem naming the quota."""
    used, limit = len(m.users), m.tier.quotas.staff_users  # every manifest user holds a staff seat
    if used <= limit:
        return []
    return [(("tier", "quotas", "staff_users"),
             f"工作人员账号数超过配额 / {used} staff users in 'users' exceed the staff_users quota of {limit}")]


def cross_check(m: TenantManifest) -> list[tuple[Loc, str]]:
    nodes = list(_nodes(m))
    communities = {i for _, kind, i in nodes if kind == "community"}
    grids = _grid_communities(m)
    departments = {d.id for d in m.departments}
    problems = _duplicates([(loc, i) for loc, _, i in nodes], "hierarchy node")
    problems += _duplicates([(("departments", n), d.id) for n, d in enumerate(m.departments)], "department")
    problems += _duplicates([(("service_catalog", n), c.code) for n, c in enumerate(m.service_catalog)], "category")
    usernames = Counter(u.username for u in m.users)
    for n, line in enumerate(m.emergency.property):
        if line.community not in communities:
            problems.append((("emergency", "property", n, "community"), f"unknown community {line.community!r}"))
    for n, cat in enumerate(m.service_catalog):
        if cat.department not in departments:
            problems.append((("service_catalog", n, "department"), f"unknown department {cat.department!r}"))
    for n, user in enumerate(m.users):
        if usernames[user.username] > 1:
            problems.append((("users", n, "username"), f"duplicate username {user.username!r}"))
        if user.department and user.department not in departments:
            problems.append((("users", n, "department"), f"unknown department {user.department!r}"))
        for k, cid in enumerate(user.communities):
            if cid not in communities:
                problems.append((("users", n, "communities", k), f"unknown community {cid!r}"))
        for k, gid in enumerate(user.grids):
            if gid not in grids:
                problems.append((("users", n, "grids", k), f"unknown grid {gid!r}"))
            elif grids[gid] not in user.communities:
                problems.append((("users", n, "grids", k), f"grid {gid!r} is not in the user's communities"))
    problems += _rule_problems(m)
    problems += staff_quota_problems(m)
    return problems
