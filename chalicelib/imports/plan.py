"""From a city's rows to what storage must change: every row checked first (each problem named by sheet,
row and column), then the nodes the rows describe compared with the city's own, so that re-importing the
same file changes nothing, a changed row updates only its node, and a node a previous import brought in
that the file no longer lists under a parent it mentions is retired (with what lies below it), never
deleted. Nodes the manifest wrote are updated by a row naming them, never retired by an import."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import Field, ValidationError

from chalicelib.imports.sheets import SHEETS, Missing, Row, Sheet, letter
from chalicelib.model import Model
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy.common import Code, GeoPoint, Name
from chalicelib.tenancy.repository import ConfigDoc

SOURCE = "import"  # ``data.source`` of a node an import wrote
KINDS = tuple(s.kind for s in SHEETS)


class _Node(Model):
    id: Code
    name: Name


class _District(_Node):
    pass


class _Street(_Node):
    district_id: Code


class _Community(_Node):
    street_id: Code
    address: str = Field(min_length=4, max_length=200)
    location: GeoPoint


class _Grid(_Node):
    community_id: Code


class _Building(_Node):
    grid_id: Code
    units: int = Field(default=1, ge=1, le=20)
    floors: int = Field(ge=1, le=120)
    households: int = Field(ge=1, le=2000)


ROW_MODELS: dict[str, type[_Node]] = {"district": _District, "street": _Street, "community": _Community,
                                      "grid": _Grid, "building": _Building}
_SPLIT = ("name_zh", "name_en", "lng", "lat")  # cells that make one field together (name, location)
_TEXT = ("id", "name_zh", "name_en", "address", "district_id", "street_id", "community_id", "grid_id")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str  # the spreadsheet's letter, e.g. "E"
    header: str
    message: str

    @property
    def cell(self) -> str:
        return f"{self.sheet}!{self.column}{self.row}"

    def as_error(self) -> dict[str, Any]:
        return {"field": self.cell, "message": self.message, "sheet": self.sheet, "row": self.row,
                "column": self.column, "header": self.header}


@dataclass
class Plan:
    """What applying the rows does: ``steps`` in order (parents first), each a put or a retirement."""

    total: int  # rows of the file
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    retired: list[str] = field(default_factory=list)
    puts: list[ConfigDoc] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.puts) + len(self.retired)


def _problem(row: Row, key: str, message: str) -> Problem:
    n, column = row.sheet.column(key)
    return Problem(row.sheet.title, row.number, letter(n), column.header, message)


def _shaped(row: Row) -> dict[str, Any]:
    v = {k: (str(x) if k in _TEXT and x is not None else x) for k, x in row.values.items()}
    out: dict[str, Any] = {k: x for k, x in v.items() if x is not None and k not in _SPLIT}
    out["name"] = {"zh": v.get("name_zh"), "en": v.get("name_en") or v.get("name_zh")}
    if row.sheet.kind == "community":
        out["location"] = {"lng": v.get("lng"), "lat": v.get("lat")}
    return out


def _column_of(loc: tuple[Any, ...]) -> str:
    if loc[:1] == ("name",):
        return "name_en" if loc[1:2] == ("en",) else "name_zh"
    if loc[:1] == ("location",):
        return str(loc[1]) if len(loc) > 1 else "lng"
    return str(loc[0]) if loc else "id"


_MESSAGES = {  # pydantic's error types, as a city's clerk reads them: Chinese first, English second
    "missing": "必填，不能为空 (required)",
    "string_type": "应为文字 (text)",
    "string_pattern_mismatch": "只能用小写字母、数字和连字符，2–64 位 (lower-case letters, digits and hyphens)",
    "string_too_short": "至少 {min_length} 个字 (at least {min_length} characters)",
    "string_too_long": "最多 {max_length} 个字 (at most {max_length} characters)",
    "int_parsing": "应为整数，如 6 (a whole number)",
    "int_from_float": "应为整数，不能有小数 (a whole number)",
    "int_type": "应为整数，如 6 (a whole number)",
    "float_parsing": "应为数字，如 113.6288 (a number)",
    "float_type": "应为数字，如 113.6288 (a number)",
    "greater_than_equal": "不能小于 {ge} (at least {ge})",
    "less_than_equal": "不能大于 {le} (at most {le})",
    "finite_number": "应为有限的数字 (a finite number)",
}


def _message(err: dict[str, Any]) -> str:
    template = _MESSAGES.get(err["type"])
    return template.format(**err.get("ctx", {})) if template else str(err["msg"])


def check(rows: list[Row]) -> tuple[dict[str, dict[str, tuple[Row, _Node]]], set[tuple[str, str]], list[Problem]]:
    """Each row against its sheet's rules; ids repeated within a sheet. (kind → id → row, the (kind, id) of
    rows refused, problems)."""
    problems: list[Problem] = []
    nodes: dict[str, dict[str, tuple[Row, _Node]]] = defaultdict(dict)
    refused: set[tuple[str, str]] = set()
    for row in rows:
        try:
            node = ROW_MODELS[row.sheet.kind].model_validate(_shaped(row))
        except ValidationError as exc:
            refused.add((row.sheet.kind, str(row.values.get("id"))))
            columns = {c.key for c in row.sheet.columns}
            for err in exc.errors():
                key = _column_of(tuple(err["loc"]))
                problems.append(_problem(row, key if key in columns else "id", _message(dict(err))))
            continue
        first = nodes[row.sheet.kind].get(node.id)
        if first is not None:
            problems.append(_problem(row, "id", f"编码 {node.id} 与第 {first[0].number} 行重复 (repeated)"))
            continue
        nodes[row.sheet.kind][node.id] = (row, node)
    return nodes, refused, problems


def missing_columns(missing: list[Missing]) -> list[Problem]:
    return [Problem(m.sheet.title, 1, letter(m.at), m.column.header,
                    f"缺少必填列「{m.column.header}」(missing column)") for m in missing]


Existing = dict[str, dict[str, ConfigDoc]]  # kind → id → node, retired ones included


def plan(tenant: TenantContext, rows: list[Row], existing: Existing) -> tuple[Plan, list[Problem]]:
    """The changes the rows make to ``existing`` (kind → id → node, retired ones included), or problems."""
    nodes, refused, problems = check(rows)
    paths: dict[tuple[str, str], list[str]] = {}
    retiring = _retiring(nodes, existing)
    out = Plan(total=len(rows))
    for sheet in SHEETS:
        for node_id, (row, node) in nodes.get(sheet.kind, {}).items():
            path = _path(sheet, row, node, (nodes, refused, retiring), existing, paths, problems)
            if path is None:
                continue
            old = existing.get(sheet.kind, {}).get(node_id)
            data = {**node.model_dump(mode="json", exclude={sheet.parent} if sheet.parent else set()),
                    "kind": sheet.kind, "path": path, "parent_id": path[-2] if len(path) > 1 else None,
                    "source": SOURCE}
            doc = ConfigDoc(sheet.kind, node_id, data, (tenant.nodes_by_kind_pk(sheet.kind), "/".join(path)))
            if old is None:
                out.created.append(doc.sk)
            elif old.retired or old.index != doc.index or _kept(old.data) != _kept(data):
                out.updated.append(doc.sk)
                doc = replace(doc, created_at=old.created_at)
            else:
                out.unchanged += 1
                continue
            out.puts.append(doc)
    out.retired = sorted(retiring, key=lambda sk: -KINDS.index(sk.split("#", 1)[0]))  # deepest first
    return out, problems


def _kept(data: dict[str, Any]) -> dict[str, Any]:
    """A node as compared with the manifest's own: one a row names exactly as the manifest wrote it stays
    the manifest's (unchanged)."""
    return {k: v for k, v in data.items() if k != "source"}


def _path(sheet: Sheet, row: Row, node: _Node,
          file: tuple[dict[str, dict[str, tuple[Row, _Node]]], set[tuple[str, str]], set[str]],
          existing: Existing, paths: dict[tuple[str, str], list[str]], problems: list[Problem]) -> list[str] | None:
    """The node's path (ids from its district down), from its parent in the file or in the city. ``file``:
    the rows' nodes, the (kind, id) of rows refused, and the nodes the file retires."""
    nodes, refused, retiring = file
    if sheet.parent is None:
        path = [node.id]
    else:
        parent_kind = KINDS[KINDS.index(sheet.kind) - 1]
        parent_id = str(getattr(node, sheet.parent))
        parent_path = paths.get((parent_kind, parent_id))
        if parent_path is None:
            in_file = parent_id in nodes.get(parent_kind, {}) or (parent_kind, parent_id) in refused
            live = existing.get(parent_kind, {}).get(parent_id)
            if in_file:  # listed, but refused itself: its own problem says why
                return None
            if live is None or live.retired:
                problems.append(_problem(row, sheet.parent,
                                         f"上级编码 {parent_id} 在本文件和城市中都不存在 (unknown parent)"))
                return None
            if f"{parent_kind}#{parent_id}" in retiring:
                problems.append(_problem(row, sheet.parent, f"上级 {parent_id} 在本文件中已不再列出，将被停用 "
                                                            "(its parent is removed by this file)"))
                return None
            parent_path = list(live.data["path"])
        path = [*parent_path, node.id]
    old = existing.get(sheet.kind, {}).get(node.id)
    if old is not None and not old.retired and list(old.data.get("path", []))[:-1] != path[:-1]:
        problems.append(_problem(row, sheet.parent or "id", f"编码 {node.id} 已属于 {'/'.join(old.data['path'][:-1])}；"
                                                           "不能在导入中移动 (already under another parent)"))
        return None
    paths[(sheet.kind, node.id)] = path
    return path


def _retiring(nodes: dict[str, dict[str, tuple[Row, _Node]]], existing: Existing) -> set[str]:
    """Imported nodes the file no longer lists under a parent it mentions, and every live node below them."""
    out: set[str] = set()
    for sheet in SHEETS:
        listed = nodes.get(sheet.kind, {})
        if not listed or sheet.parent is None:  # districts are not retired by leaving them out
            continue
        parents = {str(getattr(n, sheet.parent)) for _, n in listed.values()}
        for node_id, doc in existing.get(sheet.kind, {}).items():
            if (not doc.retired and doc.data.get("source") == SOURCE and node_id not in listed
                    and doc.data.get("parent_id") in parents):
                out.add(doc.sk)
    gone = [existing[sk.split("#", 1)[0]][sk.split("#", 1)[1]].index for sk in out]
    prefixes = tuple(f"{index[1]}/" for index in gone if index)
    if prefixes:
        for kind in KINDS:
            out |= {doc.sk for node_id, doc in existing.get(kind, {}).items()
                    if not doc.retired and doc.index and doc.index[1].startswith(prefixes)
                    and node_id not in nodes.get(kind, {})}
    return out
