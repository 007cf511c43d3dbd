"""System checks of the requests area: `manage.py check` warns before the working-day calendar runs out."""

from __future__ import annotations

from django.core.checks import Warning
from django.db import DatabaseError

from dsr.selectors import calendar_runs_out_on


def calendar_check(app_configs=None, **kwargs) -> list[Warning]:
    try:
        last = calendar_runs_out_on()
    except DatabaseError:
        # Before the first migrate there is no calendar to read yet.
        return []
    if last is None:
        return []
    return [
        Warning(
            f"The working-day calendar ends on {last.isoformat()}: working-day deadlines after it "
            "count every weekday as a working day.",
            hint="Add the coming year's public holidays (Tết included) on the portal's deadline policy page.",
            id="dsr.W001",
        )
    ]
