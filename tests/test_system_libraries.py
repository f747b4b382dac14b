"""The Debian packages in the Makefile's APT_PACKAGES are what the tools need (issue 9, item 0).

A shared library missing on a fresh Debian shows here by name — not later as Playwright's
"Connection closed while reading from the driver" or a Kivy window that never opens. The list
was checked in a `debootstrap --variant=minbase bookworm` chroot (see the Makefile)."""

from __future__ import annotations

import ctypes.util
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(sysconfig.get_paths()["platlib"])


def missing_libraries(binary: Path) -> list[str]:
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
    return re.findall(r"^\s*(\S+) => not found", out, re.M)


def apt_packages() -> list[str]:
    """APT_PACKAGES as make expands it (the Makefile builds it from commented groups)."""
    out = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "print-apt-packages"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.split()


def extension_modules() -> list[Path]:
    # Wheels' private *.libs folders are loaded through their module's RPATH, so ldd on the
    # module covers them; ldd on them alone would report their hashed siblings missing.
    return sorted(
        p
        for p in SITE.rglob("*.so*")
        if not any(part.endswith(".libs") for part in p.relative_to(SITE).parts)
    )


def test_playwright_node_finds_its_libraries():
    import playwright

    node = Path(playwright.__file__).parent / "driver" / "node"
    assert node.is_file(), node
    assert missing_libraries(node) == [], "apt-get install libatomic1 (make setup does)"


def test_every_compiled_python_module_finds_its_libraries():
    mods = extension_modules()
    assert any("kivy" in p.parts for p in mods)  # Kivy's modules are among them
    broken = {str(p.relative_to(SITE)): libs for p in mods if (libs := missing_libraries(p))}
    assert broken == {}


@pytest.mark.parametrize("binary", ["chromium", "espeak-ng", "sox", "Xvfb", "xauth"])
def test_the_programs_the_tools_run_are_installed_and_link(binary):
    path = shutil.which(binary)
    assert path, f"{binary} not found: run make setup as root"
    real = Path(path).resolve()
    if real.read_bytes()[:4] != b"\x7fELF":  # chromium is a shell wrapper around the binary
        real = Path("/usr/lib/chromium/chromium")
    assert missing_libraries(real) == []


def test_zbar_for_pyzbar_is_found():
    assert ctypes.util.find_library("zbar"), "apt-get install libzbar0 (make setup does)"


def test_every_package_of_the_makefile_is_installed():
    pkgs = apt_packages()
    assert "libatomic1" in pkgs and "chromium" in pkgs
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *pkgs],
        capture_output=True,
        text=True,
    ).stdout
    installed = {line.split()[0] for line in out.splitlines() if line.endswith(" installed")}
    assert sorted(set(pkgs) - installed) == []
