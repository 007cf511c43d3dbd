"""The customer's pages: my requests with status and deadline, a new request, the answer and my data."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import customer_required, found_or_404, subject_for_user
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import call_with_messages, form_error, form_succeeded
from deadlines.models import RequestType
from dsr import services
from dsr.forms import ContactCodeForm, CustomerReplyForm, CustomerRequestForm
from dsr.models import CORRECTION_TYPES, PURPOSE_TYPES, Channel
from dsr.selectors import (
    CODE_ATTEMPTS_EXHAUSTED,
    CODE_OFFERED,
    CODE_PHONE_CHANGED,
    SELF_SERVICE_IDENTITY_STEPS,
    customer_identity_code_step,
    customer_identity_step_offered,
    deletion_records,
    holds_for_request,
    identity_check_lapsed,
    request_allowed_actions,
    request_answer_contestable,
    request_challenged,
    request_customer_history,
    request_filer,
    request_not_covered,
    request_purposes_named,
    request_recipients_told,
    request_timeframes,
    requests_listed_for_customer,
    restriction_lifted_by_cancel,
    subject_request_by_id,
    withdrawal_of_all_explained,
    withdrawals_explained,
)
from dsr.views.common import attachment, deadline_tone
from dsr.views.request_page import has_export
from integrations.form_once import posted_once


@customer_required
def my_requests(request, subject):
    now = timezone.now()
    rows = [{"obj": r, "tone": deadline_tone(r, now)} for r in requests_listed_for_customer(subject)[:100]]
    return render(request, "dsr/me_list.html", {"rows": rows, "now": now})


@customer_required
@posted_once
def new_request(request, subject):
    # From a purpose's "Object to this processing": the objection names that purpose, not every one.
    initial = {"type": request.GET.get("type", ""), "purposes": request.GET.getlist("purpose")}
    # From a refused answer's "Send a complaint": the complaint starts by naming the request it challenges.
    challenged = request_challenged(subject, request.GET.get("about"))
    if challenged is not None:
        initial["details"] = _("About the answer to my request %(reference)s: ") % {
            "reference": challenged.reference
        }
    form = CustomerRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        corrections = form.corrections()
        if corrections and data["type"] != RequestType.RECTIFY:
            form.add_error("type", _("Corrected details go with a rectification request."))
        else:
            try:
                created = services.request_create(
                    actor=actor_for_user(request.user),
                    **request_filer(subject, type=data["type"], challenged=challenged),
                    channel=Channel.INTERNET_BANKING,
                    on_repeat=services.Repeat.REFUSE,
                    **form.request_fields(),
                )
            except DomainError as error:
                form_error(form, error)
            else:
                form_succeeded(
                    request,
                    _(
                        "We have received your request. We verify your identity first: below, ask for a "
                        "code to the phone number registered with the bank and type it here."
                    ),
                )
                return redirect("dsr:me_detail", pk=created.pk)
    return render(
        request,
        "dsr/me_new.html",
        {
            "form": form,
            "timeframes": request_timeframes(),
            "identity_steps": SELF_SERVICE_IDENTITY_STEPS,
            # The fields that belong to some request types only, shown for those (dsr/disclose.js).
            "purpose_types": " ".join(PURPOSE_TYPES),
            "correction_types": " ".join(CORRECTION_TYPES),
            # The consequences explained first, shown with the withdrawal (domain notes).
            "withdraw_type": RequestType.WITHDRAW,
            "withdrawals": withdrawals_explained(subject),
            "withdraw_all_ends": withdrawal_of_all_explained(subject),
        },
    )


def _own(subject, pk):
    return found_or_404(subject_request_by_id(subject, pk))


@customer_required
def my_request(request, subject, pk):
    return _detail_page(request, _own(subject, pk))


def _detail_page(request, found, *, reply_form=None, code_form=None, status=200):
    now = timezone.now()
    code_step = customer_identity_code_step(found, subject_for_user(request.user), now=now)
    actions = request_allowed_actions(found, request.user, now=now)
    context = {
        "req": found,
        "tone": deadline_tone(found, now),
        "now": now,
        "holds": holds_for_request(found),
        "not_covered": request_not_covered(found),
        "purposes": request_purposes_named(found),
        "deleted": deletion_records(found),
        "recipients_told": request_recipients_told(found, now=now),
        "export": found.export if has_export(found) else None,
        "can_cancel": "cancel" in actions,
        "contestable": request_answer_contestable(found),
        "history": request_customer_history(found),
        # Until the bank has checked who asks, that check is the customer's next step.
        "identity_steps": SELF_SERVICE_IDENTITY_STEPS
        if customer_identity_step_offered(found, now=now)
        else (),
        "reply_form": (reply_form or CustomerReplyForm()) if "reply" in actions else None,
        # The requester types the code sent to their registered phone here, never to someone who calls.
        "code_form": (code_form or ContactCodeForm()) if code_step == CODE_OFFERED else None,
        "code_phone_changed": code_step == CODE_PHONE_CHANGED,
        "code_attempts_exhausted": code_step == CODE_ATTEMPTS_EXHAUSTED,
        "identity_lapsed": identity_check_lapsed(found),
        # A refused answer is shown at the reply's address, which takes POST only: the page names its
        # own, for the address bar and the language switch (js/behaviours.js, partials/lang_switch.html).
        "page_url": reverse("dsr:me_detail", args=[found.pk]) if request.method == "POST" else "",
    }
    return render(request, "dsr/me_detail.html", context, status=status)


@customer_required
@require_POST
@posted_once
def reply(request, subject, pk):
    """The customer answers the bank's question; the request goes back to work."""
    found = _own(subject, pk)
    form = CustomerReplyForm(request.POST)
    if form.is_valid():
        try:
            services.request_customer_reply(
                actor=actor_for_user(request.user), request_id=found.pk, subject=subject,
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            if error.status != 409:
                form_error(form, error)
                return _detail_page(request, found, reply_form=form, status=400)
            messages.info(request, error.text)
        else:
            form_succeeded(
                request,
                _("Thank you: your answer has been sent to the bank, which resumes work on your request."),
            )
        return redirect("dsr:me_detail", pk=found.pk)
    return _detail_page(request, found, reply_form=form, status=400)


@customer_required
@require_POST
@posted_once
def identity_code_send(request, subject, pk):
    """Send the requester a code to the phone on their record, to type on this page."""
    found = _own(subject, pk)
    call_with_messages(
        request,
        lambda: services.request_identity_code_send_by_customer(
            actor=actor_for_user(request.user), request_id=found.pk, subject=subject
        ),
        _("We sent a code to the phone number registered with the bank. Type it below."),
    )
    return redirect("dsr:me_detail", pk=found.pk)


@customer_required
@require_POST
@posted_once
def identity_verify(request, subject, pk):
    """Check the code the requester typed; a wrong one is counted and shown on the page again."""
    found = _own(subject, pk)
    form = ContactCodeForm(request.POST)
    if form.is_valid():
        try:
            services.request_verify_identity_by_customer(
                actor=actor_for_user(request.user), request_id=found.pk, subject=subject,
                code=form.cleaned_data["code"],
            )
        except DomainError as error:
            if error.status != 400:
                messages.error(request, error.text)
                return redirect("dsr:me_detail", pk=found.pk)
            form.add_error("code", error.text)
        else:
            form_succeeded(
                request, _("Thank you: your identity is verified and we are working on your request.")
            )
            return redirect("dsr:me_detail", pk=found.pk)
    return _detail_page(request, found, code_form=form, status=400)


@customer_required
def cancel(request, subject, pk):
    """Cancelling asks first: the page says what cancelling means; its button posts `confirmed`."""
    found = _own(subject, pk)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        call_with_messages(
            request,
            lambda: services.request_cancel(actor=actor_for_user(request.user), request_id=found.pk),
            _("Your request is cancelled."),
        )
        return redirect("dsr:me_detail", pk=found.pk)
    if "cancel" not in request_allowed_actions(found, request.user):
        messages.info(request, _("This request can no longer be cancelled."))
        return redirect("dsr:me_detail", pk=found.pk)
    return render(
        request, "dsr/me_cancel.html", {"req": found, "lifts": restriction_lifted_by_cancel(found)}
    )


@customer_required
def download(request, subject, pk, fmt):
    found = _own(subject, pk)
    try:
        result = services.export_download(actor=actor_for_user(request.user), request=found, format=fmt)
    except DomainError as error:
        messages.error(request, error.text)
        return redirect("dsr:me_detail", pk=found.pk)
    return attachment(result)
