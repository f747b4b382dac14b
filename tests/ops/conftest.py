from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

QUEUE_SERVER = Path(sys.executable).with_name("queue-server")
DEBIAN_12 = (
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
    'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n'
)


@pytest.fixture
def debian_root(tmp_path) -> Path:
    """An empty Debian 12 root with systemd installed, as far as the installer looks."""
    if shutil.which("systemd-sysusers") is None:  # the installer makes users with it
        pytest.skip("systemd-sysusers is not installed (apt-get install systemd)")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/os-release").write_text(DEBIAN_12)
    (root / "usr/lib/systemd").mkdir(parents=True)
    (root / "usr/lib/systemd/systemd").write_bytes(b"")
    return root


def run_install(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(QUEUE_SERVER), "install", "--root", str(root), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
