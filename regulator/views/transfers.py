"""A foreign recipient's transfers: the customers whose consent to send their data to it was in force during
a period, and the transfer dossier each rests on (DPO and auditor). Every page shown is a view of those
customers' data, audited as such."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from consents.selectors import consents_transferring_to, recipient_by_id
from core.access import found_or_404, staff_required
from core.paging import offset_page
from deadlines.policy import local_midnight
from regulator.forms import TransferPeriodForm
from regulator.selectors import transfer_dossiers_of
from subjects.disclosure import subject_view

PAGE_SIZE = 50
# The period shown before the DPO chooses one: the last 30 days.
DEFAULT_DAYS = 30


@staff_required("regulator.view_dossier")
def recipient_transfers(request, pk):
    recipient = found_or_404(recipient_by_id(pk))
    today = timezone.localdate()
    asked = request.GET if "since" in request.GET or "until" in request.GET else {
        "since": (today - timedelta(days=DEFAULT_DAYS)).isoformat(), "until": today.isoformat()
    }
    form = TransferPeriodForm(asked)
    context = {"recipient": recipient, "form": form, "page": None, "rows": []}
    if not form.is_valid():
        return render(request, "regulator/recipient_transfers.html", context, status=400)
    since = local_midnight(form.cleaned_data["since"])
    until = local_midnight(form.cleaned_data["until"] + timedelta(days=1))
    page = offset_page(consents_transferring_to(recipient, since=since, until=until), params=request.GET,
                       size=PAGE_SIZE)
    if page.rows:
        subject_view([consent.subject for consent in page.rows], user=request.user,
                     context="portal.recipient_transfers", one_customer=False)
    dossiers = transfer_dossiers_of(recipient)
    context.update(page=page, rows=[(consent, dossiers.get(consent.purpose_id)) for consent in page.rows])
    return render(request, "regulator/recipient_transfers.html", context)
