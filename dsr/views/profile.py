"""The customer's own details: update phone, e-mail and address; confirm a new phone or e-mail by code."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import customer_required
from core.actors import actor_for_user
from core.errors import DomainError, NotFound
from core.forms import form_error, form_errors_as_messages
from dsr.forms import ContactCodeForm, ProfileForm
from dsr.models import ContactField
from dsr.selectors import contact_changes_pending
from dsr.services.profile import address_update, contact_change_confirm, contact_change_start


def _page(request, subject, *, form=None, code_forms=None, status=200):
    pending = contact_changes_pending(subject)
    code_forms = code_forms or {}
    rows = [
        {"change": change, "form": code_forms.get(change.pk) or ContactCodeForm(prefix=str(change.pk))}
        for change in pending
    ]
    form = form or ProfileForm(initial={"phone": subject.phone, "email": subject.email,
                                        "address": subject.address})
    return render(request, "dsr/me_profile.html",
                  {"subject": subject, "form": form, "pending": rows}, status=status)


@customer_required
def me_profile(request, subject):
    if request.method != "POST":
        return _page(request, subject)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _page(request, subject, form=form)
    actor = actor_for_user(request.user)
    data = form.cleaned_data
    changed = False
    for field in ContactField.values:
        value = data[field].strip()
        if value and value != getattr(subject, field):
            try:
                contact_change_start(actor=actor, subject=subject, field=field, value=value)
            except DomainError as error:
                form_error(form, error)
            else:
                changed = True
    if data["address"].strip() and data["address"].strip() != subject.address:
        try:
            address_update(actor=actor, subject=subject, address=data["address"])
        except DomainError as error:
            form_error(form, error)
        else:
            changed = True
            messages.success(request, _("Your address is updated."))
    if form.errors:
        return _page(request, subject, form=form)
    if not changed:
        messages.info(request, _("Nothing changed."))
    elif contact_changes_pending(subject):
        messages.info(request, _("We sent a code to your new contact details. Enter it below to confirm."))
    return redirect("dsr:me_profile")


@require_POST
@customer_required
def me_profile_confirm(request, subject, pk):
    form = ContactCodeForm(request.POST, prefix=str(pk))
    if form.is_valid():
        try:
            contact_change_confirm(
                actor=actor_for_user(request.user), subject=subject, change_id=pk,
                code=form.cleaned_data["code"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Confirmed: your details are updated."))
            return redirect("dsr:me_profile")
    if pk not in {c.pk for c in contact_changes_pending(subject)}:
        # The change is gone (expired, too many wrong codes): its form is no longer shown.
        form_errors_as_messages(request, form)
        return redirect("dsr:me_profile")
    return _page(request, subject, code_forms={pk: form}, status=400)
