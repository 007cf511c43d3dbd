"""The DPO's register of disclosures to competent authorities on the customer page: recorded here through
`dsr.services.authority_disclosure_record`; the auditor reads them in the audit trail, and the customer's
access export lists those the DPO marked as theirs to be told of."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.forms import form_submit_with_messages
from dsr import services
from dsr.disclosure_forms import AuthorityDisclosureForm
from dsr.models import AuthorityDisclosure
from integrations.form_once import posted_once


def _told_or_not(disclosure: AuthorityDisclosure) -> str:
    if disclosure.customer_may_be_told:
        return str(_("The disclosure to the authority is recorded. The customer's data export lists it."))
    return str(_("The disclosure to the authority is recorded. The customer is not told of it."))


@require_POST
@staff_required("dsr.add_authoritydisclosure")
@posted_once
def authority_disclosure_new(request, pk):
    form = AuthorityDisclosureForm(request.POST)
    form_submit_with_messages(
        request, form,
        lambda: services.authority_disclosure_record(actor=actor_for_user(request.user), subject_id=pk,
                                                     **form.cleaned_data),
        _told_or_not,
    )
    return redirect("subjects:customer_detail", pk=pk)
