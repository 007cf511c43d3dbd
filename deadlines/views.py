"""The DPO's page for the scheduled jobs: reminder thresholds and report times."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import staff_required
from core.actors import actor_for_user
from core.forms import call_with_messages
from deadlines import schedules
from deadlines.selectors import reminder_thresholds


class ThresholdForm(forms.Form):
    hours_before = forms.IntegerField(
        label=gettext_lazy("Hours before the deadline"), min_value=1, max_value=schedules.MAX_THRESHOLD_HOURS
    )


class ReportTimeForm(forms.Form):
    name = forms.ChoiceField(choices=list(schedules.REPORTS.items()), widget=forms.HiddenInput)
    hour = forms.IntegerField(label=gettext_lazy("Hour"), min_value=0, max_value=23)
    minute = forms.IntegerField(label=gettext_lazy("Minute"), min_value=0, max_value=59)


@staff_required("deadlines.manage_schedules")
def schedule_settings(request):
    threshold_form = ThresholdForm()
    if request.method == "POST":
        actor = actor_for_user(request.user)
        action = request.POST.get("action")
        if action == "add_threshold":
            threshold_form = ThresholdForm(request.POST)
            if threshold_form.is_valid() and call_with_messages(
                request,
                lambda: schedules.reminder_threshold_add(actor=actor, **threshold_form.cleaned_data),
                _("Reminder threshold saved."),
            ):
                return redirect("deadlines:schedules")
        elif action in ("enable_threshold", "disable_threshold"):
            try:
                threshold_id = int(request.POST.get("threshold", "0") or 0)
            except ValueError:
                messages.error(request, _("Check the values and try again."))
            else:
                if call_with_messages(
                    request,
                    lambda: schedules.reminder_threshold_set_active(
                        actor=actor, threshold_id=threshold_id, active=action == "enable_threshold"
                    ),
                    _("Reminder threshold saved."),
                ):
                    return redirect("deadlines:schedules")
        elif action == "report_time":
            form = ReportTimeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give an hour from 0 to 23 and a minute from 0 to 59."))
            elif call_with_messages(
                request,
                lambda: schedules.report_time_set(actor=actor, **form.cleaned_data),
                _("Report time saved; it applies from the next run."),
            ):
                return redirect("deadlines:schedules")
    return render(
        request,
        "deadlines/schedules.html",
        {
            "thresholds": reminder_thresholds(),
            "threshold_form": threshold_form,
            "reports": schedules.report_times(),
        },
    )
