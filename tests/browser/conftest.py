"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]
REPO = Path(__file__).resolve().parents[2]

if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-zenhei)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session")
def base_url(server):
    return server


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "minsheng-demo")
    page.click("button[type=submit]")
    expect(page.locator("header .name")).to_be_visible()


@pytest.fixture(scope="session")
def shots() -> Path:
    """Where screenshots go: docs/screenshots when refreshing the README's pictures, else test-artifacts."""
    target = REPO / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else "test-artifacts")
    target.mkdir(parents=True, exist_ok=True)
    return target
