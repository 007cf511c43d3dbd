"""The branch officer's tasks in a real browser (issue #18): a paper consent form with a yes and a no,
the notice read to the customer, the ways on from the receipt; identity verification that says what
it checked; the request form per type, the actions per state and the printable receipt."""

from __future__ import annotations

import pytest

from consents.selectors import consent_check
from core.roles import Role
from dsr.models import DataSubjectRequest
from tests.browser.conftest import screenshot
from tests.consents.factories import make_purpose
from tests.factories import UserFactory, make_subject
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]



@pytest.fixture
def catalogue():
    make_purpose(
        "marketing",
        category="marketing",
        name_vi="Tiếp thị sản phẩm",
        name_en="Product marketing",
        description_vi="Gửi ưu đãi qua SMS và e-mail.",
        description_en="Offers by SMS and e-mail.",
    )
    make_purpose(
        "sharing",
        category="sharing",
        name_vi="Chia sẻ với đối tác",
        name_en="Sharing with partners",
        description_vi="Chia sẻ dữ liệu với công ty bảo hiểm đối tác.",
        description_en="Sharing data with the partner insurer.",
    )


def test_officer_records_a_paper_form_yes_to_marketing_no_to_sharing(page, login, live_url, catalogue):
    UserFactory(username="officer_p", role=Role.OFFICER)
    subject = make_subject(preferred_language="en")
    login(page, "officer_p")
    page.goto(live_url(f"/en/portal/customers/{subject.pk}/consents/new/"))

    # The notice is on the form, summary and full text, in the customer's language (English here).
    marketing = page.get_by_test_id("purpose-marketing")
    assert "Offers by SMS and e-mail." in marketing.get_by_test_id("notice-summary-marketing").inner_text()
    assert marketing.get_by_test_id("notice-text-marketing").is_visible()
    assert page.get_by_test_id("notice-text-sharing").inner_text().strip()

    page.select_option("select[name=channel]", "paper_form")
    page.fill("input[name=evidence]", "PF-2026-0042")
    page.get_by_label("The customer answered themselves", exact=True).check()
    page.get_by_label("The notice was read out to the customer").check()
    marketing.get_by_label("Yes, agrees").check()
    page.get_by_test_id("purpose-sharing").get_by_label("No, refuses").check()
    # One tall viewport rather than a stitched full page, so the sticky header stays on top.
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "officer-consent-form.png")
    with page.expect_navigation():
        page.get_by_test_id("save-consent").click()

    assert "/consents/recorded/" in page.url
    assert "Refused" in page.get_by_test_id("recorded-sharing").inner_text()
    assert "Granted" in page.get_by_test_id("recorded-marketing").inner_text()
    assert consent_check(subject_ref=subject.external_ref, purpose_code="sharing").reason == "refused"
    assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").allowed is True

    with page.expect_navigation():
        page.get_by_test_id("receipt-link-sharing").click()
    assert "PF-2026-0042" in page.get_by_test_id("receipt").inner_text()
    assert "Refused" in page.get_by_test_id("receipt-status").inner_text()
    with page.expect_navigation():
        page.get_by_test_id("record-another").click()
    assert page.url.endswith(f"/portal/customers/{subject.pk}/consents/new/")
    page.go_back()
    with page.expect_navigation():
        page.get_by_test_id("back-to-customer").click()
    assert page.url.endswith(f"/portal/customers/{subject.pk}/")


def test_officer_takes_in_a_request_and_verifies_identity_in_vietnamese(page, login, live_url):
    UserFactory(username="officer_q", role=Role.OFFICER)
    subject = make_subject()
    stranger = make_subject()
    login(page, "officer_q")
    page.goto(live_url("/portal/requests/new/"))

    # Only the fields of the chosen type.
    page.select_option("select[name=type]", "access")
    assert not page.get_by_test_id("field-purposes").is_visible()
    assert not page.get_by_test_id("field-new_phone").is_visible()
    page.select_option("select[name=type]", "restrict")
    assert page.get_by_test_id("field-purposes").is_visible()
    page.select_option("select[name=type]", "rectify")
    assert page.get_by_test_id("field-new_phone").is_visible()
    assert not page.get_by_test_id("field-purposes").is_visible()

    page.select_option("select[name=type]", "delete")
    # Nothing is pre-selected: the customer came to the branch, and the officer says so.
    page.select_option("select[name=channel]", "branch")
    page.fill("input[name=subject_ref]", subject.external_ref)
    with page.expect_navigation():
        page.get_by_test_id("save-request").click()

    # A reference and a printable receipt to hand over.
    request = DataSubjectRequest.objects.get(subject=subject)
    assert page.get_by_test_id("request-reference").inner_text() == request.reference
    assert "Biên nhận yêu cầu" in page.get_by_role("heading", level=1).inner_text()
    page.emulate_media(media="print")
    assert not page.get_by_test_id("to-request").is_visible()
    assert page.get_by_test_id("request-receipt").is_visible()
    page.emulate_media(media="screen")
    with page.expect_navigation():
        page.get_by_test_id("to-request").click()

    # A deletion just received: no Complete (nothing verified, nothing approved).
    assert page.get_by_test_id("complete").count() == 0
    assert page.get_by_test_id("reject").count() == 1

    # A citizen ID that is not the customer's is refused, and the form keeps the method and values.
    form = page.get_by_test_id("verify-form")
    form.get_by_label("Giấy tờ tùy thân đã đối chiếu với hồ sơ khách hàng").check()
    page.fill("input[name=document_number]", stranger.national_id)
    with page.expect_navigation():
        page.get_by_test_id("verify").click()
    assert "không khớp với hồ sơ khách hàng" in page.get_by_test_id("verify-form").inner_text()
    assert page.locator("input[name=method][value=branch_documents]").is_checked()
    assert page.input_value("input[name=document_number]") == stranger.national_id
    request.refresh_from_db()
    assert request.identity_verified_at is None

    # Choosing OTP shows the code field and the send button, hides the document fields.
    page.locator("input[name=method][value=otp_phone]").check()
    assert page.get_by_test_id("send-code").is_visible()
    assert not page.locator("input[name=document_number]").is_visible()
    page.locator("input[name=method][value=branch_documents]").check()
    page.fill("input[name=document_number]", subject.national_id)
    with page.expect_navigation():
        page.get_by_test_id("verify").click()

    identity = page.get_by_test_id("identity").inner_text()
    assert "•" in identity and subject.national_id[-3:] in identity and subject.national_id not in identity
    assert "officer_q" in identity
    assert page.get_by_test_id("verify-form").count() == 0
    # Still no Complete: a deletion waits for another responsible person's approval.
    assert page.get_by_test_id("complete").count() == 0
