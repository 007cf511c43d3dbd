"""Staff pages for the customer in front of them: the consent panel, recording, withdrawal, receipts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from consents import selectors, services
from consents.forms import (
    StaffGrantForm,
    WithdrawForm,
)
from consents.models import ConsentStatus
from consents.views.customer import consequences, receipt_response
from core.access import staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from subjects.models import DataSubject
from subjects.selectors import subject_for_ref


def subject_panel_context(request, subject: DataSubject) -> dict:
    """The consent section of the staff customer page (registered as a subject panel)."""
    states = selectors.consent_states_for_subject(subject)
    return {
        "consent_subject": subject,
        "consent_events": list(selectors.consent_timeline(subject)[:50]),
        "consent_live": [s for s in states.values() if s.status == ConsentStatus.GRANTED],
        "consent_restrictions": list(selectors.restrictions_in_force(subject)),
        "can_record": request.user.has_perm("consents.add_consent"),
    }


@staff_required("consents.add_consent")
def staff_grant(request, pk):
    """Record a consent given in front of staff: the page shows each purpose's notice in force, the
    script to read on the phone or the form to print and hand over, and records the version chosen."""
    subject = DataSubject.objects.filter(pk=pk).first()
    if subject is None:
        raise Http404
    notices = selectors.notices_in_force_for_consent(now=timezone.now())
    form = StaffGrantForm(request.POST or None, notices=notices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guardian = None
        if data["guardian_ref"]:
            guardian = subject_for_ref(data["guardian_ref"])
            if guardian is None:
                form.add_error("guardian_ref", _("No customer has this customer number."))
        if not form.errors:
            try:
                consent = services.consent_grant(
                    actor=actor_for_user(request.user),
                    request=services.GrantRequest(
                        subject=subject,
                        purpose=data["notice"].purpose,
                        notice_version=data["notice"].version,
                        channel=data["channel"],
                        evidence=data["evidence"],
                        guardian=guardian,
                        sensitive_acknowledged=data["sensitive_acknowledged"],
                        child_agreed=data["child_agreed"],
                        child_evidence=data["child_evidence"],
                    ),
                )
            except DomainError as error:
                form_names = {"guardian": "guardian_ref", "notice_version": "notice"}
                form_error(form, error, field=form_names.get(error.field))
            else:
                messages.success(request, _("Consent recorded. Give the customer the receipt."))
                return redirect("consents:staff_receipt", pk=consent.pk)
    return render(
        request, "consents/staff_grant.html", {"subject": subject, "form": form, "notices": notices}
    )


@staff_required("consents.change_consent")
def staff_withdraw(request, pk):
    consent = selectors.consent_list().filter(pk=pk).first()
    if consent is None:
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=actor_for_user(request.user), consent_id=consent.pk, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Consent withdrawn. The recipients have been told to stop."))
        return redirect("subjects:customer_detail", pk=consent.subject_id)
    return render(
        request,
        "consents/staff_withdraw.html",
        {"consent": consent, "form": form, "consequences": consequences(consent.purpose)},
    )


@staff_required("consents.view_consent")
def staff_receipt(request, pk):
    consent = selectors.consent_list().filter(pk=pk).first()
    if consent is None:
        raise Http404
    return receipt_response(request, consent, base="portal/base.html")
