"""What the requests area contributes to the page shells: dashboard cards and the customer-page panel."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.access import subject_for_user
from core.db import head_and_total
from deadlines.policy import LOCAL_TZ
from dsr.charts import bar_chart, trend_chart
from dsr.disclosure_forms import AuthorityDisclosureForm
from dsr.dispute_forms import DisputeHoldForm
from dsr.reports import on_time_trend
from dsr.selectors import (
    calendar_runs_out_on,
    request_clock_states,
    request_counts,
    requests_of_customer_newest_first,
    requests_open_count_for_subject,
)
from dsr.selectors.deletions import disputes_of_customer
from dsr.selectors.disclosures import authority_disclosures_of_customer


def calendar_cards(request) -> list[dict[str, Any]]:
    """The DPO keeps the working-day calendar: warn a quarter before it runs out."""
    if not request.user.has_perm("deadlines.change_calendarday"):
        return []
    last = calendar_runs_out_on()
    if last is None:
        return []
    return [
        {
            "label": _("Working-day calendar ends: add the coming year's holidays"),
            "value": date_format(last, "SHORT_DATE_FORMAT"),
            "url": f"{reverse('dsr:policy')}#calendar",
            "tone": "danger",
        }
    ]


def staff_cards(request) -> list[dict[str, Any]]:
    if not request.user.has_perm("dsr.view_datasubjectrequest"):
        return []
    counts = request_counts()
    queue = reverse("dsr:queue")
    return [
        {"label": _("Open requests"), "value": counts.open, "url": queue, "tone": "ok"},
        {
            "label": _("Due in 24 hours"),
            "value": counts.due_soon,
            "url": f"{queue}?due=soon",
            "tone": "warn" if counts.due_soon else "ok",
        },
        {
            "label": _("Overdue requests"),
            "value": counts.overdue,
            "url": f"{queue}?due=overdue",
            "tone": "danger" if counts.overdue else "ok",
        },
        {
            "label": _("Past the acknowledgement deadline"),
            "value": counts.acknowledgement_overdue,
            "url": f"{queue}?due=acknowledgement",
            "tone": "danger" if counts.acknowledgement_overdue else "ok",
            "testid": "acknowledgement-overdue",
        },
    ]


def dashboard_charts(request) -> dict[str, Any] | None:
    """The dashboard's charts: open requests by clock state and the 12-week on-time trend."""
    if not request.user.has_perm("dsr.view_datasubjectrequest"):
        return None
    states = request_clock_states()
    return {
        "clock_states": bar_chart(states, value="count"),
        "clock_total": sum(state["count"] for state in states),
        # As wide as the report's trend: twelve dates and counts of 12 px, 50 units apart, not 40.
        "on_time": trend_chart(on_time_trend(), height=150),
    }


def customer_cards(request) -> list[dict[str, Any]]:
    subject = subject_for_user(request.user)
    if subject is None:
        return []
    open_count = requests_open_count_for_subject(subject)
    return [
        {"label": _("My open requests"), "value": open_count, "url": reverse("dsr:me_requests"), "tone": "ok"}
    ]


# The customer page lists the latest requests; more say how many are shown and lead to the customer's
# requests in the queue.
PANEL_REQUESTS = 20


def subject_panel(request, subject) -> dict[str, Any]:
    """The customer's requests and those they filed as guardian for a ward, newest first: the set the
    queue lists for the panel's link (`?subject=<CIF>&as_guardian=1`), so both count the same."""
    requests, total = head_and_total(requests_of_customer_newest_first(subject.pk), PANEL_REQUESTS)
    return {"requests": requests, "requests_total": total, "subject": subject}


def dispute_panel(request, subject) -> dict[str, Any]:
    """The customer's holds for a dispute, each with whether it keeps the held data today; the DPO's forms
    to record and lift them."""
    today = timezone.localdate(timezone.now(), LOCAL_TZ)
    may_record = request.user.has_perm("dsr.add_disputehold")
    return {
        "subject": subject,
        "disputes": disputes_of_customer(subject.pk, on=today),
        "form": DisputeHoldForm(initial={"starts_on": today}) if may_record else None,
        "may_lift": request.user.has_perm("dsr.change_disputehold"),
    }


def authority_disclosure_panel(request, subject) -> dict[str, Any]:
    """The customer's disclosures to competent authorities, the latest first; the DPO's form to record one."""
    may_record = request.user.has_perm("dsr.add_authoritydisclosure")
    return {
        "subject": subject,
        "disclosures": authority_disclosures_of_customer(subject.pk),
        "form": AuthorityDisclosureForm() if may_record else None,
    }
