"""The DPO's page for the deadline policy table and the working-day calendar."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.forms import call_with_messages, form_submit, form_submit_with_messages
from deadlines.models import CalendarDay, DeadlinePolicy
from dsr.forms import CalendarDayForm, DeadlinePolicyForm
from dsr.services import policy as policy_services


@staff_required("deadlines.view_deadlinepolicy")
def policy(request):
    rows = DeadlinePolicy.objects.all().order_by("regime", "request_type", "effective_from")
    days = CalendarDay.objects.all().order_by("date")
    return render(request, "dsr/policy.html", {"rows": rows, "days": days, "day_form": CalendarDayForm()})


@staff_required("deadlines.change_deadlinepolicy")
def policy_edit(request, pk):
    row = DeadlinePolicy.objects.filter(pk=pk).first()
    if row is None:
        raise Http404
    form = DeadlinePolicyForm(request.POST or None, instance=DeadlinePolicy.objects.get(pk=pk))
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: policy_services.deadline_policy_update(
            actor=actor_for_user(request.user),
            policy_id=pk,
            changes={f: form.cleaned_data[f] for f in form.changed_data},
        ),
        _("Policy saved; new requests follow it."),
    ):
        return redirect("dsr:policy")
    return render(request, "dsr/policy_edit.html", {"form": form, "row": row})


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
