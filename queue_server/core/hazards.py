"""Settings that are valid but wrong for a real hall: ``check-config`` warns about them.

Each hazard names the key and says in Chinese and English what goes wrong and what to do. They
are warnings, not errors: the demo hall runs with some of them on purpose.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from .settings import Settings

# RFC 2606 / RFC 6761 names that never reach a real server.
_PLACEHOLDER_TLDS = ("example", "invalid", "test", "localhost")
_PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True)
class Hazard:
    key: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.key}: {self.zh} / {self.en}"


def unreachable_host(url: str) -> str | None:
    """Why phones cannot open ``url`` ('loopback', 'placeholder', 'unspecified', 'scheme'),
    or None when it may be reachable. A private LAN address is fine: phones use the hall Wi-Fi."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return "scheme"
    if parts.scheme not in ("http", "https") or not host:
        return "scheme"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    labels = host.split(".")
    if labels[-1] in _PLACEHOLDER_TLDS or any(
        host == d or host.endswith("." + d) for d in _PLACEHOLDER_DOMAINS
    ):
        return "placeholder"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    documentation = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
    if any(ip in ipaddress.ip_network(net) for net in documentation):
        return "placeholder"
    return None


def hazards(s: Settings) -> list[Hazard]:
    out = []
    why = unreachable_host(s.hall.public_url)
    if why:
        what_zh = {
            "loopback": "是本机回环地址",
            "placeholder": "是示例占位地址",
            "unspecified": "不是可访问的地址",
            "scheme": "不是 http(s) 网址",
        }[why]
        what_en = {
            "loopback": "is a loopback address",
            "placeholder": "is a placeholder",
            "unspecified": "is not a reachable address",
            "scheme": "is not an http(s) URL",
        }[why]
        out.append(
            Hazard(
                "hall.public_url",
                f"{s.hall.public_url} {what_zh}，号票二维码在市民手机上打不开；"
                "请改为手机能访问的服务器地址（如大厅无线网中服务器的 IP 或域名）",
                f"{s.hall.public_url} {what_en}: ticket QR codes will not open on citizens' phones; "
                "set the address phones reach (the server's IP or name on the hall Wi-Fi)",
            )
        )
    r = s.records
    if (
        r.provider == "http"
        and r.base_url.lower().startswith("http://")
        and unreachable_host(r.base_url) != "loopback"
    ):
        out.append(
            Hazard(
                "records.base_url",
                f"{r.base_url} 未加密（http://）：身份证号码、查询密码与个人权益记录将明文经过网络；请改用 https://",
                f"{r.base_url} is not encrypted (http://): ID numbers, query passwords and personal "
                "records would cross the network in clear; use https://",
            )
        )
    if s.hall.issue_outside_hours:
        out.append(
            Hazard(
                "hall.issue_outside_hours",
                "为 true：营业时间外（例如凌晨 3 点）也会出号；只用于演示或 24 小时自助区",
                "is true: tickets are issued outside opening hours (at 3 a.m. too); "
                "only for a demo or a 24-hour self-service area",
            )
        )
    return out
