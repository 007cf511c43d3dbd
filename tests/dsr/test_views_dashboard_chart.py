"""The staff dashboard's own charts: open requests by clock state and the 12-week on-time trend,
checked against requests made for the test (some overdue on either clock, some closed on time)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory

from dsr.charts import backlog_chart, bar_chart
from dsr.models import DataSubjectRequest
from dsr.navigation import dashboard_charts
from dsr.selectors import request_clock_states
from tests.factories import UserFactory
from tests.jobs.factories import NOW, request_due

pytestmark = pytest.mark.django_db


def closed(subject, *, due_at, closed_at):
    request = request_due(subject, due_at=due_at)
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status="rejected", outcome_reason="manifestly_unfounded", closed_at=closed_at
    )


@pytest.fixture
def known(subject, monkeypatch):
    """Thursday 12 March 2026, 09:00: seven open requests and four closed ones."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    hour, day = timedelta(hours=1), timedelta(days=1)
    # On track: both dates more than three days away.
    request_due(subject, due_at=NOW + 10 * day)
    request_due(subject, due_at=NOW + 12 * day)
    # Due within three days: by the bank's date; by the statutory date that comes first (a complaint).
    request_due(subject, due_at=NOW + 2 * day)
    request_due(subject, due_at=NOW + 20 * day, statutory_due_at=NOW + day)
    # Overdue on the bank's clock only.
    request_due(subject, due_at=NOW - hour, statutory_due_at=NOW + 5 * day)
    # Overdue on the statutory clock: with the bank's clock overdue too, and with it still running.
    request_due(subject, due_at=NOW - 2 * day, statutory_due_at=NOW - hour)
    request_due(subject, due_at=NOW + 5 * day, statutory_due_at=NOW - day)
    # Closed this week (from Monday 9 March): two on time, one late; the week before: one on time.
    closed(subject, due_at=NOW, closed_at=NOW - day)
    closed(subject, due_at=NOW, closed_at=NOW - 2 * day)
    closed(subject, due_at=NOW - 2 * day, closed_at=NOW - day)
    closed(subject, due_at=NOW - 6 * day, closed_at=NOW - 7 * day)


def counts(states):
    return {state["key"]: state["count"] for state in states}


def test_open_requests_are_counted_once_under_their_worst_clock_state(known):
    assert counts(request_clock_states()) == {
        "on_track": 2,
        "due_soon": 2,
        "overdue_bank": 1,
        "overdue_statutory": 2,
    }


def test_the_dashboard_draws_both_charts_with_the_figures(known, client, dpo):
    client.force_login(dpo)
    response = client.get("/portal/")  # Vietnamese, the default
    assert response.status_code == 200
    (panel,) = response.context["panels"]
    chart = panel["context"]
    assert chart["clock_total"] == 7
    widths = {bar["key"]: bar["percent"] for bar in chart["clock_states"]["bars"]}
    assert widths == {"on_track": 100.0, "due_soon": 100.0, "overdue_bank": 50.0, "overdue_statutory": 100.0}
    weeks = chart["on_time"]["points"]
    assert len(weeks) == 12
    assert (weeks[-1]["closed"], weeks[-1]["closed_on_time"], weeks[-1]["percent"]) == (3, 2, 67)
    assert (weeks[-2]["closed"], weeks[-2]["closed_on_time"], weeks[-2]["percent"]) == (1, 1, 100)
    assert all(week["closed"] == 0 and week["y"] is None for week in weeks[:-2])

    html = response.content.decode()
    drawn = dict(re.findall(r'data-state="(\w+)" data-count="(\d+)"', html))
    assert drawn == {"on_track": "2", "due_soon": "2", "overdue_bank": "1", "overdue_statutory": "2"}
    assert 'width="100.0%"' in html and 'width="50.0%"' in html  # a decimal point, not the comma
    # Each row writes its label and its count as text beside the bar, not inside a drawing.
    assert re.search(r'class="bar-chart__label">Đến hạn trong 3 ngày</span>', html)
    assert re.search(r'class="bar-chart__count" data-testid="clock-count-overdue_bank">1</span>', html)
    assert "2/3" in html and "1/1" in html  # the counts under each week
    # The figures for screen readers: the described SVG and the hidden table, in Vietnamese.
    assert 'role="img" aria-labelledby="clock-title clock-desc"' in html
    assert "Quá hạn theo thời hạn luật định: 2" in html
    assert "09/03/2026: 67% (2/3)" in html


def test_the_chart_speaks_english_too(known, client, dpo):
    client.force_login(dpo)
    html = client.get("/en/portal/").content.decode()
    assert "Overdue on the statutory clock: 2" in html
    assert "7 open requests by clock state" in html
    assert "09/03/2026: 67% (2/3)" in html


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "auditor"])
def test_every_role_that_sees_requests_sees_the_chart(known, client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert 'data-testid="chart-clock-states"' in client.get("/en/portal/").content.decode()


def test_no_chart_for_someone_who_may_not_see_requests(db):
    request = RequestFactory().get("/portal/")
    request.user = UserFactory()  # no role, no permission
    assert dashboard_charts(request) is None


def test_bars_scale_to_the_longest_and_empty_rows_draw_nothing():
    chart = bar_chart([{"n": 0}, {"n": 3}, {"n": 1}], value="n")
    # In percent of the track: the longest bar fills it, the count is written beside it.
    assert [bar["percent"] for bar in chart["bars"]] == [0.0, 100.0, 33.3]
    assert [bar["value"] for bar in chart["bars"]] == [0, 3, 1]
    assert bar_chart([{"n": 0}], value="n")["bars"][0]["percent"] == 0.0
    assert bar_chart([], value="n")["bars"] == []


def test_a_backlogs_overdue_part_is_drawn_on_the_same_scale_as_its_bar():
    chart = backlog_chart([{"open": 4, "overdue": 1}, {"open": 2, "overdue": 2}, {"open": 0, "overdue": 0}])
    assert [(bar["open_percent"], bar["overdue_percent"]) for bar in chart["bars"]] == [
        (100.0, 25.0),
        (50.0, 50.0),
        (0.0, 0.0),
    ]
