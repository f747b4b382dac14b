"""A 制式清单 on paper (§8.1.3): the server's statement content → printer.StatementLayout, with
its verification code in the footer and the /v/<code> address as a QR code. The paper is an
official document: always in Chinese, whatever the screen's language."""

from __future__ import annotations

from datetime import datetime

from printer import StatementLayout

from .i18n import translate

ROWS_PER_PART = 40  # a part ends with a cut and "（续下页）"; a long statement goes on


def statement_layout(data: dict) -> StatementLayout:
    zh = lambda msgid, **kw: translate(msgid, "zh_CN", **kw)  # noqa: E731
    return StatementLayout(
        title=data["title"],
        name_masked=data["name_masked"],
        id_masked=data["id_masked"],
        columns=list(data["columns"]),
        rows=[list(r) for r in data["rows"]],
        totals=[(str(label), str(value)) for label, value in data["totals"]],
        printed_at=datetime.fromisoformat(data["printed_at"]),
        footer=list(data["footer"]),
        rows_per_part=ROWS_PER_PART,
        header=[
            zh("Issued by: {issuer}", issuer=data["issuer"]),
            zh("Period: {period}", period=data["period"]),
        ],
        qr_payload=data["verify_url"],
    )
