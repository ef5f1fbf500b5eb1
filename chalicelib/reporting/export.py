"""The report as files: XLSX (openpyxl — a sheet per level, styled, header frozen, rates as percentages,
a sheet each for requests by category and alerts by device type, and a sheet of the figures'
definitions) and CSV (UTF-8 with a byte-order mark, so spreadsheets read the Chinese; a table per level
with the level in the first column, then the two breakdowns). openpyxl is imported only when a file is
made."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

from chalicelib.reporting.models import Report, ReportRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
LEVELS = (("community", "社区"), ("street", "街道"), ("district", "区县"), ("city", "合计"))


def disposition(filename: str, month: str, fmt: str) -> str:
    """An attachment named in Chinese (RFC 6266 ``filename*``) with an ASCII fallback."""
    return f"attachment; filename=\"report-{month}.{fmt}\"; filename*=UTF-8''{quote(filename)}"


def _heads(report: Report, level: str) -> list[str]:
    first = {"community": ["社区", "所属街道"], "street": ["街道", "所属区县", "社区数", "已报送"],
             "district": ["区县", "社区数", "已报送"], "city": ["范围", "社区数", "已报送"]}[level]
    figures = [f"{f.name.zh}（{f.unit}）" for f in report.figures]
    tail = ["报送状态", "报送人", "报送时间"] if level == "community" else []
    return [*first, *figures, *tail]


def _cells(report: Report, row: ReportRow, names: dict[str, str]) -> list[Any]:
    name = row.name.zh if row.name else row.id
    parent = names.get(row.parent or "", row.parent or "")
    first: list[Any] = ([name, parent] if row.level == "community" else
                        [name, parent, row.communities, row.communities_submitted] if row.level == "street" else
                        [name, row.communities, row.communities_submitted])
    values = [row.values.get(f.id) for f in report.figures]
    tail: list[Any] = []
    if row.level == "community":
        s = row.submitted
        tail = ["已报送" if s else "未报送", s.by if s else "", s.at.strftime("%Y-%m-%d %H:%M") if s else ""]
    return [*first, *values, *tail]


def _levels(report: Report) -> list[tuple[str, str, list[ReportRow]]]:
    rows = {"community": report.communities, "street": report.streets, "district": report.districts,
            "city": [report.total]}
    return [(level, title, rows[level]) for level, title in LEVELS]


def _names(report: Report) -> dict[str, str]:
    return {r.id: r.name.zh for r in (*report.streets, *report.districts) if r.name}


# The breakdowns, one table each: a line per (row of any level, category or device type).
BREAKDOWNS = (
    ("诉求分类", ["层级", "名称", "服务类别", "受理（件）", "办结（件）", "按时办结（件）", "办结率（%）",
                "按时办结率（%）", "满意率（%）"], (6, 7, 8)),
    ("告警类型", ["层级", "名称", "设备类型", "处置（起）", "误报（起）", "误报率（%）"], (5,)),
)


def _breakdown_lines(report: Report, which: str) -> list[list[Any]]:
    out: list[list[Any]] = []
    for _, title, rows in _levels(report):
        for r in rows:
            name = r.name.zh if r.name else r.id
            if which == "诉求分类":
                out += [[title, name, c.name.zh if c.name else c.category, c.filed, c.resolved, c.resolved_on_time,
                         c.resolution_rate, c.on_time_rate, c.satisfaction_rate] for c in r.requests_by_category]
            else:
                out += [[title, name, t.name.zh, t.resolved, t.false_alarms, t.false_alarm_rate]
                        for t in r.alerts_by_type]
    return out


def csv_bytes(report: Report) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    names = _names(report)
    w.writerow(["一表通", report.month, f"生成于 {report.generated_at:%Y-%m-%d %H:%M} UTC"])
    for level, title, rows in _levels(report):
        w.writerow([])
        w.writerow(["层级", *_heads(report, level)])
        for r in rows:
            w.writerow([title, *("" if v is None else _text(v) for v in _cells(report, r, names))])
    for which, heads, _ in BREAKDOWNS:
        w.writerow([])
        w.writerow([which])
        w.writerow(heads)
        for line in _breakdown_lines(report, which):
            w.writerow(["" if v is None else _text(v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def xlsx(report: Report, city: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="0B4F8A")
    thin = Side(style="thin", color="BFC7D1")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    names = _names(report)
    rate = {f.id: f.rate for f in report.figures}
    for n, (level, title, rows) in enumerate(_levels(report)):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        heads = _heads(report, level)
        ws.append([f"{city} 一表通（社区信息共享）· {report.month} · {title}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(heads)
        for col, _ in enumerate(heads, start=1):
            cell = ws.cell(row=2, column=col)
            cell.font, cell.fill, cell.border = head_font, head_fill, border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        lead = len(heads) - len(report.figures) - (3 if level == "community" else 0)
        for r in rows:
            ws.append(_cells(report, r, names))
            at = ws.max_row
            for col in range(1, len(heads) + 1):
                cell = ws.cell(row=at, column=col)
                cell.border = border
                k = col - lead - 1
                if 0 <= k < len(report.figures):
                    cell.number_format = "0.0%" if rate[report.figures[k].id] else "#,##0.###"
        ws.freeze_panes = ws.cell(row=3, column=2)
        ws.row_dimensions[2].height = 36
        for col, head in enumerate(heads, start=1):
            ws.column_dimensions[get_column_letter(col)].width = max(10, min(24, len(head) * 2 + 2))
    for which, heads, rates in BREAKDOWNS:
        ws = wb.create_sheet(which)
        ws.append(heads)
        for cell in ws[1]:
            cell.font, cell.fill, cell.border = head_font, head_fill, border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for line in _breakdown_lines(report, which):
            ws.append(line)
            for col in rates:
                ws.cell(row=ws.max_row, column=col + 1).number_format = "0.0%"
        ws.freeze_panes = "D2"
        for col, head in enumerate(heads, start=1):
            ws.column_dimensions[get_column_letter(col)].width = max(10, min(24, len(head) * 2 + 2))
    ws = wb.create_sheet("指标说明")
    ws.append(["指标", "单位", "类别", "口径"])
    for cell in ws[1]:
        cell.font, cell.fill, cell.border = head_font, head_fill, border
    for f in report.figures:
        ws.append([f.name.zh, f.unit, f.section, f.definition])
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCD", (20, 8, 12, 60), strict=True):
        ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
