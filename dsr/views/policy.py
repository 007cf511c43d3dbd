"""The DPO's page for the deadline policy table and the working-day calendar."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from deadlines.selectors import calendar_days, policy_row_by_id, policy_rows
from dsr.forms import CalendarDayForm, DeadlinePolicyForm
from dsr.services import policy as policy_services


@staff_required("deadlines.view_deadlinepolicy")
def policy(request):
    context = {"rows": policy_rows(), "days": calendar_days(), "day_form": CalendarDayForm()}
    return render(request, "dsr/policy.html", context)


@staff_required("deadlines.change_deadlinepolicy")
def policy_edit(request, pk):
    row = found_or_404(policy_row_by_id(pk))
    # The form gets its own copy: validation writes the posted values into its instance, and the page
    # shows the row as saved.
    form = DeadlinePolicyForm(request.POST or None, instance=policy_row_by_id(pk))
    if request.method == "POST" and form.is_valid():
        try:
            policy_services.deadline_policy_update(
                actor=actor_for_user(request.user),
                policy_id=pk,
                changes={f: form.cleaned_data[f] for f in form.changed_data},
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Policy saved; new requests follow it."))
            return redirect("dsr:policy")
    return render(request, "dsr/policy_edit.html", {"form": form, "row": row})


@require_POST
@staff_required("deadlines.change_calendarday")
def calendar_add(request):
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dsr:policy")
    try:
        policy_services.calendar_day_set(
            actor=actor_for_user(request.user),
            day=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Calendar saved."))
    return redirect("dsr:policy")


@require_POST
@staff_required("deadlines.change_calendarday")
def calendar_remove(request, pk):
    try:
        policy_services.calendar_day_remove(actor=actor_for_user(request.user), day_id=pk)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Calendar saved."))
    return redirect("dsr:policy")
