"""Real storage faults for the bad-environment tests, without touching the rest of the machine.

As root (CI and the developers' machines), a small tmpfs mounted on a folder of the test's own
temporary directory gives a real full disk (filled with a file) and a real read-only file
system (remounted ro); it is unmounted after the test. Without root the tests that need it are
skipped; file modes alone cannot stop root, so they are used only when not root.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path

import pytest

IS_ROOT = os.geteuid() == 0


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True)


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "2M"):
    """A small RAM file system on ``path`` (skips the test where it cannot be mounted)."""
    if not IS_ROOT:
        pytest.skip("mounting a small tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    r = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield path
    finally:
        if _run("umount", str(path)).returncode != 0:
            _run("umount", "-l", str(path))


def remount(path: Path, mode: str) -> None:
    """``mode`` "ro" or "rw"; ro fails while a file on it is open for writing."""
    r = _run("mount", "-o", f"remount,{mode}", str(path))
    assert r.returncode == 0, r.stderr


def remount_read_only_once_closed(path: Path, close, timeout: float = 10.0) -> None:
    """Remount ``path`` ro after ``close()`` has shut the server's database connections.

    The hall's background readers (event follower, announcer, journal) open a fresh connection
    on their next batch, so one may be open again for a moment after ``close()``; close again
    and retry until the kernel agrees or ``timeout`` passes.
    """
    deadline = time.monotonic() + timeout
    while True:
        close()
        r = _run("mount", "-o", "remount,ro", str(path))
        if r.returncode == 0:
            return
        assert time.monotonic() < deadline, r.stderr
        time.sleep(0.05)


@contextlib.contextmanager
def read_only_file(path: Path):
    """``path`` cannot be written, its folder still can: a read-only bind mount as root."""
    if IS_ROOT:
        r = _run("mount", "--bind", str(path), str(path))
        if r.returncode != 0:
            pytest.skip(f"cannot bind-mount here: {r.stderr.strip()}")
        try:
            remount_r = _run("mount", "-o", "remount,bind,ro", str(path))
            assert remount_r.returncode == 0, remount_r.stderr
            yield path
        finally:
            _run("umount", str(path))
    else:
        path.chmod(0o444)
        try:
            yield path
        finally:
            path.chmod(0o644)


@contextlib.contextmanager
def read_only_folder(path: Path):
    """An existing, empty or not, folder that nothing can be created in."""
    if IS_ROOT:
        with tmpfs(path):
            remount(path, "ro")
            yield path
    else:
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; delete the returned file to undo."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 65536)
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 512)
    finally:
        os.close(fd)
    return filler
