"""The DPO's register of disclosures to competent authorities on the customer page: recorded here through
`dsr.services.authority_disclosure_record`; the auditor reads them in the audit trail."""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.forms import form_submit_with_messages
from dsr import services
from dsr.disclosure_forms import AuthorityDisclosureForm
from integrations.form_once import posted_once


@require_POST
@staff_required("dsr.add_authoritydisclosure")
@posted_once
def authority_disclosure_new(request, pk):
    form = AuthorityDisclosureForm(request.POST)
    form_submit_with_messages(
        request, form,
        lambda: services.authority_disclosure_record(actor=actor_for_user(request.user), subject_id=pk,
                                                     **form.cleaned_data),
        _("The disclosure to the authority is recorded. The customer is not told of it."),
    )
    return redirect("subjects:customer_detail", pk=pk)
