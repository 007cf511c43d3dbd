"""System checks of the requests area: `manage.py check` warns before the working-day calendar runs out,
and while the platform does not know what of a customer's data it holds itself."""

from __future__ import annotations

from django.core.checks import Warning
from django.db import DatabaseError

from dsr.selectors import calendar_runs_out_on, platform_inventory_gaps


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


def platform_check(app_configs=None, **kwargs) -> list[Warning]:
    """A deletion erases the platform's own copy through the inventory's system coded "platform" and
    the platform fields its categories name: without them a deletion is refused, or erases less."""
    try:
        gaps = platform_inventory_gaps()
    except DatabaseError:
        return []
    if not gaps:
        return []
    return [
        Warning(
            "The platform's own copy of customers' data is not fully in the systems inventory: "
            + "; ".join(gaps) + ".",
            hint='On the systems inventory page, add the system coded "platform" (or switch it on) with a '
            "category for its identity data and one for its contact details, each naming what it covers "
            "on this platform. seed_demo does it for the demo.",
            id="dsr.W002",
        )
    ]
