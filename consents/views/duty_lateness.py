"""Staff record why a recipient confirmed its duty late, from the notices page."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consents import services
from consents.forms import LateReasonForm
from core.access import staff_required
from core.actors import actor_for_user
from core.forms import form_submit_with_messages


@staff_required("consents.acknowledge_withdrawalduty")
@require_POST
def duty_late_reason(request, pk):
    """Every refusal (empty, not late, no such duty) is a message on the notices page it came from."""
    form = LateReasonForm(request.POST)
    form_submit_with_messages(
        request,
        form,
        lambda: services.duty_late_reason_record(
            actor=actor_for_user(request.user), duty_id=pk, reason=form.cleaned_data["late_reason"]
        ),
        _("Reason for the late confirmation recorded."),
    )
    return redirect("consents:duty_list")
