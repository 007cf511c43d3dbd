"""Browser tests: Playwright drives Debian's headless Chromium (/usr/bin/chromium) against a live server.

Never a downloaded browser: the executable path is fixed. Outside CI, a machine without Chromium skips
these tests with a reason; in CI (CI=true) a missing browser is an error, so they cannot silently vanish.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_url(live_server):
    def build(path: str) -> str:
        return f"{live_server.url}{path}"

    return build


@pytest.fixture
def login(live_url):
    """Sign in through the real login form; lands on the role's home page.

    Staff also pass the two-factor step: they get an authenticator with a known secret and the
    fixture types the code it shows, as a person would.
    """

    def do_login(
        page, username: str, password: str = "correct-horse-battery", path: str = "/accounts/login/"
    ):
        from django.contrib.auth import get_user_model

        from core.roles import is_staff_user
        from tests.factories import make_totp_device, totp_code

        user = get_user_model().objects.filter(username=username).first()
        device = make_totp_device(user) if user is not None and is_staff_user(user) else None
        page.goto(live_url(path))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("[data-testid=login-submit]")
        if device is not None and "/accounts/2fa/" in page.url:
            page.fill("input[name=otp_token]", totp_code(device))
            with page.expect_navigation():
                page.click("[data-testid=otp-submit]")
        return page

    return do_login


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(target, name: str, **options) -> None:
    """Save `target` (a page or a locator) as docs/screenshots/<name>, only with SAVE_SCREENSHOTS=1:
    a test run must not rewrite tracked files."""
    if not os.environ.get("SAVE_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(SCREENSHOTS / name), **options)
