"""The deadline report page is readable (UX review): its trend chart fits its card without shrinking
any text (the drawing stretches sideways only and its labels are HTML text), its bar chart is HTML
text that reflows to the card (the browser tests measure both on screen); and each number card shows
its number and its label on separate lines, as the dashboard's cards do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from dsr.models import DataSubjectRequest
from tests.jobs.factories import NOW, request_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(subject, monkeypatch):
    monkeypatch.setattr("dsr.reports.timezone.now", lambda: NOW)
    request_due(subject, due_at=NOW + timedelta(hours=3))
    request_due(subject, due_at=NOW - timedelta(hours=1), type="delete")
    closed = request_due(subject, due_at=NOW - timedelta(days=2))
    DataSubjectRequest.objects.filter(pk=closed.pk).update(
        status="rejected", outcome_reason="manifestly_unfounded", closed_at=NOW - timedelta(days=3)
    )


def charts(html):
    return re.findall(r"<svg role=\"img\".*?</svg>", html, flags=re.S)


def attribute(tag, name):
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found and found.group(1)


@pytest.mark.parametrize("path", ["/portal/reports/deadlines/", "/en/portal/reports/deadlines/"])
def test_the_report_trend_stretches_sideways_only_and_draws_no_text(known, client, dpo, path):
    """The trend is as wide as its card, a phone's too, and no text shrinks with it: the drawing is
    stretched sideways only (one unit of its height is one CSS pixel), its lines keep their width, and it
    holds no text; its labels are HTML at the page's small print (sizes on screen: tests/browser)."""
    client.force_login(dpo)
    html = client.get(path).content.decode()
    drawn = charts(html)
    assert len(drawn) == 1  # the trend; the backlog is HTML rows, not a drawing to scale
    for chart in drawn:
        svg = re.match(r"<svg[^>]*>", chart).group(0)
        _x, _y, _view_width, view_height = (float(n) for n in attribute(svg, "viewBox").split())
        assert attribute(svg, "width") is None  # the card's width (CSS)
        assert float(attribute(svg, "height")) == view_height
        assert attribute(svg, "preserveAspectRatio") == "none"
        assert 'class="chart ' in svg
        assert "<text" not in chart and "font-size" not in chart
        strokes = re.findall(r"<(?:line|polyline)\b[^>]*>", chart)
        assert len(strokes) == 3 and all('vector-effect="non-scaling-stroke"' in s for s in strokes)


@pytest.mark.parametrize("path", ["/portal/reports/deadlines/", "/en/portal/reports/deadlines/"])
def test_the_backlog_is_written_as_text_rows_not_drawn_to_a_fixed_width(known, client, dpo, path):
    client.force_login(dpo)
    html = client.get(path).content.decode()
    backlog = re.search(
        r'<div class="bar-chart" role="img"[^>]*data-testid="chart-backlog">(.*?)</div></div>', html, re.S
    )
    assert backlog
    rows = re.findall(r'<div class="bar-chart__row">(.*?)</div>', backlog.group(1), re.S)
    assert len(rows) >= 2  # one per request type
    for row in rows:
        # The label and the count are text, the bar a rect as wide as a share of its track.
        assert re.search(r'<span class="bar-chart__label">[^<]+</span>', row)
        assert re.search(r'<span class="bar-chart__count"[^>]*>\d+( \(\d+\))?</span>', row)
        assert re.search(r'<rect [^>]*width="\d+(\.\d+)?%"', row)
        assert "viewBox" not in row and "font-size" not in row


def test_report_charts_are_not_squeezed_into_the_number_cards_grid(known, client, dpo):
    client.force_login(dpo)
    html = client.get("/portal/reports/deadlines/").content.decode()
    # The charts sit one per row, each card as wide as the page, not in the 210 px auto-fill grid.
    section = re.search(r'<div class="([^"]*)" data-testid="report-charts">(.*?)</svg>\s*</div>', html, re.S)
    assert section and "grid" not in section.group(1).split()


def test_number_cards_separate_the_number_from_its_label(known, client, dpo):
    client.force_login(dpo)
    html = client.get("/portal/reports/deadlines/").content.decode()
    card = r'<div class="card stat[^"]*">(.*?)</div>\s*(?=<div class="card stat|</div>)'
    cards = re.findall(card, html, re.S)
    assert len(cards) == 5  # open, due soon, overdue, closed on time, acknowledged late
    for card in cards:
        # Block elements, as on the dashboard: "8" above "Yêu cầu đang mở", never "8Yêu cầu đang mở".
        assert re.search(r'<div class="stat__value"[^>]*>', card)
        assert '<div class="stat__label">' in card
        assert "<span class=\"stat__value\"" not in card


@pytest.mark.parametrize("path", ["/portal/reports/deadlines/", "/en/portal/reports/deadlines/"])
def test_every_percentage_on_the_report_is_written_one_way(known, client, dpo, path):
    """The cards, the tables and the chart write a percentage the same way ("100%"), not "100 %" in one
    place and "100%" in another."""
    client.force_login(dpo)
    html = client.get(path).content.decode()
    assert re.findall(r"\d(?:\s|&nbsp;)%", html) == []
    assert len(re.findall(r">100%<", html)) >= 3  # the card, the table's total and the chart's axis


def test_each_scrolling_table_frame_is_a_region_named_by_its_table(known, client, dpo):
    """A frame the keyboard can focus to scroll a wide table is a landmark named by its table's caption,
    as the queue's is: a screen reader otherwise says nothing when the focus lands on it."""
    client.force_login(dpo)
    html = client.get("/en/portal/reports/deadlines/").content.decode()
    frames = re.findall(r'<div class="table-wrap"[^>]*>', html)
    assert len(frames) == 6  # the trend's figures, by type, by channel, duties, breaches, refusals
    for frame in frames:
        assert attribute(frame, "role") == "region", frame
        assert re.search(rf'<caption[^>]* id="{attribute(frame, "aria-labelledby")}">', html), frame
