"""The DPO's page for the deadline policy table and the working-day calendar."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.forms import call_with_messages, form_submit, form_submit_with_messages
from deadlines.selectors import calendar_days, policy_row_by_id, policy_rows, policy_rows_looser_than_law
from deadlines.wording import period_in_words
from dsr.forms import CalendarDayForm, DeadlinePolicyForm
from dsr.services import policy as policy_services


@staff_required("deadlines.view_deadlinepolicy")
def policy(request):
    looser = policy_rows_looser_than_law()
    context = {
        "rows": [{"policy": row, "looser_than_law": looser.get(row.pk, [])} for row in policy_rows()],
        "looser_than_law": [finding for findings in looser.values() for finding in findings],
        "days": calendar_days(),
        "day_form": CalendarDayForm(),
    }
    return render(request, "dsr/policy.html", context)


@staff_required("deadlines.change_deadlinepolicy")
def policy_edit(request, pk):
    row = found_or_404(policy_row_by_id(pk))
    # The form gets its own copy: validation writes the posted values into its instance, and the page
    # shows the row as saved.
    form = DeadlinePolicyForm(request.POST or None, instance=policy_row_by_id(pk))
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: policy_services.deadline_policy_update(
            actor=actor_for_user(request.user),
            policy_id=pk,
            changes={f: form.cleaned_data[f] for f in form.changed_data},
        ),
        _policy_saved,
    ):
        return redirect("dsr:policy")
    return render(request, "dsr/policy_edit.html", {"form": form, "row": row})


def _policy_saved(row) -> str:
    message = _(
        "Policy saved: “%(type)s” under “%(regime)s”, %(period)s from now on; new requests follow it."
    )
    return message % {
        "type": row.get_request_type_display(),
        "regime": row.get_regime_display(),
        "period": period_in_words(row.period, row.unit),
    }


@require_POST
@staff_required("deadlines.change_calendarday")
def calendar_add(request):
    form = CalendarDayForm(request.POST)
    form_submit_with_messages(
        request,
        form,
        lambda: policy_services.calendar_day_set(
            actor=actor_for_user(request.user),
            day=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
        ),
        _("Calendar saved."),
    )
    return redirect("dsr:policy")


@require_POST
@staff_required("deadlines.change_calendarday")
def calendar_remove(request, pk):
    call_with_messages(
        request,
        lambda: policy_services.calendar_day_remove(actor=actor_for_user(request.user), day_id=pk),
        _("Calendar saved."),
    )
    return redirect("dsr:policy")
