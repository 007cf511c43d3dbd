"""Consents in a real browser: the customer's switches and withdrawal confirmation, the staff desk."""

from datetime import date

import pytest

from consents.selectors import purpose_by_code
from core.roles import Role
from tests.consents.factories import grant, make_purpose
from tests.factories import UserFactory, make_customer, make_subject
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]


@pytest.fixture
def catalogue():
    make_purpose("marketing", category="marketing", name_vi="Tiếp thị sản phẩm", name_en="Product marketing")
    make_purpose(
        "biometric",
        category="security",
        sensitive=True,
        name_vi="Xác thực sinh trắc học",
        name_en="Biometric authentication",
    )
    make_purpose(
        "kyc",
        legal_basis="legal_obligation",
        category="compliance",
        name_vi="Nhận biết khách hàng",
        name_en="Know your customer",
    )


def test_customer_switches_marketing_on_then_withdraws_after_reading_the_consequences(
    page, login, live_url, catalogue
):
    make_customer(subject=make_subject(), username="lan")
    login(page, "lan")
    page.goto(live_url("/me/consents/"))

    assert page.get_by_role("heading", level=1).inner_text() == "Sự đồng ý của tôi"
    card = page.get_by_test_id("purpose-biometric")
    assert "Dữ liệu nhạy cảm" in card.inner_text()
    assert "Nhận biết khách hàng" in page.get_by_test_id("purpose-kyc").inner_text()
    assert page.get_by_test_id("switch-kyc").count() == 0  # legal-basis purposes have no switch

    with page.expect_navigation():
        page.get_by_test_id("purpose-marketing").locator(".switch").click()
    assert "/me/consents/marketing/confirm/" in page.url  # switching on asks first, too
    with page.expect_navigation():
        page.get_by_test_id("confirm-consent").click()
    assert "đã được ghi nhận" in page.locator(".flash").first.inner_text()
    assert page.get_by_test_id("switch-marketing").is_checked()

    with page.expect_navigation():
        page.get_by_test_id("purpose-marketing").locator(".switch").click()
    assert "/me/consents/marketing/withdraw/" in page.url
    assert "không còn nhận ưu đãi" in page.get_by_test_id("consequences").inner_text()
    with page.expect_navigation():
        page.get_by_test_id("confirm-withdraw").click()
    assert page.url.endswith("/me/consents/#purpose-marketing")  # back to the same purpose
    assert not page.get_by_test_id("switch-marketing").is_checked()

    page.goto(live_url("/en/me/consents/"))
    assert page.get_by_role("heading", level=1).inner_text() == "My consents"
    assert "Sensitive data" in page.get_by_test_id("purpose-biometric").inner_text()


def test_officer_records_a_sensitive_consent_and_prints_the_receipt(page, login, live_url, catalogue):
    UserFactory(username="officer_d", role=Role.OFFICER)
    subject = make_subject()
    login(page, "officer_d")
    page.goto(live_url(f"/en/portal/customers/{subject.pk}/"))
    with page.expect_navigation():
        page.get_by_test_id("record-consent").click()
    page.get_by_test_id("purpose-biometric").get_by_label("Yes, agrees").check()
    page.select_option("select[name=channel]", "branch")  # no channel is pre-chosen
    page.fill("input[name=evidence]", "form BA-77")
    # Asked, never pre-selected (`consents.services.who_answered`).
    page.get_by_label("The customer answered themselves", exact=True).check()
    page.get_by_label("The notice was handed over and the customer read it").check()
    with page.expect_navigation():
        page.get_by_test_id("save-consent").click()
    assert "sensitive" in page.locator(".error, [role=alert]").first.inner_text()

    page.check("input[name=sensitive_biometric]")
    with page.expect_navigation():
        page.get_by_test_id("save-consent").click()
    assert "/receipt/" in page.url
    receipt = page.get_by_test_id("receipt").inner_text()
    assert (
        "Biometric authentication" in receipt and "form BA-77" in receipt and subject.external_ref in receipt
    )
    # The receipt is in the customer's language (Vietnamese here), as what it proves was said to her.
    assert "Khách hàng tự trả lời" in page.get_by_test_id("receipt-answered-by").inner_text()

    page.goto(live_url(f"/en/portal/customers/{subject.pk}/"))
    assert "Biometric authentication" in page.get_by_test_id("consent-timeline").inner_text()


@pytest.mark.parametrize(
    ("prefix", "names", "print_label"),
    [
        ("", ("Xác thực sinh trắc học", "Bảo hiểm sức khỏe"), "In để trao cho khách hàng"),
        ("/en", ("Biometric authentication", "Health cover"), "Print to hand over"),
    ],
)
def test_each_control_repeated_per_purpose_names_its_purpose(
    page, login, live_url, catalogue, prefix, names, print_label
):
    """docs/architecture.md: a control repeated per item says which item it acts on. On the paper-form
    page a screen reader names each purpose's section, its explicit-consent box and its print button by
    the purpose, in the page's language, and the error summary says which purpose lacks the explicit
    agreement. (Sensitive purposes are not offered on a child's form: an adult's.)"""
    make_purpose("health", category="security", sensitive=True, name_vi=names[1], name_en=names[1])
    UserFactory(username="officer_n", role=Role.OFFICER)
    adult = make_subject(date_of_birth=date(date.today().year - 40, 1, 1))
    login(page, "officer_n", path=f"{prefix}/accounts/login/")
    page.goto(live_url(f"{prefix}/portal/customers/{adult.pk}/consents/new/"))
    for name in names:
        section = page.get_by_role("region", name=name)
        assert section.count() == 1, name
        assert section.get_by_role("checkbox", name=name).count() == 1  # the explicit consent
        print_button = section.get_by_role("button", name=name)
        assert print_button.count() == 1 and print_label in print_button.inner_text(), section.aria_snapshot()
    assert page.get_by_role("button", name=print_label, exact=True).count() == 0

    for name in names:
        page.get_by_role("region", name=name).get_by_role("radio").nth(1).check()  # yes, agrees
    with page.expect_navigation():
        page.get_by_test_id("save-consent").click()
    lines = page.get_by_test_id("error-summary").get_by_role("listitem").all_inner_texts()
    for name in names:
        assert len([line for line in lines if name in line]) == 1, lines


def test_going_back_from_the_withdrawal_page_shows_the_switch_as_it_is(page, login, live_url, catalogue):
    """The browser restores a flipped switch on Back although nothing was saved: the page puts it back,
    so the customer never reads "off" for a consent still in force."""
    customer = make_customer(subject=make_subject(), username="hoa")
    grant(customer.customer_account.subject, purpose_by_code("marketing"))
    login(page, "hoa")
    page.goto(live_url("/me/consents/"))
    assert page.get_by_test_id("switch-marketing").is_checked()

    page.get_by_test_id("purpose-marketing").locator(".switch").click()
    page.wait_for_url("**/me/consents/marketing/withdraw/")
    page.go_back()
    page.wait_for_load_state()

    assert page.get_by_test_id("switch-marketing").is_checked()
