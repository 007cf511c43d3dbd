"""The former customers past the bank's retention: whom the nightly job erases (the DPO's answer to
"what happens to a customer who left in 2015?")."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from core.access import staff_required
from deadlines.policy import LOCAL_TZ
from deadlines.schedules import job_time_of_day
from dsr.selectors.former_customers import former_customers_past_retention_listed
from subjects.disclosure import subjects_listed

# The customers a page lists; the count says how many more there are.
CUSTOMERS_LISTED = 200
# The beat entry of `config/celery.py` that erases them.
FORMER_CUSTOMERS_JOB = "erase-former-customers"


@staff_required("deadlines.view_deadline_report")
def former_customers_page(request):
    today = timezone.localdate(timezone.now(), LOCAL_TZ)
    listed = former_customers_past_retention_listed(today=today, limit=CUSTOMERS_LISTED)
    # Each row names a customer by number: the page is a look at each of them.
    subjects_listed((row["subject"] for row in listed["customers"]), user=request.user,
                    context="portal.former_customers")
    return render(
        request,
        "dsr/former_customers.html",
        {
            **listed,
            "job_on": settings.FORMER_CUSTOMERS_ERASED_AFTER_RETENTION,
            "job_at": job_time_of_day(FORMER_CUSTOMERS_JOB),
            "today": today,
        },
    )
