"""Staff sign-in in a real browser: first-time enrolment from the QR page, the code step, the lock-out
page; and the Content Security Policy blocks nothing the pages need."""
from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from core.roles import Role
from tests.factories import UserFactory
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]


def test_first_sign_in_enrols_an_authenticator_then_reaches_the_portal(page, live_url):
    UserFactory(username="thu", role=Role.OFFICER)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto(live_url("/accounts/login/"))
    page.fill("input[name=username]", "thu")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("[data-testid=login-submit]")

    page.wait_for_url("**/accounts/2fa/setup/**")
    assert page.get_by_test_id("otp-qr").locator("svg").count() == 1
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=otp_token]", f"{TOTP(key).token():06d}")
    page.click("[data-testid=otp-submit]")

    page.wait_for_url("**/portal/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bảng điều khiển"
    assert violations == []


def test_five_wrong_passwords_show_the_lock_out_page_in_english(page, live_url):
    UserFactory(username="lan", role=Role.OFFICER)
    for _ in range(5):
        page.goto(live_url("/en/accounts/login/"))
        page.fill("input[name=username]", "lan")
        page.fill("input[name=password]", "not-the-password")
        with page.expect_navigation():  # the attempt reaches the server before the next page is opened
            page.click("[data-testid=login-submit]")
    page.goto(live_url("/en/accounts/login/"))
    page.fill("input[name=username]", "lan")
    page.fill("input[name=password]", "correct-horse-battery")
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in locked"
    assert "locked after 5 failed sign-in attempts" in page.get_by_test_id("locked-out").inner_text()
