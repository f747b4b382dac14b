"""``queue-server demo``: the demo hall on one machine — server, kiosk window, hall display —
with the kiosk printing to a virtual printer that writes each ticket as a PNG.

It seeds one staff account per role and the device tokens, opens every window so the kiosk
shows real estimates, and prints how to log in. Ctrl-C stops everything.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .hall import Hall, default_db_path

DEMO_USERS = (
    ("window1", "window", "window-demo-1", "窗口人员"),
    ("guide1", "guide", "guide-demo-1", "导引员"),
    ("admin1", "admin", "admin-demo-1", "管理员"),
)


def seed(settings, db_path: Path) -> dict[str, str]:
    """Demo accounts and fresh device tokens; returns {device id: token file}."""
    hall = Hall.open(settings, db_path)
    data = Path(settings.hall.data_dir).resolve()
    files = {}
    try:
        for username, role, password, name in DEMO_USERS:
            if hall.accounts.user(username) is None:
                hall.accounts.create_user(username, role, password, name)
        for device_id, kind, window in (
            ("kiosk-1", "kiosk", None),
            ("evaluator-3", "evaluator", 3),
            ("display-1", "display", None),
        ):
            token = hall.accounts.create_device(device_id, kind, window=window)
            path = data / f"{device_id}.token"
            path.write_text(token)
            path.chmod(0o600)
            files[device_id] = str(path)
        for w in settings.windows:
            hall.queue.set_window_state(w.number, "open", "demo")
    finally:
        hall.close()
    return files


DEMO_RECORDS_PEOPLE = 200  # small: generated in about a second when the demo starts


def ensure_demo_records(settings) -> tuple[Path, list] | None:
    """The demo hall's records database (sqlite provider), generated when missing; returns its
    path and the people to name, or None when the hall reads an http upstream."""
    from .records import records_db_path
    from .records.demo_people import generate

    if settings.records.provider != "sqlite":
        return None
    path = records_db_path(settings)
    if path.exists():  # the first people again, for the banner (same seed, same people)
        return path, demo_people_of(path)
    return path, generate(path, DEMO_RECORDS_PEOPLE, seed=1)


def demo_people_of(path: Path) -> list:
    """The first people of an existing demo database, with their passwords from its seed."""
    import sqlite3

    from .records.demo_people import STORIES, DemoPerson, demo_password

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            seed = int(conn.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()[0])
            rows = conn.execute(
                "SELECT id, id_number, name FROM people ORDER BY id LIMIT ?", [len(STORIES)]
            ).fetchall()
    except (sqlite3.Error, TypeError, ValueError):
        return []
    return [
        DemoPerson(pid - 1, pid, number, name, demo_password(seed, pid - 1), STORIES[pid - 1])
        for pid, number, name in rows
    ]


def print_demo_people(path: Path, people: list) -> None:
    """A few demo people to try at the kiosk, with an e-SSC code for the first one. All of it is
    fictitious, so the full ID numbers and passwords are printed for a newcomer to type."""
    from datetime import datetime

    from .core.numbering import HALL_TZ
    from .records.demo_people import essc_code

    print(
        "演示人员（虚构数据）/ demo people (fictitious):  姓名 / name   身份证号码 / ID number   "
        "查询密码 / query password"
    )
    for p in people:
        print(f"  {p.name:<8} {p.id_number}  {p.password}   {p.story}")
    if people:
        code = essc_code(path, people[0].person_id, datetime.now(HALL_TZ), lifetime_s=600)
        print(
            f"电子社保卡二维码内容（{people[0].name}，10 分钟内有效）/ e-SSC code, valid 10 minutes:"
            f"\n  {code}"
        )


class DemoDevices:
    """The kiosk's ID card reader and e-SSC scanner as pty fakes, each its own process (the fake
    CLI of kiosk/devices/fakes.py), the reader holding a card for the first demo person. The
    demo's terminal drives them: ``i`` places the card, ``r`` lifts it, ``s`` scans a fresh
    e-SSC code, ``x`` places an expired card."""

    def __init__(self, records_path: Path, person):
        self.records_path, self.person = records_path, person
        fakes = [sys.executable, "-m", "kiosk.devices.fakes"]
        self.reader = self._start(
            [*fakes, "idcard", "--person", f"{person.name},{person.id_number}"]
        )
        self.scanner = self._start([*fakes, "scanner"])
        self.reader_url, self.scanner_url = self._url(self.reader), self._url(self.scanner)

    @staticmethod
    def _start(cmd: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )

    @staticmethod
    def _url(proc: subprocess.Popen) -> str:
        """The fake prints ``path …`` then ``url serial:///dev/pts/N?…`` (an absolute path)."""
        import threading

        for line in proc.stdout:
            if line.startswith("url "):
                # what it says later is not needed, but must be read (a full pipe would block it)
                threading.Thread(target=proc.stdout.read, daemon=True).start()
                return line.split(None, 1)[1].strip()
        raise SystemExit("假设备未能启动 / a fake device did not start")

    def kiosk_flags(self) -> list[str]:
        return ["--idcard-reader", self.reader_url, "--qr-scanner", self.scanner_url]

    def banner(self) -> str:
        name = self.person.name
        return (
            f"读卡与扫码演示（假设备）/ ID card reader and e-SSC scanner (fakes on ptys):\n"
            f"  在自助终端点“个人查询”，然后在本终端输入 i 回车放上 {name} 的身份证，r 拿走；"
            f"s 扫描其电子社保卡二维码；x 放一张过期的身份证。\n"
            f"  On the kiosk touch 个人查询 (My records), then type here: i + Enter places "
            f"{name}'s ID card on the reader, r lifts it, s scans their e-SSC code, "
            f"x places an expired card."
        )

    def _tell(self, proc: subprocess.Popen, line: str) -> None:
        try:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
        except (OSError, ValueError):
            pass  # the fake has gone (Ctrl-C)

    def command(self, word: str) -> str | None:
        """One typed command → what happened (None: not a device command)."""
        from datetime import datetime

        from .core.numbering import HALL_TZ
        from .records.demo_people import essc_code

        if word in ("i", "insert"):
            self._tell(self.reader, "insert person")
            return f"已放卡 / card placed: {self.person.name}"
        if word in ("x", "expired"):
            self._tell(self.reader, "insert expired")
            return "已放过期身份证 / an expired card placed"
        if word in ("r", "remove"):
            self._tell(self.reader, "remove")
            return "已拿走 / card lifted"
        if word in ("s", "scan"):
            code = essc_code(self.records_path, self.person.person_id, datetime.now(HALL_TZ))
            self._tell(self.scanner, f"send {code}")
            return "已扫码 / e-SSC code scanned"
        return None

    def serve_stdin(self) -> None:
        """Read commands from the demo's terminal on a thread (nothing when stdin is not one)."""
        import threading

        def loop():
            for line in sys.stdin:
                said = self.command(line.strip().lower())
                if said:
                    print(said, flush=True)

        if sys.stdin is not None and sys.stdin.isatty():
            threading.Thread(target=loop, name="demo-devices", daemon=True).start()

    def close(self) -> None:
        for proc in (self.reader, self.scanner):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                try:
                    pipe.close()
                except (OSError, ValueError):
                    pass


def demo_env(url: str) -> dict:
    """The demo's own values over the example config's safe ones (issue 9.6): tickets at any hour
    and ticket QR codes pointing at this machine. A value already in the environment wins."""
    return {
        "HALLQUEUE_HALL_ISSUE_OUTSIDE_HOURS": "true",
        "HALLQUEUE_HALL_PUBLIC_URL": url,
        **os.environ,
    }


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                "服务器启动失败，请查看上面的日志 / the server failed to start, see the log above"
            )
        try:
            urllib.request.urlopen(f"{url}/api/v1/hall", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("服务器未能在 20 秒内启动 / the server did not start within 20 s")


KIOSK_WINDOWED = (540, 960)  # what ``python -m kiosk --windowed`` asks for, fitted to the screen
DESKTOP_GAP = 40


def desktop_layout(screen: tuple[int, int]) -> dict[str, tuple[int, int, int, int]]:
    """(x, y, width, height) of the kiosk — a portrait window that fits the screen, left — and
    of the hall display beside it (16:9, no taller than the kiosk), both centred vertically."""
    from kiosk.window import fit_portrait  # geometry only: no Kivy in the server's process

    kw, kh = fit_portrait(screen, KIOSK_WINDOWED)
    x = DESKTOP_GAP + kw + DESKTOP_GAP
    dw = max(320, min(screen[0] - x - DESKTOP_GAP, kh * 16 // 9))
    dh = dw * 9 // 16
    return {
        "kiosk": (DESKTOP_GAP, (screen[1] - kh) // 2, kw, kh),
        "display": (x, max(0, (screen[1] - dh) // 2), dw, dh),
    }


def kiosk_env(place: tuple[int, int, int, int] | None) -> dict:
    """Kivy reads KCFG_<section>_<key> over its config: where the kiosk window opens."""
    if place is None:
        return dict(os.environ)
    return {
        **os.environ,
        "KCFG_GRAPHICS_POSITION": "custom",
        "KCFG_GRAPHICS_LEFT": str(place[0]),
        "KCFG_GRAPHICS_TOP": str(place[1]),
    }


def display_command(
    chromium: str, url: str, profile: Path, place, as_root: bool, token: str = ""
) -> list[str]:
    """Chromium showing the hall display as an app window: no address bar, no infobars. With a
    display device token the page reports its heartbeat to the guide desk (§8.1.5)."""
    from .install import display_url

    cmd = [
        chromium,
        f"--app={display_url(url, token, None)}",
        f"--user-data-dir={profile}",
        "--autoplay-policy=no-user-gesture-required",  # the display speaks without a click
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--password-store=basic",  # no desktop keyring prompt
        "--accept-lang=zh-CN",  # the page's language: no "translate this page?" prompt
        "--hide-crash-restore-bubble",  # Ctrl-C of the demo is not a crash to restore
    ]
    if as_root:
        # Chromium refuses to run as root with its sandbox on (demo machines are often root);
        # --test-type drops the "unsupported command-line flag" bar that --no-sandbox brings.
        cmd += ["--no-sandbox", "--test-type"]
    if place is not None:
        cmd += [f"--window-position={place[0]},{place[1]}", f"--window-size={place[2]},{place[3]}"]
    else:
        cmd.append("--window-size=1280,720")
    return cmd


def prepare_chromium_profile(profile: Path) -> None:
    """Translation off in the display's own profile. Chromium on Linux takes its UI language
    from the desktop's locale (--lang is ignored), so an English desktop would offer to
    translate the Chinese board (--disable-features=Translate did not stop it in Chromium 156)."""
    prefs_file = profile / "Default" / "Preferences"
    prefs_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        prefs = json.loads(prefs_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        prefs = {}
    prefs.setdefault("translate", {})["enabled"] = False
    prefs_file.write_text(json.dumps(prefs), encoding="utf-8")


def report_new_tickets(printer_dir: Path, seen: set) -> None:
    """Say where each ticket the virtual printer writes lands (the kiosk's log is in a file)."""
    for png in sorted(set(printer_dir.glob("*.png")) - seen):
        seen.add(png)
        print(f"号票已打印 / ticket printed: {png}", flush=True)


def run_demo(settings, args) -> int:
    data = Path(settings.hall.data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    db_path = Path(args.db) if args.db else default_db_path(settings)
    tokens = seed(settings, db_path)
    demo_records = ensure_demo_records(settings)
    url = f"http://{settings.server.host}:{settings.server.port}"
    printer_dir = data / "printer"
    printer_dir.mkdir(exist_ok=True)
    exe = [sys.executable, "-m", "queue_server"]
    children: list[subprocess.Popen] = []
    server = subprocess.Popen(
        [*exe, "serve", "--config", args.config, "--db", str(db_path)], env=demo_env(url)
    )
    children.append(server)
    _wait_ready(url, server)

    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    from kiosk.window import x11_screen_size

    screen = x11_screen_size() if has_display else None
    places = desktop_layout(screen) if screen else {}
    kiosk_cmd = [
        sys.executable,
        "-m",
        "kiosk",
        "--config",
        args.kiosk_config,
        "--server",
        url,
        "--token-file",
        tokens["kiosk-1"],
        "--printer",
        f"virtual://{printer_dir}",
        "--demo-pin",
    ]
    devices = (
        DemoDevices(demo_records[0], demo_records[1][0])
        if demo_records and demo_records[1]
        else None
    )
    if devices:  # the reader and scanner as fakes on ptys, driven from this terminal
        kiosk_cmd += devices.kiosk_flags()
    kiosk_log = data / "kiosk.log"
    if has_display and not args.no_kiosk:
        # a portrait window beside the display, not full screen over it; its log in a file so
        # the terminal keeps the accounts and the printed tickets readable
        with open(kiosk_log, "ab") as log:
            children.append(
                subprocess.Popen(
                    [*kiosk_cmd, "--windowed"],
                    stdout=log,
                    stderr=log,
                    env=kiosk_env(places.get("kiosk")),
                )
            )
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    display_token = Path(tokens["display-1"]).read_text()  # the board then heartbeats (§8.1.5)
    if has_display and chromium and not args.no_display:
        prepare_chromium_profile(data / "chromium")
        children.append(
            subprocess.Popen(
                display_command(
                    chromium,
                    url,
                    data / "chromium",
                    places.get("display"),
                    as_root=os.geteuid() == 0,
                    token=display_token,
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    print(f"""
================ 演示大厅已启动 / demo hall running ================
服务器 / server:        {url}
叫号屏 / hall display:  {url}/display?token={display_token}
窗口控制台 / window:    {url}/window/3     导引台 / guide: {url}/guide
评价器 / evaluator:     {url}/evaluate/3?token={Path(tokens["evaluator-3"]).read_text()}
管理 / admin:           {url}/admin
账号 / accounts (用户名 / 密码):""")
    for username, role, password, name in DEMO_USERS:
        print(f"  {name:<6} {username:<9} {password}   ({role})")
    if demo_records and demo_records[1]:
        print_demo_people(*demo_records)
    if devices:
        print(devices.banner())
        devices.serve_stdin()
    print(f"设备令牌 / device tokens: {data}/*.token")
    print(f"号票（虚拟打印机，PNG）/ tickets (virtual printer, PNG): {printer_dir}")
    if has_display and not args.no_kiosk:
        print(f"自助终端日志 / kiosk log: {kiosk_log}")
    if not has_display:
        print(
            """
本机没有图形界面，自助终端与叫号屏未打开。/ No display here: kiosk and display windows not opened.
  无界面运行自助终端 / run the kiosk headless:
    SDL_VIDEODRIVER=offscreen KIVY_WINDOW=sdl2 """
            + shlex.join(kiosk_cmd)
            + """
  或在虚拟屏幕上 / or on a virtual screen:  xvfb-run -s "-screen 0 1080x1920x24" """
            + shlex.join(kiosk_cmd)
            + f"""
  叫号屏请在任一浏览器打开 / open the display in any browser: {url}/display?token={display_token}"""
        )
    print("按 Ctrl-C 停止 / press Ctrl-C to stop\n", flush=True)

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    seen = set(printer_dir.glob("*.png"))
    try:
        while server.poll() is None:
            report_new_tickets(printer_dir, seen)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in reversed(children):
            if p.poll() is None:
                p.terminate()
        for p in children:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if devices:
            devices.close()
    return 0
