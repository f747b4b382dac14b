"""Installer commands: ``python -m kiosk set-pin --config FILE [--pin-stdin]`` and
``python -m kiosk check-config --config FILE``.

Exit codes: 0 done (check-config: also with warnings), 2 bad config or refused input.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from pathlib import Path

from . import staffpin
from .config import ConfigError, load_config

_KEY_LINE = re.compile(r"(?m)^[ \t]*staff_pin_hash[ \t]*=.*$")
_COMMENTED_KEY_LINE = re.compile(r"(?m)^[ \t]*#[ \t]*staff_pin_hash[ \t]*=.*$")
_TABLE = re.compile(r"(?m)^[ \t]*\[kiosk\][ \t]*(#.*)?$")


def parser(command: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m kiosk {command}")
    p.add_argument("--config", required=True, help="kiosk TOML file")
    if command == "set-pin":
        p.description = (
            "设置导引员 PIN（哈希写入配置）/ set the guide staff PIN (its hash into the config)"
        )
        p.add_argument(
            "--pin-stdin",
            action="store_true",
            help="read the PIN from one line of standard input (scripts); else asked twice",
        )
    else:
        p.description = "检查自助终端配置 / check a kiosk configuration"
    return p


def with_pin_hash(text: str, pin_hash: str) -> str:
    """The config text with ``staff_pin_hash`` set, comments and the other keys untouched."""
    line = f'staff_pin_hash = "{pin_hash}"'
    for pattern in (_KEY_LINE, _COMMENTED_KEY_LINE):
        if pattern.search(text):
            return pattern.sub(lambda m: line, text, count=1)
    table = _TABLE.search(text)
    if table:
        return text[: table.end()] + "\n" + line + text[table.end() :]
    return text.rstrip("\n") + ("\n\n" if text.strip() else "") + "[kiosk]\n" + line + "\n"


def _write_keeping_owner(path: Path, text: str) -> None:
    """Replace the file in one step (no half-written config), keeping its mode and owner."""
    st = path.stat()
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, st.st_mode & 0o7777)
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except PermissionError:
        pass  # not root: the file is ours anyway
    os.replace(tmp, path)


def _read_pin(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass("新的导引员 PIN（4–8 位数字）/ new staff PIN (4–8 digits): ")
    again = getpass.getpass("再输入一次 / once more: ")
    if first != again:
        print(
            "两次输入的 PIN 不一致，未修改 / the two PINs differ; nothing changed", file=sys.stderr
        )
        return None
    return first.strip()


def set_pin(argv: list[str]) -> int:
    args = parser("set-pin").parse_args(argv)
    path = Path(args.config)
    try:
        load_config(path)  # never write into a file the kiosk would refuse anyway
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    pin = _read_pin(args.pin_stdin)
    if pin is None:
        return 2
    if not staffpin.valid_pin(pin):
        print("PIN 须为 4–8 位数字 / the PIN must be 4–8 digits", file=sys.stderr)
        return 2
    if pin in staffpin.KNOWN_PINS:
        print(
            "这个 PIN 人人都会先试（演示 PIN 或常见数字），请换一个 / "
            "everyone tries this PIN first (the demo PIN or a common one); choose another",
            file=sys.stderr,
        )
        return 2
    pin_hash = staffpin.hash_pin(pin)
    old = path.read_text(encoding="utf-8")
    _write_keeping_owner(path, with_pin_hash(old, pin_hash))
    try:
        ok = load_config(path).staff_pin_hash == pin_hash
    except ConfigError:
        ok = False
    if not ok:  # an unusual layout we did not understand: put the file back as it was
        _write_keeping_owner(path, old)
        print(
            f"无法写入 {path} 的 [kiosk] staff_pin_hash，请手工填写 / could not set "
            f'[kiosk] staff_pin_hash in {path}; add it by hand:\nstaff_pin_hash = "{pin_hash}"',
            file=sys.stderr,
        )
        return 2
    print(f"已设置导引员 PIN，重启自助终端后生效 / staff PIN set in {path}; restart the kiosk")
    return 0


def warnings(cfg) -> list[tuple[str, str]]:
    """(Chinese, English) warnings about a valid kiosk config that is unsafe in a real hall."""
    out = []
    if not cfg.staff_pin_hash:
        out.append(
            (
                "未设置导引员 PIN，员工模式（绿色通道取号）不可用；请运行 python -m kiosk set-pin",
                "no staff PIN: staff mode (priority tickets) is refused; run python -m kiosk set-pin",
            )
        )
    elif not cfg.staff_pin_hash.startswith("scrypt$"):
        out.append(
            (
                "staff_pin_hash 不是 set-pin 生成的哈希，员工模式无法进入",
                "staff_pin_hash is not a hash made by set-pin: staff mode cannot be entered",
            )
        )
    else:
        known = staffpin.known_pin(cfg.staff_pin_hash)
        if known:
            out.append(
                (
                    f"staff_pin_hash 是众所周知的 PIN（{known}，演示或常见数字）的哈希，"
                    "任何人都能进入员工模式；请运行 python -m kiosk set-pin 更换",
                    f"staff_pin_hash is the hash of a well-known PIN ({known}, the demo's or a "
                    "common one): anyone can enter staff mode; run python -m kiosk set-pin",
                )
            )
    if cfg.printer_url.startswith("virtual://"):
        out.append(
            (
                "printer_url 是虚拟打印机，号票只写成图片文件，不出纸",
                "printer_url is the virtual printer: tickets become image files, no paper",
            )
        )
    if not (cfg.token or cfg.token_file):
        out.append(
            (
                "未配置设备令牌（token_file），终端无法取号；见 queue-server create-device",
                "no device token (token_file): the kiosk cannot issue tickets; "
                "see queue-server create-device",
            )
        )
    return out


def check_config(argv: list[str]) -> int:
    args = parser("check-config").parse_args(argv)
    try:
        cfg = load_config(args.config)
        cfg.device_token()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    print(f"配置有效 / configuration valid: {args.config}")
    found = warnings(cfg)
    for zh, en in found:
        print(f"警告 / warning: {zh}\n    {en}")
    if found:
        print(
            f"{len(found)} 条警告，正式使用前请处理（不影响退出码）/ "
            f"{len(found)} warning(s): fix them before use (exit code unchanged)"
        )
    return 0


COMMANDS = {"set-pin": set_pin, "check-config": check_config}
