"""A customer following up on a refused request and a withdrawal on a 360 px phone, in Vietnamese: the
request page, with what was decided, whom the bank told and how to challenge it, fits the screen."""
from __future__ import annotations

from datetime import timedelta

import pytest

from dsr import services
from tests.browser.test_customer_on_a_phone import PHONE, no_sideways_scroll
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import make_customer, make_subject
from tests.runs import BROWSER_FLOWS_ON_SQLITE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_SQLITE]

LONG_RECIPIENT = "Tổng Công ty Cổ phần Bảo hiểm Nhân thọ Đối tác Chiến lược Phương Nam Việt Nam"


def test_a_refused_request_and_a_withdrawal_fit_a_360px_phone(browser, live_server, login, live_url):
    subject = make_subject(external_ref="CIF0098765432109876")
    make_customer(subject=subject, username="theo-doi")
    purpose = make_purpose("partner-sharing", category="sharing", effective_at=MONDAY - timedelta(days=30),
                           recipients=[make_recipient(name=LONG_RECIPIENT)])
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    withdrawal = verified_request(subject, type="withdraw", purposes=["partner-sharing"])
    refused = verified_request(subject, type="delete")
    services.request_reject(
        actor=STAFF, request_id=refused.pk, reason="manifestly_unfounded", now=MONDAY + timedelta(days=1),
        note="Yêu cầu xóa dữ liệu này trùng với yêu cầu YC-260301-ABCDEF đã được trả lời đầy đủ.",
    )
    context = browser.new_context(locale="vi-VN", **PHONE)
    try:
        page = context.new_page()
        login(page, "theo-doi")
        for request in (refused, withdrawal):
            page.goto(live_url(f"/me/requests/{request.pk}/"))
            no_sideways_scroll(page)
        page.goto(live_url(f"/me/requests/{refused.pk}/"))
        assert page.get_by_test_id("challenge").is_visible()
        page.goto(live_url("/me/requests/"))
        no_sideways_scroll(page)
    finally:
        context.close()
