import os
from datetime import datetime
from pathlib import Path

import pytest

from printer.layouts import StatementLayout, TicketLayout
from tests.support.fake_printer import FakePrinter

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake():
    """A fake printer on a loopback TCP port (fake.tcp_url)."""
    with FakePrinter() as f:
        f.serve_tcp()
        yield f


@pytest.fixture
def fake_pty():
    """A fake printer behind a pty (fake_pty.serial_url)."""
    with FakePrinter() as f:
        f.serve_pty()
        yield f


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where the virtual printer's pictures are kept for people to look at."""
    path = Path(os.environ.get("TEST_OUTPUT_DIR") or ROOT / "tests" / "output") / "printer"
    path.mkdir(parents=True, exist_ok=True)
    return path


def b012() -> TicketLayout:
    """A ticket as a busy hall prints it (the tests' and bench_printer's)."""
    return TicketLayout(
        hall_name="海淀区社会保险经办服务大厅",
        number="B012",
        service_name="养老保险",
        people_ahead=7,
        estimated_wait_min=18,
        zone="B区",
        window_hint="3-5号窗口",
        issued_at=datetime(2026, 3, 2, 9, 41, 5),
        qr_payload="https://hall.example.cn/t/8f3a9c2e71d04b6f",
        tips=["请备好：身份证、社保卡。", "过号后请到导引台重新排队！"],
    )


@pytest.fixture
def ticket() -> TicketLayout:
    return b012()


def long_statement(rows: int = 30, rows_per_part: int = 20) -> StatementLayout:
    body = []
    for k in range(rows):
        year, month = 2023 + k // 12, k % 12 + 1
        body.append([f"{year}-{month:02d}", "6,500.00", "520.00", "北京某某科技有限公司"])
    return StatementLayout(
        title="职工养老保险个人缴费明细",
        name_masked="张*",
        id_masked="110105********1234",
        columns=["缴费年月", "缴费基数", "个人缴费", "缴费单位"],
        rows=body,
        totals=[("合计月数", str(rows)), ("个人缴费合计", f"{520 * rows:,.2f}")],
        printed_at=datetime(2026, 3, 2, 10, 0, 0),
        rows_per_part=rows_per_part,
    )


@pytest.fixture
def statement() -> StatementLayout:
    return long_statement()
