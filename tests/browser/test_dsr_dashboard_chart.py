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



def closed(subject, *, days_ago: float, late: bool, type: str = "access"):
    now = timezone.now()
    done = request_due(subject, due_at=now - timedelta(days=days_ago, hours=2 if late else -2), type=type)
    DataSubjectRequest.objects.filter(pk=done.pk).update(
        status="rejected", outcome_reason="manifestly_unfounded", closed_at=now - timedelta(days=days_ago)
    )


@pytest.fixture
def requests_on_every_clock(db):
    """Open requests in every clock state, and requests closed on time and late over several weeks."""
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
        closed(subject, days_ago=days, late=late)


def test_dpo_sees_the_dashboard_charts_in_vietnamese(page, login, live_url, requests_on_every_clock):
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

    screenshot(page.locator(".charts").first, "dashboard-chart-vi.png")


# Every text of a chart as drawn on screen: its font size in SVG user units times the scale of those
# units on the screen (the viewBox fitted into the element's box; 1 for HTML text), and the box it
# covers; the bars too, which no label may cover, and the chart's own box, which clips what runs past
# it. The bar charts are HTML: a label, a bar (an SVG rect) and a count per row; the trend's labels
# (`.chart-label`) are HTML around its plot.
DRAWN = """chart => {
    const htmlText = ".bar-chart__label, .bar-chart__count, .chart-label";
    return [chart, ...chart.querySelectorAll("text, rect, " + htmlText)]
    .filter(element => element.getClientRects().length && (element.tagName === "rect" || element.textContent))
    .map(element => {
        const box = element.getBoundingClientRect();
        const svgText = element.tagName === "text";
        const html = element.matches(htmlText);
        return {
            text: svgText || html ? element.textContent.trim() : null,
            px: parseFloat(getComputedStyle(element).fontSize) * (svgText ? element.getScreenCTM().a : 1),
            box: [box.left, box.top, box.right, box.bottom],
        };
    });
}"""
SCROLLS = "chart => chart.parentElement.scrollWidth > chart.parentElement.clientWidth"
# The part of the page a person sees of a chart without scrolling sideways: its card's box, cut by
# every ancestor that clips or scrolls what overflows it (the chart's frame) and by the window.
VISIBLE = """chart => {
    let [left, right] = [0, document.documentElement.clientWidth];
    for (let element = chart.parentElement; element; element = element.parentElement) {
        const style = getComputedStyle(element);
        if (element.matches(".card") || style.overflowX !== "visible") {
            const box = element.getBoundingClientRect();
            left = Math.max(left, box.left + element.clientLeft);
            right = Math.min(right, box.left + element.clientLeft + element.clientWidth);
        }
    }
    return [left, right];
}"""
# Chart text at least as large as the page's small print (.85rem of 15 px is 12.75 px): 12 px.
MIN_TEXT_PX = 12
# Screens the charts fit whole (no scrolling in their frame), every label and count inside the card's
# visible part: two laptops and a phone.
FITTING_WIDTHS = (1280, 1024)
PHONE_WIDTH = 360
CHARTS = {"/portal/": 2, "/portal/reports/deadlines/": 2}


def _overlap(one, other) -> bool:
    """Boxes that share more than a hair (half a pixel) both ways."""
    return (
        min(one[2], other[2]) - max(one[0], other[0]) > 0.5
        and min(one[3], other[3]) - max(one[1], other[1]) > 0.5
    )


def _inside(box, frame) -> bool:
    return all(box[i] >= frame[i] - 0.5 for i in (0, 1)) and all(box[i] <= frame[i] + 0.5 for i in (2, 3))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_chart_text_is_readable_on_a_laptop_and_a_phone(
    page, login, live_url, requests_on_every_clock, language
):
    """The dashboard's and the deadline report's charts, at 1280 and 1024 px and on a 360 px phone: no
    label drawn under 12 px, whatever the chart's scale, none over another label or a bar (Vietnamese
    labels are the longer ones) and none cut off at the chart's edge; whole charts on the laptops and on
    the phone: every label and count in sight without scrolling sideways."""
    subject = make_subject()
    for days in range(0, 84, 7):  # a closed request every week, two figures in some weeks' counts
        closed(subject, days_ago=days + 0.5, late=days % 14 == 0, type="delete" if days % 3 else "copy")
    for _ in range(10):
        closed(subject, days_ago=0.2, late=False)
    login(page, "dpo_chart")
    prefix = "" if language == "vi" else "/en"
    problems = []
    for width in (*FITTING_WIDTHS, PHONE_WIDTH):
        page.set_viewport_size({"width": width, "height": 900})
        for path, count in CHARTS.items():
            page.goto(live_url(prefix + path))
            assert page.locator("html").get_attribute("lang") == language
            charts = page.locator("[data-testid^=chart-]")
            assert charts.count() == count
            for chart in charts.all():
                testid = chart.get_attribute("data-testid")
                name = f"{width}px {prefix}{path} {testid}"
                if chart.evaluate(SCROLLS):
                    problems.append(f"{name}: wider than its card, scrolls")
                frame, *drawn = chart.evaluate(DRAWN)
                texts = [item for item in drawn if item["text"] is not None]
                assert len(texts) >= 4, name
                problems += [
                    f"{name}: {item['text']!r} drawn at {item['px']:.1f} px"
                    for item in texts
                    if item["px"] < MIN_TEXT_PX
                ]
                problems += [
                    f"{name}: {text['text']!r} over {other['text'] or 'a bar'!r}"
                    for i, text in enumerate(texts)
                    for other in texts[i + 1:] + [item for item in drawn if item["text"] is None]
                    if _overlap(text["box"], other["box"])
                ]
                problems += [
                    f"{name}: {item['text']!r} cut off at the chart's edge"
                    for item in texts
                    if not _inside(item["box"], frame["box"])
                ]
                left, right = chart.evaluate(VISIBLE)
                problems += [
                    f"{name}: {item['text']!r} past the card's visible edge ({left:.0f}-{right:.0f} px)"
                    for item in texts
                    if item["box"][0] < left - 0.5 or item["box"][2] > right + 0.5
                ]
    assert problems == [], "\n".join(problems)


# A phone held upright.
PHONE = {"width": 360, "height": 740}
SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_on_time_trend_fits_a_phone(page, login, live_url, requests_on_every_clock, language):
    """On a 360 px phone the dashboard's trend is read whole, as the bar charts are: its box inside the
    screen and nothing to scroll sideways, neither the page nor the chart's frame (its labels: the test
    above); every week's figures are there for a screen reader and, a tap away, for the eye."""
    page.set_viewport_size(PHONE)
    login(page, "dpo_chart")
    prefix = "" if language == "vi" else "/en"
    page.goto(live_url(prefix + "/portal/"))
    assert page.locator("html").get_attribute("lang") == language
    trend = page.get_by_test_id("chart-on-time")
    box = trend.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert not page.evaluate(SIDEWAYS_SCROLL)
    assert not trend.evaluate(SCROLLS)
    assert trend.locator("circle").count() >= 3 and trend.locator("polyline").is_visible()
    # The text alternative: the drawing's description, and the table of every week under it.
    description = page.locator("#on-time-desc").text_content()
    assert description.count(";") == 11  # twelve weeks
    figures = page.get_by_test_id("trend-figures-on-time")
    figures.locator("summary").click()
    assert figures.locator("tbody tr").count() == 12
    table = figures.locator("table").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= PHONE["width"], table
    assert not page.evaluate(SIDEWAYS_SCROLL)
