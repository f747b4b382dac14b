"""A report as files: XLSX (one sheet per table, headers in the reader's language — Chinese by
default — number formats, header row frozen) and CSV (one table, UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Callable

from ..core.reports.tables import TABLES, Table, cell, columns, table
from ..i18n import local_name, translate
from .common import spreadsheet_safe

FORMATS = {
    "int": "0",
    "min": "0.0",
    "hours": "0.00",
    "pct": "0.0%",
    "num": "0.0",
    "date": "yyyy-mm-dd",
}
SHEET_TITLE_MAX = 31  # Excel's limit


def _namer(lang: str) -> Callable[[dict], str]:
    def name(names: dict | str | None) -> str:
        if isinstance(names, dict):
            return local_name(names, lang)
        return names or ""

    return name


def rendered(t: Table, summary: dict, lang: str) -> tuple[list[tuple[str, str, str]], list[dict]]:
    """The table's columns with translated headers, and its rows."""

    def tr(msgid: str) -> str:
        return translate(msgid, lang)

    cols = [(f, tr(h), k) for f, h, k in columns(t, summary)]
    return cols, t.rows(summary, tr, _namer(lang))


def _kind(kind: str, row: dict) -> str:
    return row.get("kind", "text") if kind == "by_row" else kind


def to_xlsx(summary: dict, lang: str = "zh_CN") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for t in TABLES:
        cols, rows = rendered(t, summary, lang)
        ws = wb.create_sheet(translate(t.title, lang)[:SHEET_TITLE_MAX].replace("/", "、"))
        ws.append([h for _, h, _ in cols])
        for c in ws[1]:
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for r in rows:
            values = []
            for field, _, kind in cols:
                kind = _kind(kind, r)
                value = cell(r.get(field), kind)
                if kind == "date" and value:
                    value = date.fromisoformat(value)
                values.append(spreadsheet_safe(value))
            ws.append(values)
            for c, (_, _, kind) in zip(ws[ws.max_row], cols):
                fmt = FORMATS.get(_kind(kind, r))
                if fmt and c.value is not None:
                    c.number_format = fmt
        for i, (_, header, kind) in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(i)].width = (
                30 if kind == "text" else max(10, min(len(header) * 2 + 2, 24))
            )
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind in ("min", "hours", "num"):
        return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return str(spreadsheet_safe(value))


def to_csv(summary: dict, name: str, lang: str = "zh_CN") -> bytes:
    t = table(name)
    cols, rows = rendered(t, summary, lang)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([h for _, h, _ in cols])
    for r in rows:
        writer.writerow([_csv_value(cell(r.get(f), _kind(k, r)), _kind(k, r)) for f, _, k in cols])
    # UTF-8 with BOM: Excel on Windows otherwise opens Chinese CSV as GBK mojibake.
    return buf.getvalue().encode("utf-8-sig")
