"""Staff pages on customers: look-up, registration, and the customer page with every app's panels."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error, form_submit, form_submit_with_messages, form_succeeded
from core.navigation import registry
from integrations.form_once import posted_once
from subjects import services
from subjects.disclosure import subject_view
from subjects.forms import (
    AccessReasonForm,
    GuardianVerifyForm,
    RelationshipEndForm,
    RepresentativeForm,
    RepresentativeRevokeForm,
    SubjectCreateForm,
    SubjectSearchForm,
)
from subjects.representatives import representative_record, representative_revoke
from subjects.selectors import (
    former_customer_numbers,
    representatives_of,
    subject_by_id,
    subject_for_ref,
    subject_search,
)
from subjects.staff_records import own_record_refusal
from subjects.validators import age_on


@staff_required("subjects.view_datasubject")
def customer_lookup(request):
    # A POST: citizen IDs, phones and e-mails in a query string would land in access logs and history.
    form = SubjectSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid():
        results = list(subject_search(form.cleaned_data["q"])[:20])
        if len(results) == 1:
            return redirect("subjects:customer_detail", pk=results[0].pk)
        # A phone or e-mail a family shares matches several customers: their ages tell them apart, as the
        # customer page gives it beside masked values.
        today = timezone.localdate()
        for found in results:
            found.age = age_on(found.date_of_birth, today) if found.date_of_birth else None
    return render(request, "subjects/customer_lookup.html", {"form": form, "results": results})


@staff_required("subjects.view_datasubject")
def customer_detail(request, pk):
    """The customer page: personal values masked until the staff member gives a reason (need to know),
    which the audit entry of the view records."""
    subject = found_or_404(subject_by_id(pk))
    reason_form = AccessReasonForm(request.POST or None, subject=subject)
    reason = reason_form.reason_text() if request.method == "POST" and reason_form.is_valid() else None
    shown = subject_view(subject, user=request.user, context="portal.detail", reason=reason)
    revealed, personal = shown.revealed, shown.values(subject)
    panels = [
        {"template": p.template, **p.context(request, subject)}
        for p in registry.subject_panels
        if p.permission is None or request.user.has_perm(p.permission)
    ]
    age = age_on(subject.date_of_birth, timezone.localdate()) if subject.date_of_birth else None
    may_change = request.user.has_perm("subjects.change_datasubject")
    relationship_form = (
        RelationshipEndForm(initial={
            "relationship_ended_on": subject.relationship_ended_on, "deceased_on": subject.deceased_on,
        })
        if may_change
        else None
    )
    return render(request, "subjects/customer_detail.html", {
        "subject": subject, "personal": personal, "revealed": revealed, "reason_form": reason_form,
        "panels": panels, "age": age, "relationship_form": relationship_form,
        "may_verify_guardian": may_change, "former_numbers": former_customer_numbers(subject),
        # Said before any button the services would refuse: a colleague acts on this record.
        "own_record": own_record_refusal(actor_for_user(request.user), subject.pk),
    })


@staff_required("subjects.change_datasubject")
@posted_once
def guardian_verify(request, pk):
    """At the branch: record that the guardian's authority over this child was checked, with the document
    seen, through the service the API's `verify-guardian` calls (the same checks and audit entry)."""
    subject = found_or_404(subject_by_id(pk))
    form = GuardianVerifyForm(request.POST or None)
    if request.method == "POST" and form_submit(
        request, form,
        lambda: services.subject_guardian_verify(
            actor=actor_for_user(request.user), subject_id=subject.pk, **form.cleaned_data
        ),
        _("The guardian's authority is verified: they may now act for the child."),
    ):
        return redirect("subjects:customer_detail", pk=subject.pk)
    return render(request, "subjects/guardian_verify.html", {"subject": subject, "form": form})


@require_POST
@staff_required("subjects.change_datasubject")
def customer_relationship_end(request, pk):
    """Record (or clear) the end of the customer relationship and the customer's death, and correct a
    relationship registered by mistake, as an audited rectification."""
    form = RelationshipEndForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("subjects:customer_detail", pk=pk)
    try:
        services.subject_rectify(
            actor=actor_for_user(request.user), subject_id=pk,
            changes=form.cleaned_data,
            reason="portal.relationship_end",
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The relationship with the bank is recorded."))
    return redirect("subjects:customer_detail", pk=pk)


@staff_required("subjects.add_datasubject")
@posted_once
def customer_create(request):
    form = SubjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        guardian_ref = data.pop("guardian_ref")
        guardian = subject_for_ref(guardian_ref) if guardian_ref else None
        if guardian_ref and guardian is None:
            form.add_error("guardian_ref", _("No customer has this customer number."))
        else:
            try:
                subject = services.subject_create(
                    actor=actor_for_user(request.user), guardian=guardian, **data
                )
            except DomainError as error:
                form_error(form, error)
            else:
                form_succeeded(request, _("Customer registered."))
                return redirect("subjects:customer_detail", pk=subject.pk)
    return render(request, "subjects/customer_create.html", {"form": form})


@staff_required("subjects.change_datasubject")
@posted_once
def representatives(request, pk):
    """The adults who act for this customer on a documented authority (power of attorney, a court's
    appointment): listed with their period and scope, added from the document staff saw."""
    subject = found_or_404(subject_by_id(pk))
    # The page's two posts: the reason to see the representatives in full (need to know), or a new one.
    revealing = request.method == "POST" and "reason" in request.POST
    reason_form = AccessReasonForm(request.POST if revealing else None, subject=subject)
    form = RepresentativeForm(request.POST if request.method == "POST" and not revealing else None)
    if form.is_bound and form_submit(
        request, form,
        lambda: representative_record(actor=actor_for_user(request.user), subject_id=subject.pk,
                                      **form.cleaned_data),
        _("The representative is recorded."),
    ):
        return redirect("subjects:representatives", pk=subject.pk)
    reason = reason_form.reason_text() if revealing and reason_form.is_valid() else None
    shown = subject_view(subject, user=request.user, context="portal.representatives", reason=reason)
    return render(request, "subjects/representatives.html", {
        "subject": subject, "form": form, "reason_form": reason_form, "revealed": shown.revealed,
        "representatives": [
            (representative, shown.value("full_name", representative.full_name),
             shown.text(representative.document_reference))
            for representative in representatives_of(subject.pk)
        ],
        "revoke_form": RepresentativeRevokeForm(),
        "own_record": own_record_refusal(actor_for_user(request.user), subject.pk),
    })


@require_POST
@staff_required("subjects.change_datasubject")
def representative_revoke_page(request, pk, representative_pk):
    form = RepresentativeRevokeForm(request.POST)
    form_submit_with_messages(
        request, form,
        lambda: representative_revoke(
            actor=actor_for_user(request.user), subject_id=pk, representative_id=representative_pk,
            reason=form.cleaned_data["reason"],
        ),
        _("The representative's authority is revoked."),
    )
    return redirect("subjects:representatives", pk=pk)
