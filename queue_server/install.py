"""``queue-server install --role server|kiosk|display [--root DIR]``: set up one PC of a hall.

Run as root on Debian 12 with systemd, from the checkout's venv (``make setup``). It creates
the role's system user (systemd-sysusers), writes ``/etc/hallqueue/*`` from the examples (a
generated session key; the kiosk's own staff PIN, asked once), makes the data folders with
their owner and mode, writes the systemd units (with this venv's path) and enables them.

Running it again changes nothing that is already right: configs that exist are kept (an
operator may have edited them), the PIN is not asked again, units are rewritten only when they
differ. ``--root DIR`` installs into DIR instead of / (tests, images): files and users are made
there, and the systemctl and apt-get commands are printed instead of run.
"""

from __future__ import annotations

import getpass
import grp
import os
import pwd
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
UNIT_DIR = ROOT / "systemd"
CONFIG_DIR = ROOT / "config"
SHIPPED_VENV = "/opt/hallqueue/.venv"
ROLES = ("server", "kiosk", "display")
USER = {"server": "hallqueue", "kiosk": "kiosk", "display": "hallqueue-display"}
UNITS = {
    "server": (
        "hallqueue-server.service",
        "hallqueue-backup.service",
        "hallqueue-backup.timer",
        "hallqueue-ship.service",  # written always, enabled only with [city] (_ship_unit)
    ),
    "kiosk": ("hallqueue-kiosk.service",),
    "display": ("hallqueue-display.service",),
}
ENABLE = {
    "server": ("hallqueue-server.service", "hallqueue-backup.timer"),
    "kiosk": ("hallqueue-kiosk.service",),
    "display": ("hallqueue-display.service",),
}
PACKAGES = {
    "server": ("espeak-ng",),
    "kiosk": ("cage", "xwayland"),
    "display": ("cage", "chromium"),
}
"""Beyond `make setup`'s: cage runs the kiosk and the board full screen; Kivy draws through
Xwayland (its SDL has no Wayland backend); Chromium shows /display."""
DATA_DIR = "/var/lib/hallqueue"
BACKUP_DIR = "/var/backups/hallqueue"
ETC = "etc/hallqueue"


class Refused(Exception):
    """The installer will not go on; (Chinese, English)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def add_arguments(p) -> None:
    p.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="server: the queue server; kiosk: the self-service kiosk PC; "
        "display: the hall display PC",
    )
    p.add_argument(
        "--root",
        default="/",
        help="install into this folder instead of / (systemctl and apt-get are printed, not run)",
    )
    p.add_argument(
        "--server-url", help="kiosk, display: the queue server, e.g. http://hall-server:8080"
    )
    p.add_argument("--public-url", help="server: the address citizens' phones reach (ticket QR)")
    p.add_argument(
        "--pin-stdin",
        action="store_true",
        help="kiosk: read the staff PIN from one line of standard input",
    )
    p.add_argument(
        "--token-file",
        help="kiosk, display: a file with the device token from "
        "queue-server create-device on the server",
    )
    p.add_argument("--device-id", default="kiosk-1", help="kiosk: its device id (kiosk-1)")
    p.add_argument("--printer", help="kiosk: printer URL, e.g. tcp://192.168.1.50:9100")
    p.add_argument("--zone", help="display: show one zone's calls (e.g. B区)")
    p.add_argument(
        "--rotate",
        type=int,
        choices=(0, 1, 2, 3),
        help="kiosk, display: turn the screen 90° clockwise this many times",
    )


# --- what is done -------------------------------------------------------------------------------


@dataclass
class Installer:
    root: Path
    live: bool
    """Installing onto this PC (root = /): commands are run, not printed."""
    notes: list[str] = field(default_factory=list)

    def path(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")

    def say(self, zh: str, en: str) -> None:
        print(f"{zh} / {en}")

    def run(self, *cmd: str) -> None:
        if not self.live:
            print(f"将运行 / would run: {' '.join(cmd)}")
            return
        print(f"运行 / running: {' '.join(cmd)}")
        subprocess.run(cmd, check=True)

    def write(
        self,
        absolute: str,
        text: str,
        mode: int,
        owner: str = "root",
        group: str = "root",
        keep: bool = False,
    ) -> bool:
        """Write ``text`` unless the file says it already; ``keep``: never replace a file that
        exists (a config an operator may have edited). Mode and owner are set either way."""
        target = self.path(absolute)
        target.parent.mkdir(parents=True, exist_ok=True)
        exists = target.exists()
        if exists and (keep or target.read_text(encoding="utf-8") == text):
            print(f"保留 / kept: {absolute}" if keep else f"未变 / unchanged: {absolute}")
            changed = False
        else:
            tmp = target.with_name(f".{target.name}.new")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, target)
            print(f"写入 / written: {absolute}")
            changed = True
        self.own(target, mode, owner, group)
        return changed

    def folder(self, absolute: str, mode: int, owner: str, group: str) -> None:
        target = self.path(absolute)
        made = not target.exists()
        target.mkdir(parents=True, exist_ok=True)
        self.own(target, mode, owner, group)
        print(
            f"{'建立 / made' if made else '已有 / exists'}: {absolute} ({owner}:{group} {mode:04o})"
        )

    def own(self, target: Path, mode: int, owner: str, group: str) -> None:
        target.chmod(mode)
        if os.geteuid() == 0:
            os.chown(target, self.uid(owner), self.gid(group))

    def uid(self, name: str) -> int:
        if self.live:
            return pwd.getpwnam(name).pw_uid
        return _lookup(self.path("/etc/passwd"), name)

    def gid(self, name: str) -> int:
        if self.live:
            return grp.getgrnam(name).gr_gid
        return _lookup(self.path("/etc/group"), name)


def _lookup(table: Path, name: str) -> int:
    """A user's or group's id in another root's /etc/passwd or /etc/group (its third field)."""
    if name == "root":
        return 0
    try:
        for line in table.read_text(encoding="utf-8").splitlines():
            parts = line.split(":")
            if parts[0] == name and len(parts) > 2:
                return int(parts[2])
    except OSError:
        pass
    raise Refused(f"找不到用户或组 {name}（{table}）", f"no user or group {name} in {table}")


# --- checks -------------------------------------------------------------------------------------


def os_release(root: Path) -> dict[str, str]:
    for candidate in ("etc/os-release", "usr/lib/os-release"):
        path = root / candidate
        if path.is_file():
            out = {}
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                key, sep, value = line.partition("=")
                if sep:
                    out[key.strip()] = value.strip().strip('"')
            return out
    return {}


def check_system(root: Path, live: bool) -> None:
    info = os_release(root)
    name = info.get("PRETTY_NAME") or "unknown"
    if info.get("ID") != "debian" or info.get("VERSION_ID") != "12":
        raise Refused(
            f"不支持的系统：{name}。本安装程序只支持 Debian 12（bookworm）",
            f"unsupported system: {name}. This installer supports Debian 12 (bookworm) only",
        )
    if not any((root / p).exists() for p in ("usr/lib/systemd/systemd", "lib/systemd/systemd")):
        raise Refused(
            "没有安装 systemd（apt-get install systemd）",
            "systemd is not installed (apt-get install systemd)",
        )
    if live and not Path("/run/systemd/system").is_dir():
        raise Refused(
            "systemd 没有运行（本机不是用 systemd 启动的，例如容器）",
            "systemd is not running (this machine was not booted with it, e.g. a container)",
        )
    if live and os.geteuid() != 0:
        raise Refused(
            "请以 root 运行（sudo queue-server install …）",
            "run it as root (sudo queue-server install …)",
        )


# --- texts --------------------------------------------------------------------------------------


def venv_prefix() -> str:
    """The venv this command runs from: the units start the programs of the same one."""
    return str(Path(sys.executable).parent.parent)


def unit_text(name: str) -> str:
    text = (UNIT_DIR / name).read_text(encoding="utf-8")
    return text.replace(SHIPPED_VENV, venv_prefix())


def _set_key(text: str, table: str, key: str, value: str) -> str:
    """``key = value`` in ``[table]`` of a TOML text, the rest untouched (a commented key line
    is replaced; a missing one is added under the table's header)."""
    header = re.search(rf"(?m)^\[{re.escape(table)}\][ \t]*(#.*)?$", text)
    if header is None:
        return text.rstrip("\n") + f"\n\n[{table}]\n{key} = {value}\n"
    end = re.search(r"(?m)^\[", text[header.end() :])
    body_end = header.end() + (end.start() if end else len(text) - header.end())
    body = text[header.end() : body_end]
    line = re.compile(rf"(?m)^[ \t]*#?[ \t]*{re.escape(key)}[ \t]*=.*$")
    if line.search(body):
        body = line.sub(lambda m: f"{key} = {value}", body, count=1)
    else:
        body = f"\n{key} = {value}" + body
    return text[: header.end()] + body + text[body_end:]


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hall_config(public_url: str | None) -> str:
    text = (CONFIG_DIR / "hall.example.toml").read_text(encoding="utf-8")
    text = _set_key(text, "hall", "data_dir", _toml_string(DATA_DIR))
    if public_url:
        text = _set_key(text, "hall", "public_url", _toml_string(public_url))
    # Other PCs (kiosks, displays, staff) reach the server over the hall's LAN; behind an HTTPS
    # proxy on this PC set it back to 127.0.0.1 (README, 用 HTTPS 提供服务).
    text = _set_key(text, "server", "host", _toml_string("0.0.0.0"))
    text = _set_key(text, "server", "secret_key", _toml_string(secrets.token_hex(32)))
    text = _set_key(text, "backup", "folder", _toml_string(BACKUP_DIR))
    header = (
        "# 由 queue-server install 生成 / written by queue-server install: edit freely, "
        "then queue-server check-config\n"
    )
    return header + text


def kiosk_config(server_url: str, device_id: str, printer: str | None) -> str:
    text = (CONFIG_DIR / "kiosk.example.toml").read_text(encoding="utf-8")
    text = _set_key(text, "kiosk", "server_url", _toml_string(server_url))
    text = _set_key(text, "kiosk", "device_id", _toml_string(device_id))
    text = _set_key(text, "kiosk", "token_file", _toml_string(f"/{ETC}/kiosk.token"))
    text = _set_key(
        text,
        "kiosk",
        "printer_url",
        _toml_string(printer or "virtual:///var/lib/hallqueue-kiosk/printer"),
    )
    return (
        "# 由 queue-server install 生成 / written by queue-server install: edit freely, "
        "then python -m kiosk check-config\n"
    ) + text


def display_url(server_url: str, token: str | None, zone: str | None) -> str:
    query = {k: v for k, v in (("zone", zone), ("token", token)) if v}
    return f"{server_url.rstrip('/')}/display" + (f"?{urlencode(query)}" if query else "")


def _cage_args(rotate: int | None) -> str:
    return " ".join(["-r"] * (rotate or 0))


# --- roles --------------------------------------------------------------------------------------


def _common(inst: Installer, role: str) -> None:
    missing = [p for p in PACKAGES[role] if not _installed(p)] if inst.live else PACKAGES[role]
    if missing:
        inst.run("apt-get", "install", "-y", "--no-install-recommends", *missing)
    conf = f"/etc/sysusers.d/hallqueue-{role}.conf"
    inst.write(
        conf, (UNIT_DIR / f"hallqueue-{role}.sysusers.conf").read_text(encoding="utf-8"), 0o644
    )
    # sysusers into another root only writes that root's /etc/passwd: safe to run for real.
    cmd = ["systemd-sysusers"] + ([] if inst.live else [f"--root={inst.root}"])
    print(f"运行 / running: {' '.join(cmd + [conf])}")
    subprocess.run(cmd + [str(inst.path(conf))], check=True, capture_output=not inst.live)
    inst.folder(f"/{ETC}", 0o755, "root", "root")


def _installed(package: str) -> bool:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return "install ok installed" in out.stdout


def _units(inst: Installer, role: str) -> None:
    for name in UNITS[role]:
        inst.write(f"/etc/systemd/system/{name}", unit_text(name), 0o644)
    inst.run("systemctl", "daemon-reload")


def install_server(inst: Installer, args) -> None:
    _common(inst, "server")
    user = USER["server"]
    inst.write(f"/{ETC}/hall.toml", hall_config(args.public_url), 0o640, "root", user, keep=True)
    existing = inst.path(f"/{ETC}/hall.toml").read_text(encoding="utf-8")
    if not re.search(rf'(?m)^data_dir\s*=\s*"{re.escape(DATA_DIR)}"', existing):
        inst.notes.append(
            f"hall.toml 的 data_dir 不是 {DATA_DIR}，而服务单元使用它 / hall.toml's "
            f"data_dir is not {DATA_DIR}, which the units use: set it"
        )
    faq = (CONFIG_DIR / "faq.toml").read_text(encoding="utf-8")
    inst.write(f"/{ETC}/faq.toml", faq, 0o644, keep=True)
    inst.folder(DATA_DIR, 0o700, user, user)
    inst.folder(BACKUP_DIR, 0o700, user, user)
    _units(inst, "server")
    inst.run("systemctl", "enable", "--now", *ENABLE["server"])
    _ship_unit(inst)
    inst.notes.append(
        f"下一步 / next: queue-server check-config --config /{ETC}/hall.toml; "
        f"queue-server create-user …; queue-server doctor --config /{ETC}/hall.toml"
    )


def _ship_unit(inst: Installer) -> None:
    """hallqueue-ship.service runs only where [city] says where to ship (dsn, from hall.toml or
    city.env, and hall_id); otherwise it would exit 1 every 10 s. Installing again after
    setting [city] enables it (docs/install.md)."""
    from .configfile import load_settings
    from .core.settings import SettingsError

    env = {}
    city_env = inst.path(f"/{ETC}/city.env")
    if city_env.is_file():
        for line in city_env.read_text(encoding="utf-8").splitlines():
            key, eq, value = line.strip().partition("=")
            if eq and key.startswith("HALLQUEUE_CITY_"):
                env[key] = value.strip().strip("\"'")
    try:
        city = load_settings(inst.path(f"/{ETC}/hall.toml"), environ=env).city
    except SettingsError as exc:
        inst.notes.append(
            f"hall.toml 有误，未启用 hallqueue-ship.service / hall.toml is not valid, "
            f"hallqueue-ship.service not enabled: {exc}"
        )
        return
    if city.dsn and city.hall_id:
        inst.run("systemctl", "enable", "--now", "hallqueue-ship.service")
        return
    inst.notes.append(
        "未配置 [city]：已安装但未启用 hallqueue-ship.service（上报市局）；填写 dsn、hall_id 后"
        "再运行一次本命令 / [city] not configured: hallqueue-ship.service installed, not "
        "enabled; set dsn and hall_id, then run this command again (docs/city.md)"
    )


def _read_token(path: str | None, what: str) -> str | None:
    if path:
        try:
            token = Path(path).read_text(encoding="utf-8").strip().splitlines()[0].strip()
        except (OSError, IndexError):
            raise Refused(
                f"无法读取令牌文件 {path}", f"cannot read the token file {path}"
            ) from None
        return token or None
    if sys.stdin.isatty():
        token = getpass.getpass(
            f"{what}的设备令牌（queue-server create-device 打印的；直接回车跳过）"
            f" / {what} device token (Enter to skip): "
        ).strip()
        return token or None
    return None


def _with_pin(inst: Installer, text: str, pin_stdin: bool) -> str:
    """``text`` with the staff PIN's hash, set by the kiosk's own installer command
    (``python -m kiosk set-pin``: asks twice, refuses well-known PINs) on a scratch copy."""
    scratch = inst.path(f"/{ETC}/.kiosk.toml.pin")
    scratch.write_text(text, encoding="utf-8")
    scratch.chmod(0o600)
    try:
        cmd = [sys.executable, "-m", "kiosk", "set-pin", "--config", str(scratch)]
        if pin_stdin:
            done = subprocess.run(
                cmd + ["--pin-stdin"], input=sys.stdin.readline(), text=True, capture_output=True
            )
            print(done.stdout, end="")
            print(done.stderr, end="", file=sys.stderr)
        else:
            done = subprocess.run(cmd)  # on the terminal: the PIN is typed, never echoed
        if done.returncode != 0:
            raise Refused("未设置导引员 PIN（见上）", "the staff PIN was not set (see above)")
        return scratch.read_text(encoding="utf-8")
    finally:
        scratch.unlink(missing_ok=True)


def install_kiosk(inst: Installer, args) -> None:
    path = f"/{ETC}/kiosk.toml"
    exists = inst.path(path).exists()
    if not exists and not args.server_url:
        raise Refused(
            "首次安装自助终端需要 --server-url（例如 http://hall-server:8080）",
            "a first kiosk install needs --server-url (e.g. http://hall-server:8080)",
        )
    _common(inst, "kiosk")
    user = USER["kiosk"]
    text = (
        inst.path(path).read_text(encoding="utf-8")
        if exists
        else kiosk_config(args.server_url, args.device_id, args.printer)
    )
    if not re.search(r'(?m)^staff_pin_hash\s*=\s*"scrypt\$', text):  # asked once
        text = _with_pin(inst, text, args.pin_stdin)
        inst.write(path, text, 0o640, "root", user)
    else:
        inst.write(path, text, 0o640, "root", user, keep=exists)
    token = _read_token(args.token_file, "自助终端 / kiosk")
    if token:
        inst.write(f"/{ETC}/kiosk.token", token + "\n", 0o640, "root", user)
    elif not inst.path(f"/{ETC}/kiosk.token").exists():
        inst.notes.append(
            f"还没有设备令牌：在服务器上运行 queue-server create-device {args.device_id} "
            f"--kind kiosk，把令牌写入 /{ETC}/kiosk.token / no device token yet: "
            f"put the one create-device prints into /{ETC}/kiosk.token"
        )
    _session(inst)
    env = f"/{ETC}/kiosk.env"
    if args.rotate is not None or not inst.path(env).exists():
        inst.write(env, f"HALLQUEUE_CAGE_ARGS={_cage_args(args.rotate)}\n", 0o644)
    _units(inst, "kiosk")
    inst.run("systemctl", "set-default", "graphical.target")
    inst.run("systemctl", "enable", "--now", *ENABLE["kiosk"])


def _session(inst: Installer) -> None:
    """The PAM service the kiosk's and the display's units open their tty1 session with."""
    inst.write(
        "/etc/pam.d/hallqueue-session",
        (UNIT_DIR / "hallqueue-session.pam").read_text(encoding="utf-8"),
        0o644,
    )


def install_display(inst: Installer, args) -> None:
    path = f"/{ETC}/display.env"
    old = {}
    if inst.path(path).exists():
        for line in inst.path(path).read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            old[key.strip()] = value.strip()
    url = urlsplit(old.get("HALLQUEUE_DISPLAY_URL", ""))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    server_url = args.server_url or (f"{url.scheme}://{url.netloc}" if url.netloc else None)
    if not server_url:
        raise Refused(
            "首次安装叫号屏需要 --server-url（例如 http://hall-server:8080）",
            "a first display install needs --server-url (e.g. http://hall-server:8080)",
        )
    _common(inst, "display")
    user = USER["display"]
    token = _read_token(args.token_file, "叫号屏 / display") or query.get("token")
    if not token:
        inst.notes.append(
            "还没有设备令牌：在服务器上运行 queue-server create-device board-1 --kind "
            "display，再用 --token-file 重新运行安装 / no device token: the guide "
            "desk will not see this board; run create-device, then install again "
            "with --token-file"
        )
    zone = args.zone if args.zone is not None else query.get("zone")
    rotate = (
        args.rotate if args.rotate is not None else old.get("HALLQUEUE_CAGE_ARGS", "").count("-r")
    )
    text = (
        f"HALLQUEUE_DISPLAY_URL={display_url(server_url, token, zone)}\n"
        f"HALLQUEUE_CAGE_ARGS={_cage_args(rotate)}\n"
    )
    inst.write(path, text, 0o640, "root", user)  # the token is a secret of this board
    _session(inst)
    _units(inst, "display")
    inst.run("systemctl", "set-default", "graphical.target")
    inst.run("systemctl", "enable", "--now", *ENABLE["display"])


def main(args) -> int:
    root = Path(args.root).absolute()
    inst = Installer(root, live=root == Path("/"))
    try:
        check_system(root, inst.live)
        {"server": install_server, "kiosk": install_kiosk, "display": install_display}[args.role](
            inst, args
        )
    except Refused as exc:
        print(f"未安装 / not installed: {exc.zh}\n{exc.en}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(
            f"命令失败 / a command failed: {' '.join(map(str, exc.cmd))} ({exc.returncode})",
            file=sys.stderr,
        )
        return 1
    for note in inst.notes:
        print(f"注意 / note: {note}")
    print(f"已安装 {args.role} / {args.role} installed" + ("" if inst.live else f" in {root}"))
    return 0
