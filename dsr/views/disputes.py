"""The DPO's holds for a dispute on the customer page: recorded and lifted here, each through its service
(`dsr.services.disputes`); privacy officers and the auditor read them in the page's panel."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.forms import form_submit_with_messages
from dsr import services
from dsr.dispute_forms import DisputeHoldForm, DisputeLiftForm
from integrations.form_once import posted_once


@require_POST
@staff_required("dsr.add_disputehold")
@posted_once
def dispute_hold_new(request, pk):
    form = DisputeHoldForm(request.POST)
    form_submit_with_messages(
        request, form,
        lambda: services.dispute_hold_record(actor=actor_for_user(request.user), subject_id=pk,
                                             **form.cleaned_data),
        _("The customer's held data is kept for the dispute: the nightly release leaves it until the hold "
          "ends or is lifted."),
    )
    return redirect("subjects:customer_detail", pk=pk)


@require_POST
@staff_required("dsr.change_disputehold")
@posted_once
def dispute_hold_lift(request, pk, dispute_pk):
    form = DisputeLiftForm(request.POST)
    form_submit_with_messages(
        request, form,
        lambda: services.dispute_hold_lift(actor=actor_for_user(request.user), dispute_id=dispute_pk,
                                           reason=form.cleaned_data["reason"]),
        _("The hold for the dispute is lifted: held data past its last day goes at the next nightly run."),
    )
    return redirect("subjects:customer_detail", pk=pk)
