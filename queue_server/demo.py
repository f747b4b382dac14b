"""``queue-server demo``: the demo hall on one machine — server, kiosk window, hall display —
with the kiosk printing to a virtual printer that writes each ticket as a PNG.

It seeds one staff account per role and the device tokens, opens every window so the kiosk
shows real estimates, and prints how to log in. Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .hall import Hall, default_db_path

DEMO_USERS = (("window1", "window", "window-demo-1", "窗口人员"),
              ("guide1", "guide", "guide-demo-1", "导引员"),
              ("admin1", "admin", "admin-demo-1", "管理员"))


def seed(settings, db_path: Path) -> dict[str, str]:
    """Demo accounts and fresh device tokens; returns {device id: token file}."""
    hall = Hall.open(settings, db_path)
    data = Path(settings.hall.data_dir).resolve()
    files = {}
    try:
        for username, role, password, name in DEMO_USERS:
            if hall.accounts.user(username) is None:
                hall.accounts.create_user(username, role, password, name)
        for device_id, kind, window in (("kiosk-1", "kiosk", None), ("evaluator-3", "evaluator", 3)):
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


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("服务器启动失败，请查看上面的日志 / the server failed to start, see the log above")
        try:
            urllib.request.urlopen(f"{url}/api/v1/hall", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("服务器未能在 20 秒内启动 / the server did not start within 20 s")


def run_demo(settings, args) -> int:
    data = Path(settings.hall.data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    db_path = Path(args.db) if args.db else default_db_path(settings)
    tokens = seed(settings, db_path)
    url = f"http://{settings.server.host}:{settings.server.port}"
    printer_dir = data / "printer"
    printer_dir.mkdir(exist_ok=True)
    exe = [sys.executable, "-m", "queue_server"]
    children: list[subprocess.Popen] = []
    server = subprocess.Popen([*exe, "serve", "--config", args.config, "--db", str(db_path)])
    children.append(server)
    _wait_ready(url, server)

    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    kiosk_cmd = [sys.executable, "-m", "kiosk", "--config", args.kiosk_config, "--server", url,
                 "--token-file", tokens["kiosk-1"], "--printer", f"virtual://{printer_dir}"]
    if has_display and not args.no_kiosk:
        children.append(subprocess.Popen(kiosk_cmd))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if has_display and chromium and not args.no_display:
        # Chromium refuses to run as root with its sandbox on (demo machines are often root).
        sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []
        children.append(subprocess.Popen([
            chromium, *sandbox, f"--app={url}/display", "--autoplay-policy=no-user-gesture-required",
            f"--user-data-dir={data / 'chromium'}", "--no-first-run", "--disable-background-networking",
            "--window-size=1280,720",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    print(f"""
================ 演示大厅已启动 / demo hall running ================
服务器 / server:        {url}
叫号屏 / hall display:  {url}/display
窗口控制台 / window:    {url}/window/3     导引台 / guide: {url}/guide
评价器 / evaluator:     {url}/evaluate/3?token={Path(tokens["evaluator-3"]).read_text()}
管理 / admin:           {url}/admin
账号 / accounts (用户名 / 密码):""")
    for username, role, password, name in DEMO_USERS:
        print(f"  {name:<6} {username:<9} {password}   ({role})")
    print(f"设备令牌 / device tokens: {data}/*.token")
    print(f"虚拟打印机输出 / virtual printer output: {printer_dir}")
    if not has_display:
        print("""
本机没有图形界面，自助终端与叫号屏未打开。/ No display here: kiosk and display windows not opened.
  无界面运行自助终端 / run the kiosk headless:
    SDL_VIDEODRIVER=offscreen KIVY_WINDOW=sdl2 """ + " ".join(kiosk_cmd) + """
  或在虚拟屏幕上 / or on a virtual screen:  xvfb-run -s "-screen 0 1080x1920x24" """ + " ".join(kiosk_cmd) + f"""
  叫号屏请在任一浏览器打开 / open the display in any browser: {url}/display""")
    print("按 Ctrl-C 停止 / press Ctrl-C to stop\n", flush=True)

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while server.poll() is None:
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
    return 0
