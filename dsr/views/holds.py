"""The legal holds coming due: what the nightly release will erase, and when (the DPO's year-end preview)."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from core.access import staff_required
from core.errors import InvalidInput
from core.moments import parse_day
from deadlines.policy import LOCAL_TZ
from dsr.selectors.deletions import holds_coming_due_listed

# How far ahead the page looks unless asked: past the turn of the year from any day of December.
LOOK_AHEAD = timedelta(days=31)
# The holds a page lists; the count says how many more there are.
HOLDS_LISTED = 500


@staff_required("deadlines.view_deadline_report")
def holds_coming_due_page(request):
    today = timezone.localdate(timezone.now(), LOCAL_TZ)
    until_error = None
    try:
        through = parse_day(request.GET.get("until"), field="until") or today + LOOK_AHEAD
    except InvalidInput as error:
        through, until_error = today + LOOK_AHEAD, error.text
    return render(
        request,
        "dsr/holds_coming_due.html",
        {
            **holds_coming_due_listed(through=through, today=today, limit=HOLDS_LISTED),
            "through": through,
            "today": today,
            "until_error": until_error,
        },
    )
