"""Customer transparency and self-service updates in a real browser, in Vietnamese on a phone-sized
screen (390x844): the privacy page (and its screenshot for the docs), and a new e-mail confirmed by the
code sent to it."""

from __future__ import annotations

import re

import pytest

from integrations.models import OutboxMessage
from subjects.models import DataSubject
from tests.browser.conftest import screenshot
from tests.factories import make_customer, make_subject
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]



@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_me_privacy_in_vietnamese_on_a_phone(phone_page, login, live_url):
    page = phone_page
    make_customer(subject=make_subject(full_name="Trần Thị Lan"), username="lan")
    login(page, "lan")
    page.goto(live_url("/me/privacy/"))
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text() == "Quyền riêng tư của bạn"
    assert "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao" in page.get_by_test_id(
        "complaints"
    ).inner_text()
    assert "dpo@" in page.get_by_test_id("dpo-contact").inner_text()
    assert page.get_by_test_id("notice-versions").locator("li").count() >= 1
    assert page.get_by_test_id("rights").locator("a").count() >= 9
    assert _fits_the_screen(page)
    screenshot(page, "me-privacy.png", full_page=True)
    # The security guidance, from the footer every self-service page carries.
    with page.expect_navigation():
        page.get_by_test_id("footer-security").click()
    assert "/me/security/" in page.url
    assert "2345/QĐ-NHNN" in page.get_by_test_id("security-guidance").inner_text()
    assert not page.console_errors


def test_me_profile_new_email_confirmed_by_code_on_a_phone(phone_page, login, live_url):
    page = phone_page
    subject = make_subject(full_name="Phạm Văn Hùng")
    make_customer(subject=subject, username="hung")
    login(page, "hung")
    page.goto(live_url("/me/profile/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thông tin liên hệ của tôi"
    assert _fits_the_screen(page)
    page.fill("input[name=email]", "hung.moi@example.vn")
    with page.expect_navigation():
        page.get_by_test_id("save-profile").click()
    pending = page.get_by_test_id("pending-email")
    assert "hung.moi@example.vn" in pending.inner_text()

    code = re.search(
        r'"code": "(\d{6})"', OutboxMessage.objects.get(topic="dsr.contact_code.email").payload
    ).group(1)
    wrong = "000000" if code != "000000" else "111111"
    pending.locator("input[autocomplete=one-time-code]").fill(wrong)
    with page.expect_navigation():
        page.get_by_test_id("confirm-email").click()
    assert "Mã không đúng" in page.get_by_test_id("pending-email").inner_text()
    assert DataSubject.objects.get(pk=subject.pk).email != "hung.moi@example.vn"

    page.get_by_test_id("pending-email").locator("input[autocomplete=one-time-code]").fill(code)
    with page.expect_navigation():
        page.get_by_test_id("confirm-email").click()
    assert "Đã xác nhận" in page.locator("body").inner_text()
    assert page.get_by_test_id("pending-email").count() == 0
    assert DataSubject.objects.get(pk=subject.pk).email == "hung.moi@example.vn"
    # The refused code answers 400 on purpose; Chromium reports that status, nothing else may appear.
    assert not [e for e in page.console_errors if "status of 400" not in e]
