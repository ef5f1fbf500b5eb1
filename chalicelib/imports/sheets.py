"""The import workbook: its sheets and columns (Chinese headers, as a city's house register has them),
the template to download, and reading a city's XLSX or CSV into rows that name their sheet, row and
column. openpyxl is imported only when a workbook is made or read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
MAX_ROWS = 200_000  # rows of one file, every sheet together
GUIDE = "填写说明"
_TOO_MANY = f"超过 {MAX_ROWS:,} 行：请按街道拆分后分别导入 (more than {MAX_ROWS:,} rows: split the file by street)"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the file must carry
    required: bool
    example: Any
    note: str


@dataclass(frozen=True)
class Sheet:
    kind: str  # the hierarchy level it fills: district … building
    title: str  # the sheet's name in the workbook
    parent: str | None  # the column naming the parent node (None for districts)
    columns: tuple[Column, ...]

    def column(self, key: str) -> tuple[int, Column]:
        return next((n, c) for n, c in enumerate(self.columns) if c.key == key)


_CODE = "小写字母、数字和连字符，2–64 位，全市同级唯一；再次导入时据此识别同一条记录"
_NAME_EN = "可不填：不填时与中文名称相同"


def _named(kind_zh: str, example_zh: str, example_en: str, example_id: str) -> tuple[Column, ...]:
    return (Column("id", f"{kind_zh}编码", True, example_id, _CODE),
            Column("name_zh", f"{kind_zh}名称", True, example_zh, "中文名称，1–80 字"),
            Column("name_en", "英文名称", False, example_en, _NAME_EN))


SHEETS: tuple[Sheet, ...] = (
    Sheet("district", "区县", None, _named("区县", "金水区", "Jinshui District", "jinshui")),
    Sheet("street", "街道", "district_id", (
        Column("district_id", "所属区县编码", True, "jinshui", "区县编码：本文件「区县」表中的，或城市已有的"),
        *_named("街道", "丰产路街道", "Fengchan Road Subdistrict", "fengchan"))),
    Sheet("community", "社区", "street_id", (
        Column("street_id", "所属街道编码", True, "fengchan", "街道编码：本文件「街道」表中的，或城市已有的"),
        *_named("社区", "黄河路社区", "Huanghe Road Community", "huanghelu"),
        Column("address", "地址", True, "郑州市金水区黄河路 11 号", "社区服务中心地址，4–200 字"),
        Column("lng", "经度", True, 113.6705, "WGS-84 经度，73–136"),
        Column("lat", "纬度", True, 34.7725, "WGS-84 纬度，3–54"))),
    Sheet("grid", "网格", "community_id", (
        Column("community_id", "所属社区编码", True, "huanghelu", "社区编码：本文件「社区」表中的，或城市已有的"),
        *_named("网格", "第一网格", "Grid 1", "huanghelu-g1"))),
    Sheet("building", "楼栋", "grid_id", (
        Column("grid_id", "所属网格编码", True, "huanghelu-g1", "网格编码：本文件「网格」表中的，或城市已有的"),
        *_named("楼栋", "1号楼", "Building 1", "huanghelu-b1"),
        Column("units", "单元数", False, 2, "整数 1–20，不填为 1"),
        Column("floors", "楼层数", True, 6, "整数 1–120"),
        Column("households", "户数", True, 24, "整数 1–2000"))),
)
BY_TITLE = {s.title: s for s in SHEETS}
BY_KIND = {s.kind: s for s in SHEETS}


class FileError(Exception):
    """The file as a whole cannot be read: not a workbook, no known sheet, too many rows."""


@dataclass(frozen=True)
class Row:
    sheet: Sheet
    number: int  # the row's number as the spreadsheet shows it (the header is row 1)
    values: dict[str, Any]  # column key → cell value (None when empty)


@dataclass(frozen=True)
class Missing:
    """A required column the sheet's header row lacks."""

    sheet: Sheet
    column: Column
    at: int  # the first free column of the header row: where it would go


def letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as the spreadsheet names it."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def template() -> bytes:
    """The workbook to fill in: a sheet per level with its headers (required ones marked ＊), one example row
    and every column's rules in a first sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    guide.append(["表", "列", "必填", "说明"])
    for sheet in SHEETS:
        for c in sheet.columns:
            guide.append([sheet.title, c.header, "是" if c.required else "否", c.note])
    guide.append([])
    guide.append(["再次导入", "", "", "同一文件再次导入不作任何修改；某行有变化只更新该行；文件中某上级下不再列出的、"
                  "以前导入的记录停用（保留历史，不删除）"])
    for column, width in zip("ABCD", (10, 16, 6, 80), strict=True):
        guide.column_dimensions[column].width = width
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title)
        ws.append([c.header for c in sheet.columns])
        ws.append([c.example for c in sheet.columns])
        ws.freeze_panes = "A2"
        for n, c in enumerate(sheet.columns):
            cell = ws.cell(row=1, column=n + 1)
            cell.font = head
            if c.required:
                cell.fill = fill
            ws.column_dimensions[letter(n)].width = max(12, 2 * len(c.header) + 4)
    for cell in guide[1]:
        cell.font = head
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(sheet: Sheet, cells: list[Any]) -> tuple[dict[str, int], list[Missing]]:
    """Column key → index in the file, by header text (a trailing ＊ or * ignored); missing required ones."""
    names = [str(c).strip().rstrip("＊*").strip() if c is not None else "" for c in cells]
    at = {c.key: names.index(c.header) for c in sheet.columns if c.header in names}
    free = len(names) - next((n for n, name in enumerate(reversed(names)) if name), len(names))
    return at, [Missing(sheet, c, free) for c in sheet.columns if c.required and c.key not in at]


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _rows(sheet: Sheet, lines: Iterator[tuple[Any, ...]]) -> tuple[list[Row], list[Missing]]:
    header = next(lines, None)
    if header is None:
        return [], []
    at, missing = _header(sheet, list(header))
    rows: list[Row] = []
    for number, line in enumerate(lines, start=2):
        cells = [_cell(v) for v in line]
        if not any(v is not None for v in cells):
            continue  # blank lines between blocks are common in hand-kept registers
        rows.append(Row(sheet, number, {k: cells[i] if i < len(cells) else None for k, i in at.items()}))
        if len(rows) > MAX_ROWS:
            raise FileError(_TOO_MANY)
    return rows, missing


def read(data: bytes, filename: str) -> tuple[list[Row], list[Missing]]:
    """Every data row of every known sheet, in sheet order (区县 before 街道 …), and missing columns."""
    try:
        return _read_csv(data) if filename.lower().endswith(".csv") else _read_xlsx(data)
    except FileError:
        raise
    except Exception as exc:  # a workbook damaged in a way the reader did not foresee: the city's file, not us
        raise FileError("文件已损坏，无法读取：请在表格软件中打开后重新保存 (the file is damaged)") from exc


def _read_xlsx(data: bytes) -> tuple[list[Row], list[Missing]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileError("不是 Excel（.xlsx）文件：请在表格软件中另存为 .xlsx 或 CSV "
                        "(not an XLSX workbook: save it as .xlsx, or as CSV)") from exc
    try:
        found = [BY_TITLE[t] for t in wb.sheetnames if t in BY_TITLE]
        if not found:
            raise FileError(f"文件中没有名为{'、'.join(BY_TITLE)}的表：请用导入模板填写 "
                            "(no sheet of the template: start from it)")
        rows: list[Row] = []
        missing: list[Missing] = []
        for sheet in sorted(found, key=SHEETS.index):
            more, lacking = _rows(sheet, wb[sheet.title].iter_rows(values_only=True))
            rows += more
            missing += lacking
            if len(rows) > MAX_ROWS:
                raise FileError(_TOO_MANY)
        return rows, missing
    finally:
        wb.close()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the mark spreadsheets write), else GB18030 — what Excel in Chinese saves as CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FileError("CSV 的编码无法识别：请另存为 UTF-8 或 GBK (the CSV is neither UTF-8 nor GB18030)") from exc


def _read_csv(data: bytes) -> tuple[list[Row], list[Missing]]:
    """One sheet, known by its id column's header (街道编码 …)."""
    lines = csv.reader(io.StringIO(_decode(data)))
    header = next(lines, None) or []
    names = {str(c).strip().rstrip("＊*").strip() for c in header}
    sheet = next((s for s in SHEETS if s.column("id")[1].header in names), None)
    if sheet is None:
        raise FileError("CSV 第一行没有「社区编码」「楼栋编码」等编码列：请用导入模板的表头 "
                        "(the first row names no sheet of the template)")
    return _rows(sheet, iter([tuple(header), *(tuple(line) for line in lines)]))
