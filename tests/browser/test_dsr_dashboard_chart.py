"""The dashboard's own charts in a real browser, in Vietnamese (the decimal-comma language): the DPO
sees bars drawn with a width, the on-time line, and no console error (an SVG attribute written with
a comma is a console error in Chromium)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from dsr.models import DataSubjectRequest
from tests.browser.conftest import screenshot
from tests.factories import UserFactory, make_subject
from tests.jobs.factories import request_due
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]



def test_dpo_sees_the_dashboard_charts_in_vietnamese(page, login, live_url):
    UserFactory(username="dpo_chart", role=Role.DPO)
    subject = make_subject()
    now = timezone.now()
    request_due(subject, due_at=now + timedelta(days=10))  # on track
    request_due(subject, due_at=now + timedelta(days=1))  # due within 3 days
    request_due(subject, due_at=now + timedelta(days=2))
    # Overdue on the bank's clock, then on the statutory clock.
    request_due(subject, due_at=now - timedelta(hours=5), statutory_due_at=now + timedelta(days=4))
    request_due(subject, due_at=now - timedelta(days=2), statutory_due_at=now - timedelta(hours=2))
    for days, late in ((1, False), (3, True), (8, False), (15, False), (16, True), (22, False)):
        done = request_due(subject, due_at=now - timedelta(days=days) + timedelta(hours=-2 if late else 2))
        DataSubjectRequest.objects.filter(pk=done.pk).update(
            status="rejected", outcome_reason="manifestly_unfounded", closed_at=now - timedelta(days=days)
        )
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    login(page, "dpo_chart")

    page.goto(live_url("/portal/"))
    assert page.locator("html").get_attribute("lang") == "vi"
    chart = page.get_by_test_id("chart-clock-states")
    assert chart.is_visible()
    widths = {
        rect.get_attribute("data-state"): rect.bounding_box()["width"]
        for rect in chart.locator("rect").all()
        if rect.get_attribute("data-count") != "0"
    }
    assert set(widths) == {"on_track", "due_soon", "overdue_bank", "overdue_statutory"}
    assert all(width > 0 for width in widths.values()), widths
    assert widths["due_soon"] > widths["on_track"]  # two against one: the scale is drawn, not collapsed
    assert page.get_by_test_id("clock-count-due_soon").text_content() == "2"
    trend = page.get_by_test_id("chart-on-time")
    assert trend.locator("circle").count() >= 3 and trend.locator("polyline").count() == 1
    assert not errors, errors

    screenshot(page.locator(".grid--charts").first, "dashboard-chart-vi.png")
