"""The exports (issue 15 item 3): the XLSX opened with openpyxl and checked cell by cell
against the API's figures; a CSV table in UTF-8 with BOM; both audited."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

RANGE = "from=2026-11-24&to=2026-11-24"
MIN = pytest.approx


def workbook(client):
    r = client.get(f"/api/v1/reports/export.xlsx?{RANGE}")
    assert r.status_code == 200
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "report-20261124-20261124.xlsx" in r.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(r.data))


def rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_xlsx_matches_the_api_cell_by_cell(small_day, supervisor_client):
    s = supervisor_client.get(f"/api/v1/reports/summary?{RANGE}").get_json()
    t = s["totals"]
    wb = workbook(supervisor_client)
    assert wb.sheetnames[:4] == ["概况", "按业务类别", "按窗口", "按工作人员"]
    assert "差评明细" in wb.sheetnames and "预计等候与实际等候对比" in wb.sheetnames
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1] if c.value)

    overview = {r[0]: r[1] for r in rows(wb["概况"])[1:]}
    expected = {
        "取号数": t["issued"],
        "办结数": t["served"],
        "平均等候": t["wait_mean_s"] / 60,
        "等候时长中位数": t["wait_p50_s"] / 60,
        "等候时长 90 分位": t["wait_p90_s"] / 60,
        "最长等候": t["wait_max_s"] / 60,
        "平均办理时长": t["service_mean_s"] / 60,
        "过号率": t["no_show_rate"],
        "放弃率": t["abandon_rate"],
        "好评率": t["good_rate"],
        "优先号票": t["priority"],
        "评价数": t["ratings"],
    }
    for label, value in expected.items():
        assert overview[label] == MIN(value, abs=0.005), label
    cells = {r[0].value: r[1] for r in wb["概况"].iter_rows(min_row=2)}
    assert cells["平均等候"].number_format == "0.0" and cells["过号率"].number_format == "0.0%"
    assert cells["取号数"].number_format == "0"

    svc = rows(wb["按业务类别"])
    assert svc[0][:8] == [
        "业务",
        "取号数",
        "办结数",
        "平均等候",
        "等候时长中位数",
        "等候时长 90 分位",
        "最长等候",
        "超时等候数",
    ]
    api = {r["key"]: r for r in s["by_service"]}
    names = {"咨询 / 查询打印": "consult", "养老保险": "pension"}
    assert {r[0] for r in svc[1:]} == set(names)
    for r in svc[1:]:
        a = api[names[r[0]]]
        assert r[1:3] == [a["issued"], a["served"]]
        for got, field in zip(r[3:7], ("wait_mean_s", "wait_p50_s", "wait_p90_s", "wait_max_s")):
            assert got == MIN(a[field] / 60, abs=0.005)
        assert r[7] == a["wait_over"]

    win = {r[0]: r for r in rows(wb["按窗口"])[1:]}
    for a in s["by_window"]:
        r = win[a["key"]]
        assert r[2:4] == [a["called"], a["served"]]
        assert r[9] == MIN(a["open_s"] / 3600, abs=0.005)  # hours open
    assert win["1"][1] == "综合咨询窗口"

    levels = rows(wb["评价等级分布"])
    assert levels[0] == ["评价等级", "评价", "数量", "占比"]
    assert [r[2] for r in levels[1:]] == [t["rating_counts"][k] for k in "54321"]
    assert levels[1][3] == 0.5 and levels[1][1] == "非常满意"

    (bad,) = rows(wb["差评明细"])[1:]
    b = s["bad_list"][0]
    assert bad[0] == datetime(2026, 11, 24) and bad[2:5] == [b["ticket_number"], "养老保险", 4]
    assert bad[6:8] == [1, "服务态度"]


def test_a_csv_table_in_utf8_with_bom(small_day, supervisor_client, hall):
    r = supervisor_client.get(f"/api/v1/reports/export.csv?{RANGE}&table=by_channel")
    assert r.status_code == 200 and r.data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert table[0][:3] == ["渠道", "取号数", "办结数"]
    by = {row[0]: row for row in table[1:]}
    assert by["自助终端"][1] == "3" and by["导引台"][1] == "1"
    assert by["导引台"][3] == "6"  # B001 waited 6 minutes
    assert by["自助终端"][table[0].index("放弃率")] == "66.7%"
    actions = [a for (a,) in hall.store.db.execute("SELECT action FROM audit_log")]
    assert actions == ["reports.export.csv"]
