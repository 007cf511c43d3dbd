"""Issue #18 in a real browser: the privacy officer works a request's system tasks to "ready to
answer" (Vietnamese) and the DPO reads the grouped sidebar and the printable monthly report
(English); the customer's export reads in plain words.

With SAVE_SCREENSHOTS=1 the request page and the export are saved under docs/screenshots/."""

import pytest

from core.actors import actor_for_user
from core.roles import Role
from dsr import services
from dsr.models import FulfilmentTask
from tests.browser.conftest import screenshot
from tests.dsr.factories import STAFF, make_inventory, verified_request
from tests.factories import UserFactory, make_subject
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]


def shoot(page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name, full_page=True)


def no_card_overflows(page) -> bool:
    return page.evaluate(
        "() => [...document.querySelectorAll('.card')].every(c => c.scrollWidth <= c.clientWidth + 1)"
    )


def test_privacy_officer_works_tasks_to_ready_to_answer(page, login, live_url):
    officer = UserFactory(username="privacy_f", role=Role.PRIVACY)
    make_inventory()
    subject = make_subject(full_name="Trần Thị Hoa")
    request = verified_request(
        subject,
        type="access",
        actor=actor_for_user(officer),
        details="Xin cung cấp toàn bộ dữ liệu " + "rất-dài-không-có-khoảng-trắng-" * 8,
    )
    login(page, "privacy_f")
    page.goto(live_url(f"/portal/requests/{request.pk}/"))
    assert no_card_overflows(page)
    tasks = list(FulfilmentTask.objects.filter(request=request).order_by("system__code"))
    for n, task in enumerate(tasks):
        item = page.locator(f"#task-{task.pk}")
        item.locator("textarea[name=note]").fill(f"Đã trích xuất phần {n + 1}")
        item.locator("input[name=evidence]").fill(f"PHIEU-{n + 1}")
        with page.expect_navigation():
            item.get_by_test_id("task-done").click()
        assert page.url.endswith(f"#task-{task.pk}")
        assert "PHIEU-" in page.locator(f"#task-{task.pk}").inner_text()
    assert "Sẵn sàng trả lời" in page.get_by_test_id("ready-to-answer").inner_text()
    assert page.get_by_test_id("complete").is_visible()  # the reply box stays
    assert page.get_by_test_id("status").inner_text() == "Đang xử lý"
    assert no_card_overflows(page)
    shoot(page, "request-page.png")


def test_dpo_reads_grouped_sidebar_and_printable_monthly_report_in_english(page, login, live_url):
    UserFactory(username="dpo_f", role=Role.DPO)
    login(page, "dpo_f")
    page.goto(live_url("/en/portal/requests/"))
    sidebar = page.locator("nav.sidebar")
    menu = sidebar.inner_text().lower()  # section headings are drawn in capitals
    assert "breach register" in menu and "administration" in menu
    active = sidebar.locator("[aria-current=page]")
    assert active.count() == 1 and "Requests" in active.inner_text()
    page.goto(live_url("/portal/"))
    assert "Sổ sự cố vi phạm dữ liệu" in page.locator("nav.sidebar").inner_text()
    page.goto(live_url("/en/portal/reports/deadlines/2026-03/"))
    assert page.get_by_test_id("bank-name").is_visible()
    assert page.get_by_test_id("monthly-print").is_visible()
    assert page.get_by_test_id("monthly-csv").get_attribute("href") == "?format=csv"
    page.emulate_media(media="print")
    assert not page.get_by_test_id("monthly-print").is_visible()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_customer_export_reads_in_plain_words(page, language):
    make_inventory()
    subject = make_subject(full_name="Phạm Văn Nam")
    request = verified_request(subject, type="access")
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(
            actor=STAFF, task_id=task.pk, result={"card_count": 1, "opened_at": "2024-05-01T03:04:05+00:00"}
        )
    services.request_complete(actor=STAFF, request_id=request.pk)
    body = services.export_download(actor=STAFF, request=request, format="html", language=language).body
    page.set_content(body.decode())
    text = page.inner_text("body")
    assert ("Ngày sinh" if language == "vi" else "Date of birth") in text
    for raw in ("date_of_birth", "in_progress", "granted", "card_count", "T03:04"):
        assert raw not in text
    assert "01/05/2024 10:04" in text
    if language == "vi":
        shoot(page, "customer-export.png")


def test_dpo_drafts_a_notice_version_from_the_current_text_and_previews_it(page, login, live_url):
    from consents.models import NoticeVersion
    from tests.consents.factories import make_purpose

    UserFactory(username="dpo_n", role=Role.DPO)
    purpose = make_purpose("marketing-offers")
    NoticeVersion.objects.filter(purpose=purpose).update(text_vi="Văn bản hiện hành", text_en="Current text")
    login(page, "dpo_n")
    page.goto(live_url(f"/en/portal/purposes/{purpose.code}/notices/new/"))
    assert page.locator("textarea[name=text_en]").input_value() == "Current text"
    assert "Earliest start" in page.get_by_test_id("earliest").inner_text()
    track = page.locator(".switch__track")
    assert track.is_visible() and track.bounding_box()["width"] >= 40
    assert "7 days" in page.locator(".switch__state--off").inner_text()
    page.locator(".switch").click()
    assert "30 days" in page.locator(".switch__state--on").inner_text()
    page.fill("input[name=version]", "v2")
    page.fill("textarea[name=text_en]", "New text for customers")
    with page.expect_navigation():
        page.get_by_test_id("notice-preview-button").click()
    assert "New text for customers" in page.get_by_test_id("notice-preview").inner_text()
    assert NoticeVersion.objects.filter(purpose=purpose).count() == 1


def test_a_document_mismatch_is_shown_at_the_verify_form_on_the_request_page(page, login, live_url):
    """UX review at 1280px: the error sat ~1,100px below an unrelated red reveal-form field, and the
    address became the /do/verify/ action's. The summary above the verify form takes the focus in
    view, and the address is the request page's again."""
    officer = UserFactory(username="privacy_v", role=Role.PRIVACY)
    request = services.request_create(
        actor=actor_for_user(officer), subject=make_subject(), type="access", channel="branch",
        details="Xin cung cấp dữ liệu",
    )
    login(page, "privacy_v")
    detail = f"/portal/requests/{request.pk}/"
    page.goto(live_url(detail))
    form = page.get_by_test_id("verify-form")
    form.locator("input[name=method][value=branch_documents]").check()  # no method is pre-chosen
    form.locator("input[name=document_number]").fill("000000000000")
    with page.expect_navigation():
        form.get_by_test_id("verify").click()
    assert page.url.endswith(detail)
    summary = form.get_by_test_id("error-summary")
    assert page.evaluate("document.activeElement.dataset.testid") == "error-summary"
    box, bar = summary.bounding_box(), page.locator(".topbar").bounding_box()
    assert bar["y"] + bar["height"] <= box["y"] < page.viewport_size["height"]  # in view, not under the bar
    assert page.get_by_test_id("reveal-form").locator(".field--error").count() == 0
