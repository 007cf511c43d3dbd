"""The regulator pages in a real browser: the DPO records a breach, submits Form 08 and reads it;
the auditor sees the register without the buttons that change it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from tests.factories import UserFactory
from tests.regulator.factories import make_catalogue, make_inventory
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]


@pytest.fixture
def inventory():
    make_inventory()
    make_catalogue(now=timezone.now())


def test_dpo_records_a_breach_then_notifies_the_authority_on_form_08(page, login, live_url, inventory):
    UserFactory(username="dpo_b", role=Role.DPO)
    login(page, "dpo_b")
    page.goto(live_url("/en/portal/breaches/new/"))
    now = timezone.localtime()
    page.fill("input[name=title]", "Statement batch in the wrong folder")
    page.fill("textarea[name=description]", "A statement batch was copied to a shared folder.")
    page.fill("input[name=occurred_at]", (now - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=detected_at]", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.check("input[name=systems][value=core_banking]")
    page.check("input[name=categories][value=accounts]")
    page.fill("input[name=subjects_affected]", "12")
    page.fill("input[name=records_affected]", "40")
    page.fill("textarea[name=likely_consequences]", "Statements seen by staff without a need to know.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record", exact=True).click()
    assert page.get_by_test_id("breach-status").inner_text() == "Awaiting notification"
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to the authority").click()
    # Measures not yet known: the initial notification says they follow, or it is refused.
    assert page.get_by_test_id("breach-status").inner_text() == "Awaiting notification"
    page.check("input[name=to_follow][value=measures_taken]")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to the authority").click()
    assert page.get_by_test_id("breach-status").inner_text() == "Authority notified"
    with page.expect_navigation():
        page.get_by_role("link", name="Form 08").click()
    document = page.get_by_test_id("form08").inner_text()
    assert "Statement batch in the wrong folder" in document
    assert "Likely consequences" in document
    assert page.get_by_test_id("to-follow").count() == 1


def test_auditor_reads_the_dossiers_in_vietnamese_without_write_buttons(page, login, live_url, inventory):
    from regulator import services
    from tests.regulator.factories import DPO

    services.dossiers_sync(actor=DPO)
    UserFactory(username="auditor_b", role=Role.AUDITOR)
    login(page, "auditor_b")
    page.goto(live_url("/portal/dossiers/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Hồ sơ đánh giá tác động"
    assert page.get_by_test_id("dossiers").locator("tbody tr").count() == 4
    assert page.get_by_role("button", name="Cập nhật từ danh mục").count() == 0
