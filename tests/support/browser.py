"""Headless Debian Chromium driven by Playwright (never a downloaded browser build), and what the
browser tests share: one browser per test module, a fresh context (its own cookies) per page,
logging in through the login page, the screenshot folders and the CSP/console-error watch.

A test folder's conftest (or a test module) takes the fixtures by importing them:
``from tests.support.browser import browser, new_page  # noqa: F401 (fixtures)``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from tests.support.live_server import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "tests" / "output"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",  # the hall display speaks without a click
]
ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 60_000  # a fresh server builds its font subset; the planner simulates
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@contextlib.contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shots_dir(name: str) -> Path:
    """tests/output/<name>/ (or under $TEST_OUTPUT_DIR), created."""
    folder = OUTPUT_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def new_page(browser):
    """``new_page(**context_options)``: a page in a fresh context (its own cookies), Chinese,
    1400×1000 unless told otherwise; every context is closed after the test."""
    contexts = []

    def make(**kw):
        ctx = browser.new_context(
            **({"locale": "zh-CN", "viewport": {"width": 1400, "height": 1000}} | kw)
        )
        ctx.set_default_timeout(ACTION_TIMEOUT_MS)
        ctx.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def login_page(page, server, user: str, path: str, password: str = PASSWORD):
    """Log ``user`` in through the login form and land on ``path``."""
    page.goto(f"{server.url}/login?next={quote(path, safe='/')}")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(f"{server.url}{path}")
    return page


def watched(page, errors: list[str] | None = None) -> list[str]:
    """Collect ``page``'s console errors and uncaught exceptions into ``errors`` (CSP refusals
    are logged there too); its CSP violations gather in ``window.__csp``."""
    errors = [] if errors is None else errors
    page.add_init_script(CSP_WATCH)
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    return errors
