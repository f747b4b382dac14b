"""What goes on paper, as plain data. The kiosk fills these; renderers turn them into bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class TicketLayout:
    hall_name: str
    number: str  # "A001"
    service_name: str  # "养老保险"
    people_ahead: int
    estimated_wait_min: int | None  # None: no estimate yet; 0: no wait (nobody ahead, window free)
    zone: str  # "B区"
    window_hint: str  # "3–5号窗口"
    issued_at: datetime
    qr_payload: str  # the ticket's status URL
    tips: list[str] = field(default_factory=list)  # 1–2 lines, e.g. materials to prepare
    footer: list[str] = field(
        default_factory=lambda: ["人社服务监督电话 12333", "政务服务便民热线 12345"]
    )
    appointment_at: datetime | None = None  # a booked citizen's slot: the ticket says 预约 09:00


@dataclass(frozen=True)
class StatementLayout:
    """A personal-record statement (制式清单, standard §8.1.3)."""

    title: str  # "职工养老保险个人缴费明细"
    name_masked: str  # "张*"
    id_masked: str  # "110105********1234"
    columns: list[str]  # ["缴费年月", "缴费基数", "个人缴费", "缴费单位"]
    rows: list[list[str]]
    totals: list[tuple[str, str]]  # [("合计月数", "24"), ("个人缴费合计", "9,600.00")]
    printed_at: datetime
    footer: list[str] = field(default_factory=lambda: ["本清单仅供参考，以社保经办机构记录为准"])
    rows_per_part: int = 40  # a part ends with a cut and a "continued" footer
    header: list[str] = field(default_factory=list)  # under the identity: issuer, period
    qr_payload: str = ""  # the verification URL (/v/<code>), printed after the footer


def sample_ticket(now: datetime | None = None) -> TicketLayout:
    """The test page: a ticket an operator can recognise (number A001, service 测试业务)."""
    return TicketLayout(
        hall_name="社会保险经办服务大厅",
        number="A001",
        service_name="测试业务",
        people_ahead=3,
        estimated_wait_min=12,
        zone="A区",
        window_hint="1-2号窗口",
        issued_at=now or datetime.now(),
        qr_payload="TEST-PAGE",
        tips=[
            "打印测试页：中文、二维码、切纸均应正常。",
            "Test page: Chinese text, QR code and cut.",
        ],
    )
