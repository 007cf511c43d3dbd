"""Notice-change announcements: the DPO schedules and sends them, and puts back one the job parked after
failing it again and again; customers see upcoming changes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consents.selectors import (
    announcement_affected_counts,
    announcement_allowed_actions,
    announcements_failing,
    announcements_in_words,
    announcements_upcoming_for_subject,
)
from consents.services import announcements as service
from consents.services.announcement_runs import announcement_retry as announcement_retry_service
from consents.services.announcement_runs import announcement_send_now
from core.access import customer_required, staff_required
from core.actors import actor_for_user
from core.forms import call_with_messages
from core.paging import page_query, same_page
from regulator import selectors

PAGE_SIZE = 50


@staff_required("regulator.view_regulator")
def announcement_list(request):
    now = timezone.now()
    pending = list(selectors.notices_to_announce(now=now))
    affected = announcement_affected_counts(pending)
    rows = [
        {"notice": n, "affected": affected[n.pk], "lead": service.lead_days_for(significant=n.material)}
        for n in pending
    ]
    actor = actor_for_user(request.user)
    page = Paginator(selectors.announcement_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "regulator/announcement_list.html",
        {
            "pending": rows,
            # Each announcement with what this person may do with it (`announcement_allowed_actions`).
            "announcements": [(a, announcement_allowed_actions(a, actor)) for a in page],
            "page": page,
            # Appended to each row form's address: its answer comes back to this page (`same_page`).
            "on_page": page_query(page.number),
            "failing": announcements_failing(),
            "now": now,
            "can_manage": request.user.has_perm("regulator.manage_announcement"),
        },
    )


@require_POST
@staff_required("regulator.manage_announcement")
def announcement_schedule(request, pk):
    call_with_messages(
        request,
        lambda: service.announcement_schedule(actor=actor_for_user(request.user), notice_id=pk),
        lambda announcement: (
            _("Announcement scheduled for %(when)s.")
            % {"when": timezone.localtime(announcement.send_at).strftime("%d/%m/%Y")}
        ),
    )
    return redirect(same_page(reverse("regulator:announcement_list"), request.GET))


@require_POST
@staff_required("regulator.manage_announcement")
def announcement_send(request, pk):
    call_with_messages(
        request,
        lambda: announcement_send_now(actor=actor_for_user(request.user), announcement_id=pk),
        lambda announcement: (
            _("%(count)s customers will receive the new notice.") % {"count": announcement.customers_told}
        ),
    )
    return redirect(same_page(reverse("regulator:announcement_list"), request.GET))


@require_POST
@staff_required("regulator.manage_announcement")
def announcement_retry(request, pk):
    call_with_messages(
        request,
        lambda: announcement_retry_service(actor=actor_for_user(request.user), announcement_id=pk),
        _("The announcement is back in the queue: the announcements job tries it again within the hour."),
    )
    return redirect(same_page(reverse("regulator:announcement_list"), request.GET))


@customer_required
def me_notice_changes(request, subject):
    upcoming = announcements_in_words(announcements_upcoming_for_subject(subject))
    return render(request, "regulator/me_notice_changes.html", {"upcoming": upcoming})
