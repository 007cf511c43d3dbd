"""The DPO's page for the deadline policy table and the working-day calendar."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from deadlines.models import CalendarDay, DeadlinePolicy
from dsr.forms import CalendarDayForm, DeadlinePolicyForm
from dsr.services import policy as policy_services
from dsr.views.common import run, submit


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
    submit(
        request,
        CalendarDayForm(request.POST),
        lambda data: policy_services.calendar_day_set(
            actor=actor_for_user(request.user), day=data["date"], kind=data["kind"], name=data["name"]
        ),
        _("Calendar saved."),
    )
    return redirect("dsr:policy")


@require_POST
@staff_required("deadlines.change_calendarday")
def calendar_remove(request, pk):
    run(
        request,
        lambda: policy_services.calendar_day_remove(actor=actor_for_user(request.user), day_id=pk),
        _("Calendar saved."),
    )
    return redirect("dsr:policy")
