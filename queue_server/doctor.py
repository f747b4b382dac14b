"""``queue-server doctor``: the checks of GET /healthz, made from outside the server, in Chinese
and English with what to do; plus what only the PC can tell: does the server answer, when was
the last good backup, are the systemd units on.

Run as root it becomes the owner of the data folder first (queue_server/backup.py), so it sees
the files as the server does and leaves none behind that the server could not open.
Exit status: 0 all well, 1 something to look at (warn), 2 the hall cannot work (fail).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .backup import become_data_owner, listing
from .configfile import check_config
from .hall import default_db_path, system_clock
from .store import maintenance, shipping
from .web.health import RANK, gather, judge

LABELS = {
    "config": "配置",
    "server": "服务器",
    "database": "数据库",
    "data_files": "数据文件权限",
    "disk_space": "磁盘空间",
    "voice": "叫号语音",
    "last_event": "最近事件",
    "backup": "备份",
    "units": "systemd 服务",
    "city_shipping": "上报市局",
}
WORDS = {"ok": "正常 ok", "warn": "注意 warn", "fail": "故障 FAIL"}
BACKUP_WARN_H = 36
"""The nightly timer runs once a day; a day and a half leaves room for a late run."""
UNITS = ("hallqueue-server.service", "hallqueue-backup.timer")
SHIP_UNIT = "hallqueue-ship.service"
"""Wanted too when [city] names the hall (docs/city.md)."""
SYSTEMD_RUN = Path("/run/systemd/system")
"""There only when the machine booted with systemd."""
SHIP_WARN_MIN = 10
"""Events waiting this long since the last acknowledgement: the shipper is not getting through
(a running one acknowledges within seconds of a new event; an idle hall has nothing waiting)."""


@dataclass
class Line:
    name: str
    status: str
    zh: str
    en: str
    do_zh: str = ""
    do_en: str = ""


def _server(settings) -> Line:
    host = settings.server.host
    host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    url = f"http://{'[' + host + ']' if ':' in host else host}:{settings.server.port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            status = json.load(r).get("status")
    except urllib.error.HTTPError as exc:
        status = "fail" if exc.code == 503 else f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return Line(
            "server",
            "fail",
            f"{url} 没有应答（{exc}）",
            f"{url} does not answer ({exc})",
            "systemctl status hallqueue-server；journalctl -u hallqueue-server -n 50",
            "systemctl status hallqueue-server; journalctl -u hallqueue-server -n 50",
        )
    return Line("server", "ok", f"{url} 应答 {status}", f"{url} answers {status}")


def _backup(settings, now) -> Line:
    found = listing(settings)
    enable = (
        "启用每晚备份：systemctl enable --now hallqueue-backup.timer；立即备份：queue-server backup",
        "turn on nightly backups: systemctl enable --now hallqueue-backup.timer; "
        "take one now: queue-server backup",
    )
    if not found:
        return Line("backup", "warn", "还没有备份", "no backup yet", *enable)
    newest = found[-1]
    hours = int((now - newest.created_at).total_seconds() // 3600)
    if hours > BACKUP_WARN_H:
        return Line(
            "backup",
            "warn",
            f"最新备份已是 {hours} 小时前：{newest.path}",
            f"the newest backup is {hours} hours old: {newest.path}",
            "查看 journalctl -u hallqueue-backup；" + enable[0],
            "see journalctl -u hallqueue-backup; " + enable[1],
        )
    return Line(
        "backup",
        "ok",
        f"最新备份 {hours} 小时前，共 {len(found)} 份：{newest.path}",
        f"newest backup {hours} hours ago, {len(found)} in all: {newest.path}",
    )


def _shipping(settings, db: Path, busy_ms: int, now) -> Line | None:
    """Events not yet acknowledged by the city and the age of the last acknowledgement, when
    [city] is configured (hall_id; the dsn may live in city.env, out of this process's sight)."""
    hall_id = settings.city.hall_id
    if not hall_id:
        return None
    try:
        conn = maintenance.open_existing(db, busy_ms)
        try:
            newest, acked, acked_at = shipping.position(conn, hall_id)
        finally:
            conn.close()
    except Exception:  # the database line says what is wrong with it
        return None
    pending = max(newest - acked, 0)
    if acked_at is None:
        age_min = None
        ago_zh, ago_en = "市局从未确认", "the city never acknowledged any"
    else:
        age_min = int((now - datetime.fromisoformat(acked_at)).total_seconds() // 60)
        ago_zh, ago_en = f"最近一次确认在 {age_min} 分钟前", f"last acknowledged {age_min} min ago"
    zh = f"{pending} 条事件待市局确认，{ago_zh}"
    en = f"{pending} events not yet acknowledged by the city, {ago_en}"
    if pending and (age_min is None or age_min >= SHIP_WARN_MIN):
        return Line(
            "city_shipping",
            "warn",
            zh,
            en,
            "systemctl status hallqueue-ship；journalctl -u hallqueue-ship -n 50（docs/city.md）",
            "systemctl status hallqueue-ship; journalctl -u hallqueue-ship -n 50 (docs/city.md)",
        )
    return Line("city_shipping", "ok", zh, en)


def _units(settings) -> Line | None:
    if not shutil.which("systemctl") or not SYSTEMD_RUN.is_dir():
        return None  # not booted with systemd (a container, a test): nothing to ask
    wanted = UNITS + ((SHIP_UNIT,) if settings.city.hall_id else ())
    off = []
    for unit in wanted:
        state = subprocess.run(
            ["systemctl", "is-enabled", unit], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        if state != "enabled":
            off.append(f"{unit} ({state or 'unknown'})")
    if off:
        return Line(
            "units",
            "warn",
            "未启用：" + "，".join(off),
            "not enabled: " + ", ".join(off),
            "systemctl enable --now " + " ".join(wanted),
            "systemctl enable --now " + " ".join(wanted),
        )
    return Line("units", "ok", "已启用：" + "，".join(wanted), "enabled: " + ", ".join(wanted))


def checks(settings, config_path: str, db_path: str | None) -> list[Line]:
    now = system_clock()
    db = Path(db_path or default_db_path(settings))
    out = [
        Line(
            "config",
            "warn",
            f"{h.key}: {h.zh}",
            f"{h.key}: {h.en}",
            "修改配置后运行 queue-server check-config",
            "edit the config, then run queue-server check-config",
        )
        for h in check_config(config_path).hazards
    ]
    if not out:
        out.append(
            Line("config", "ok", f"配置有效：{config_path}", f"configuration valid: {config_path}")
        )
    out.append(_server(settings))
    busy_ms = int(settings.server.db_busy_timeout_s * 1000)

    def database() -> str | None:
        conn = maintenance.open_existing(db, busy_ms)
        try:
            maintenance.check_writable(conn)
            return maintenance.last_event_at(conn)
        finally:
            conn.close()

    facts = gather(settings, db, database, now)
    for zh, en in zip(judge(facts, "zh_CN")[1], judge(facts, "en")[1]):
        out.append(
            Line(
                zh["name"],
                zh["status"],
                zh["message"],
                en["message"],
                zh.get("advice", ""),
                en.get("advice", ""),
            )
        )
    out.append(_backup(settings, now))
    ship = _shipping(settings, db, busy_ms, now)
    if ship is not None:
        out.append(ship)
    units = _units(settings)
    if units is not None:
        out.append(units)
    return out


def main(args, settings) -> int:
    user = become_data_owner(settings)
    if user:
        print(f"以数据目录的所有者 {user} 的身份检查 / checking as {user}, the data folder's owner")
    lines = checks(settings, args.config, args.db)
    for line in lines:
        print(
            f"[{WORDS[line.status]}] {LABELS.get(line.name, line.name)} {line.name}: "
            f"{line.zh} / {line.en}"
        )
        if line.do_zh or line.do_en:
            print(f"    处理 / what to do: {line.do_zh} / {line.do_en}")
    worst = max((line.status for line in lines), key=RANK.__getitem__, default="ok")
    print(
        {
            "ok": "一切正常 / all well",
            "warn": "有需要处理的事项 / something needs attention",
            "fail": "大厅无法正常工作，请先处理“故障”项 / the hall cannot work: fix the FAIL lines "
            "first",
        }[worst]
    )
    return RANK[worst]
