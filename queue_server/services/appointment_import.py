"""The import of bookings from a file the platform exports (CSV or XLSX) on /admin: each row is
booked as a platform booking would be (same rules, idempotent by the platform's booking id);
a bad row is reported with its line and why, the others are imported."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from typing import Callable

from ..errors import HallError, InvalidField
from .appointments import AppointmentService

MAX_ROWS = 5000
HEADERS = {  # the platform's export headers (Chinese) and our own names
    "external_id": ("external_id", "预约编号", "预约号", "平台预约号", "booking id"),
    "service": ("service", "业务", "业务类别", "预约业务"),
    "date": ("date", "day", "预约日期", "日期"),
    "time": ("time", "slot", "时段", "预约时段", "开始时间"),
    "slot_start": ("slot_start",),
    "id_number": ("id_number", "身份证号", "身份证号码", "证件号码"),
    "name": ("name", "姓名"),
    "phone": ("phone", "手机号", "手机号码", "联系电话"),
    "code": ("code", "预约码"),
}
_BY_HEADER = {h.lower(): key for key, names in HEADERS.items() for h in names}
NOT_A_TABLE = "The file is neither CSV nor XLSX, or it cannot be read."


def _cell(value) -> str:
    """Spreadsheet cells as text: whole numbers without ".0", dates as ISO, times as HH:MM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()


def read_table(file_name: str, content: bytes) -> list[list[str]]:
    """Rows of the first sheet (XLSX) or of the CSV (UTF-8, with or without BOM, or GB18030)."""
    if file_name.lower().endswith(".xlsx") or content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                sheet = wb.worksheets[0]
                out = []
                for row in sheet.iter_rows(values_only=True):
                    out.append([_cell(v) for v in row])
                    if len(out) > MAX_ROWS + 1:
                        break
                return out
            finally:
                wb.close()
        except (zipfile.BadZipFile, KeyError, ValueError, IndexError, OSError, TypeError):
            raise InvalidField(NOT_A_TABLE, field="file") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidField(NOT_A_TABLE, field="file")
    if "\0" in text:
        raise InvalidField(NOT_A_TABLE, field="file")
    try:
        return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))][: MAX_ROWS + 2]
    except csv.Error:
        raise InvalidField(NOT_A_TABLE, field="file") from None


def _columns(header: list[str]) -> dict[int, str]:
    found = {
        i: _BY_HEADER[h.strip().lower()]
        for i, h in enumerate(header)
        if h.strip().lower() in _BY_HEADER
    }
    have = set(found.values())
    missing = [k for k in ("external_id", "service", "id_number", "phone") if k not in have]
    if "slot_start" not in have and not {"date", "time"} <= have:
        missing.append("date, time")
    if missing:
        raise InvalidField(
            "The file lacks the columns {columns}.", field="file", columns=", ".join(missing)
        )
    return found


def _service_code(value: str, appointments: AppointmentService) -> str:
    """A service by its code, its Chinese name or its ticket prefix."""
    for svc in appointments._settings().services:
        if value in (svc.code, svc.name.get("zh_CN"), svc.prefix):
            return svc.code
    return value


def import_file(
    appointments: AppointmentService,
    file_name: str,
    content: bytes,
    actor: str | None,
    translate: Callable[..., str],
) -> dict:
    """Book every good row; report each bad one (its line in the file) with the reason."""
    table = [r for r in read_table(file_name, content)]
    if not table:
        raise InvalidField("The file is empty.", field="file")
    columns = _columns(table[0])
    body = [(n, r) for n, r in enumerate(table[1:], start=2) if any(c for c in r)]
    if len(body) > MAX_ROWS:
        raise InvalidField("At most {rows} rows per file.", field="file", rows=MAX_ROWS)
    imported = duplicates = 0
    errors = []
    for line, cells in body:
        data = {key: cells[i] for i, key in columns.items() if i < len(cells)}
        if "slot_start" not in data or not data["slot_start"]:
            # A spreadsheet's date cell reads as a date-time at midnight: its date counts.
            data["slot_start"] = f"{data.get('date', '')[:10]}T{data.get('time', '')[:5]}"
        data["service"] = _service_code(data.get("service", ""), appointments)
        data = {k: v for k, v in data.items() if v != "" and k not in ("date", "time")}
        try:
            _, created = appointments.book(data, "import", actor)
        except HallError as exc:
            errors.append(
                {
                    "line": line,
                    "external_id": data.get("external_id", ""),
                    "code": exc.code,
                    "message": translate(exc.message, **exc.params),
                }
            )
            continue
        imported += created
        duplicates += not created
    return {"rows": len(body), "imported": imported, "duplicates": duplicates, "errors": errors}
