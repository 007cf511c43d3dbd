"""Requests in a real browser: a customer asks, staff work the queue with its live countdown, and a
customer cannot open someone else's request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from dsr import services
from tests.dsr.factories import STAFF
from tests.factories import UserFactory, make_customer, make_subject
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]


def test_customer_makes_a_request_and_sees_its_status_and_deadline(page, login, live_url):
    make_customer(subject=make_subject(full_name="Lý Thị Mai"), username="mai")
    login(page, "mai")

    page.goto(live_url("/me/requests/"))
    with page.expect_navigation():
        page.get_by_test_id("new-request").click()
    page.get_by_label("Truy cập dữ liệu cá nhân").check()
    with page.expect_navigation():
        page.get_by_test_id("submit-request").click()

    assert "/me/requests/" in page.url
    assert page.get_by_test_id("status").inner_text() == "Đã tiếp nhận"
    assert page.get_by_test_id("deadline").is_visible()
    page.goto(live_url("/me/requests/"))
    table = page.get_by_test_id("my-requests")
    assert "Truy cập dữ liệu cá nhân" in table.inner_text()
    page.goto(live_url("/en/me/requests/"))
    assert "Access to personal data" in page.get_by_test_id("my-requests").inner_text()


def test_staff_queue_counts_down_and_highlights_then_staff_answer(page, login, live_url):
    UserFactory(username="privacy_b", role=Role.PRIVACY)
    subject = make_subject()
    late = services.request_create(
        actor=STAFF,
        subject=subject,
        type="access",
        channel="branch",
        now=timezone.now() - timedelta(hours=80),
    )
    services.request_create(
        actor=STAFF,
        subject=subject,
        type="complaint",
        channel="call_centre",
        details="Bị gọi quảng cáo nhiều lần",
    )
    login(page, "privacy_b")

    # The countdown changes once a minute (WCAG 2.2.2): the page's clock is moved on, not waited for.
    page.clock.install()
    page.goto(live_url("/portal/requests/"))
    rows = page.get_by_test_id("queue-row")
    assert rows.count() == 2
    overdue_row = page.locator("[data-testid=queue-row][data-tone=danger]")
    assert overdue_row.count() == 1
    countdown = page.locator("[data-testid=queue-row][data-tone=ok] [data-testid=countdown]")
    first = countdown.inner_text()
    page.clock.run_for(61_000)
    assert countdown.inner_text() != first  # the JavaScript countdown ticks
    assert "quá hạn" in overdue_row.get_by_test_id("countdown").inner_text()

    overdue_row.get_by_test_id("open-request").click()
    page.wait_for_url(live_url(f"/portal/requests/{late.pk}/"))
    assert page.get_by_test_id("identity-pending").is_visible()
    # The number on the customer's citizen ID, checked against the record (no method is pre-chosen).
    page.locator("input[name=method][value=branch_documents]").check()
    page.fill("input[name=document_number]", subject.national_id)
    with page.expect_navigation():
        page.get_by_test_id("verify").click()
    assert page.get_by_test_id("status").inner_text() == "Đang xử lý"
    # Acknowledged after its deadline, the request's breach is recorded at once: its answer says why late.
    page.locator("form:has([data-testid=complete]) [name=overdue_reason]").fill("Chờ hồ sơ từ chi nhánh")
    with page.expect_navigation():
        page.get_by_test_id("complete").click()
    assert page.get_by_test_id("status").inner_text() == "Đã hoàn thành"
    assert "Đã hoàn thành" in page.get_by_test_id("timeline").inner_text()


def test_enter_in_the_identity_check_checks_and_never_sends_a_new_code(page, login, live_url):
    """Enter in a form presses its default button: in the identity check it is "Check and record". Were
    it "Send a code", Enter after typing the code the customer read out would send a new code and make
    that one useless, and Enter after typing an ID number would do nothing."""
    UserFactory(username="privacy_e", role=Role.PRIVACY)
    subject = make_subject()
    request = services.request_create(actor=STAFF, subject=subject, type="access", channel="branch")
    login(page, "privacy_e")
    page.goto(live_url(f"/portal/requests/{request.pk}/"))
    page.locator("input[name=method][value=otp_phone]").check()
    # The page looks as before: the send button under the code field, "Check and record" below it.
    code_box = page.locator("input[name=otp_code]").bounding_box()
    send_box = page.get_by_test_id("send-code").bounding_box()
    assert code_box["y"] < send_box["y"] < page.get_by_test_id("verify").bounding_box()["y"]
    with page.expect_navigation():
        page.get_by_test_id("send-code").click()
    request.refresh_from_db()
    code_sent = request.identity_otp_hash
    assert code_sent

    page.locator("input[name=method][value=otp_phone]").check()
    page.fill("input[name=otp_code]", "000000")  # not the code sent: refused, and the code still stands
    with page.expect_navigation():
        page.press("input[name=otp_code]", "Enter")
    assert page.get_by_test_id("verify-form").get_by_test_id("error-summary").is_visible()
    request.refresh_from_db()
    assert request.identity_otp_hash == code_sent

    page.locator("input[name=method][value=branch_documents]").check()
    page.fill("input[name=document_number]", subject.national_id)
    with page.expect_navigation():
        page.press("input[name=document_number]", "Enter")
    assert page.get_by_test_id("status").inner_text() == "Đang xử lý"


def test_a_customer_cannot_open_another_customers_request(page, login, live_url):
    owner = make_subject()
    make_customer(subject=owner, username="owner_b")
    make_customer(username="intruder_b")
    request = services.request_create(actor=STAFF, subject=owner, type="delete", channel="branch")
    login(page, "intruder_b")

    response = page.goto(live_url(f"/me/requests/{request.pk}/"))
    assert response.status == 404
    page.goto(live_url("/me/requests/"))
    assert page.get_by_test_id("my-requests").count() == 0


def test_an_overdue_countdown_shows_whole_in_the_queue_on_a_phone(page, login, live_url):
    """The overdue row is the one a DPO must not miss: its badge wraps inside the queue's frame on a
    375 px phone instead of running past its edge ("quá hạn 1 ngày 0 giờ 3 phú…")."""
    UserFactory(username="privacy_p", role=Role.PRIVACY)
    services.request_create(actor=STAFF, subject=make_subject(), type="access", channel="branch",
                            now=timezone.now() - timedelta(hours=100))
    login(page, "privacy_p")
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(live_url("/portal/requests/?due=overdue"))
    frame = page.locator(".table-wrap").bounding_box()
    badge = page.locator("[data-testid=queue-row][data-tone=danger] [data-testid=countdown]")
    assert "quá hạn" in badge.inner_text()
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= frame["x"] + frame["width"]
