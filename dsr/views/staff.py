"""Staff pages: intake in a branch or call centre, and the request page with actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.languages import language_for_subject
from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import call_with_messages, form_error, form_submit, form_submit_with_messages, form_succeeded
from deadlines.models import RequestType
from dsr import services
from dsr.forms import (
    AssignForm,
    CancelForm,
    CompleteForm,
    ExtendForm,
    LiftForm,
    NoteForm,
    OverdueReasonForm,
    ReasonForm,
    StaffIntakeForm,
    TaskDoneForm,
)
from dsr.identity_forms import VerifyIdentityForm
from dsr.models import CORRECTION_TYPES, PURPOSE_TYPES
from dsr.selectors import (
    identity_document_needs_visit,
    identity_methods_recordable,
    request_allowed_actions,
    request_detail,
    request_for_work_check,
    request_identity_verified,
    request_purposes_named,
    request_work_check,
    restriction_lifted_by_cancel,
    visible_request_by_id,
    withdrawals_read_out,
    work_staff,
)
from dsr.states import RequestStatus
from dsr.views.common import attachment
from dsr.views.request_page import ACTION_FORMS, ACTION_NAMES, FINAL_ACTIONS, form_ids, request_page
from integrations.form_once import posted_once
from subjects.selectors import guardian_to_verify, subject_for_ref


@staff_required("dsr.add_datasubjectrequest")
@posted_once
def intake(request):
    form = StaffIntakeForm(request.POST or None, initial={"subject_ref": request.GET.get("subject", "")})
    subject = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = subject_for_ref(data["subject_ref"])
        guardian = (
            subject_for_ref(data["guardian_ref"])
            if data["guardian_ref"]
            else None
        )
        if subject is None:
            form.add_error("subject_ref", _("No customer has this customer number."))
        elif data["guardian_ref"] and guardian is None:
            form.add_error("guardian_ref", _("No customer has this customer number."))
        else:
            try:
                created = services.request_create(
                    actor=actor_for_user(request.user),
                    subject=subject,
                    channel=data["channel"],
                    guardian=guardian,
                    representative_id_number=data["representative_id_number"],
                    received_at=services.received_on_moment(data["received_on"]),
                    on_repeat=services.Repeat.RECORD if data["repeat_confirmed"] else services.Repeat.REFUSE,
                    **form.request_fields(),
                )
            except DomainError as error:
                form_error(form, error, field=_INTAKE_FIELD_OF.get(error.field or ""))
            else:
                form_succeeded(
                    request,
                    _("Request received; both clocks have started. Give the customer the receipt: %(ref)s")
                    % {"ref": created.reference},
                )
                return redirect("dsr:receipt", pk=created.pk)
    whose = subject if subject is not None else _intake_subject(form)
    read_out = withdrawals_read_out(whose)
    return render(request, "dsr/intake.html", {
        "form": form, "by_type": INTAKE_FIELDS_BY_TYPE,
        # A refusal the child's unverified guardian caused comes with the way to verify them.
        "guardian_to_verify": guardian_to_verify(subject, user=request.user) if form.errors else None,
        # What withdrawing means for this customer, for the officer to read out before saving a
        # withdrawal (domain notes: consequences explained first), in the customer's language.
        "withdraw_type": RequestType.WITHDRAW,
        "withdrawals": read_out.withdrawals,
        "withdraw_all_ends": read_out.all_ends,
        "withdraw_language": read_out.language,
        "whose_unknown": whose is None,
    })


def _intake_subject(form):
    """The customer the intake page was given, if that number is a customer's: the one posted, or the
    customer page's link (`?subject=`)."""
    ref = (form["subject_ref"].value() or "").strip()
    return subject_for_ref(ref) if ref else None


# The service's names for what the intake page asks differently: the day of receipt rather than its
# moment, a guardian's customer number rather than the guardian.
_INTAKE_FIELD_OF = {"received_at": "received_on", "guardian": "guardian_ref"}

# The intake fields that belong to some request types only (the service refuses them for the others).
INTAKE_FIELDS_BY_TYPE = {
    "purposes": " ".join(PURPOSE_TYPES),
    "new_phone": " ".join(CORRECTION_TYPES),
    "new_email": " ".join(CORRECTION_TYPES),
    "new_address": " ".join(CORRECTION_TYPES),
    "remove_phone": " ".join(CORRECTION_TYPES),
    "remove_email": " ".join(CORRECTION_TYPES),
}


@staff_required("dsr.view_datasubjectrequest")
def detail(request, pk):
    # Only this address takes the reveal form's post; an action posts to `act` and never binds it.
    return request_page(request, pk, reveal_post=request.POST if request.method == "POST" else None)


@staff_required("dsr.view_datasubjectrequest")
def receipt(request, pk):
    """A printable receipt to hand the customer, in their language: the reference, what was asked, when it
    was received, the date the answer is due by, and how identity is (or was) verified."""
    found = request_detail(pk)
    if found is None:
        raise Http404
    # Handed over or read out: in the customer's language, whatever the portal's; the purposes' names too,
    # which are read when named.
    customer_language = language_for_subject(found.subject)
    with translation.override(customer_language):
        purposes = request_purposes_named(found)
    return render(
        request,
        "dsr/receipt.html",
        {
            "req": found,
            "purposes": purposes,
            "controller": settings.BANK_NAME,
            "customer_language": customer_language,
        },
    )


@require_POST
@staff_required("dsr.work_request")
def act(request, pk, action):
    """Every staff action on the request page posts here; each calls exactly one service."""
    actor = actor_for_user(request.user)
    found = found_or_404(request_for_work_check(request.user, pk))
    try:
        request_work_check(request.user, found)
    except DomainError as error:
        raise PermissionDenied(error.text) from None
    handlers = {
        "acknowledge": (
            None,
            lambda d: services.request_acknowledge(actor=actor, request_id=pk),
            _("Request acknowledged."),
        ),
        "send_code": (
            None,
            lambda d: services.request_identity_otp_send(actor=actor, request_id=pk),
            _("A code was sent to the phone on the customer record; type it in below."),
        ),
        "assign": (
            AssignForm,
            lambda d: services.request_assign(actor=actor, request_id=pk, assignee=d["assignee"]),
            _("Assignment saved."),
        ),
        "pause": (
            NoteForm,
            lambda d: services.request_transition(
                actor=actor, request_id=pk, to=RequestStatus.AWAITING_CUSTOMER, note=d["note"]
            ),
            _("Waiting for the customer; the clock is paused where the policy allows."),
        ),
        "resume": (None, lambda d: _resume(actor, pk), _("Work resumed; the clock runs again.")),
        "extend": (
            ExtendForm,
            lambda d: services.request_extend(actor=actor, request_id=pk, note=d["note"]),
            _("Deadline extended."),
        ),
        "complete": (
            CompleteForm,
            lambda d: services.request_complete(actor=actor, request_id=pk, **d),
            _("Request answered."),
        ),
        "approve": (
            None,
            lambda d: services.request_approve(actor=actor, request_id=pk),
            _("Deletion approved; another staff member completes it."),
        ),
        "overdue_reason": (
            OverdueReasonForm,
            lambda d: services.request_overdue_reason_record(actor=actor, request_id=pk, reason=d["reason"]),
            _("Reason for the delay recorded."),
        ),
        "lift": (
            LiftForm,
            lambda d: services.request_restriction_lift(actor=actor, request_id=pk, **d),
            _("Restriction lifted."),
        ),
        "reject": (
            ReasonForm,
            lambda d: services.request_reject(actor=actor, request_id=pk, **d),
            _("Request refused; the customer sees the reason."),
        ),
        "cancel": (
            CancelForm,
            lambda d: services.request_cancel(actor=actor, request_id=pk, **d),
            _cancelled(restriction_lifted_by_cancel(found) if action == "cancel" else []),
        ),
    }
    if action == "verify":
        return _verify(request, found, actor)
    if action not in handlers:
        raise Http404
    form_class, call, success = handlers[action]
    if form_class is None:
        # Nothing typed to keep: a refusal is a message on the request page, as before.
        call_with_messages(request, lambda: call({}), success)
        if action == "send_code":
            return redirect(f"{reverse('dsr:detail', kwargs={'pk': pk})}?method=otp_phone#identity")
        return redirect("dsr:detail", pk=pk)
    kwargs = {}
    if form_class is AssignForm:
        kwargs = {"staff_queryset": work_staff()}
    elif issubclass(form_class, ReasonForm):
        kwargs = {"for_request": found}
    form = form_class(request.POST, auto_id=form_ids(action), **kwargs)
    if action in ACTION_NAMES and action not in request_allowed_actions(found, request.user):
        # The page no longer offers this action (another person moved the request on): no form to
        # show the refusal on, so it is a message on the request page.
        form_submit_with_messages(request, form, lambda: call(form.cleaned_data), success)
        return redirect("dsr:detail", pk=pk)
    editing = "edit" in request.POST  # "Back: change the answer" from the confirmation
    if action in FINAL_ACTIONS and (request.POST.get("confirmed") != "1" or editing):
        # A final act asks first: the page comes back with the form as typed and a confirmation.
        if form.is_valid() and not editing:
            return request_page(request, pk, failed={ACTION_FORMS[action]: form}, confirm=action)
        status = 400 if form.errors else 200
        return request_page(request, pk, failed={ACTION_FORMS[action]: form}, status=status)
    if form_submit(request, form, lambda: call(form.cleaned_data), success):
        return redirect("dsr:detail", pk=pk)
    return request_page(request, pk, failed={ACTION_FORMS[action]: form}, status=400)


def _verify(request, found, actor):
    """On a refused check the page comes back with the method and values the officer chose."""
    pk = found.pk
    form = VerifyIdentityForm(
        request.POST,
        auto_id=form_ids("verify"),
        needs_visit=identity_document_needs_visit(found),
        methods=identity_methods_recordable(found, actor),
    )
    if form_submit(
        request,
        form,
        lambda: services.request_verify_identity(actor=actor, request_id=pk, **form.cleaned_data),
        _("Identity verified; the work has started."),
    ):
        return redirect("dsr:detail", pk=pk)
    return request_page(request, pk, failed={"verify_form": form}, status=400)


def _cancelled(lifts: list[str]) -> str:
    """What the cancellation did, naming what it lifted (read before it, as the confirmation said it)."""
    if not lifts:
        return _("Request cancelled at the customer's request.")
    return _(
        "Request cancelled at the customer's request. The protection it put in force is lifted: the bank "
        "and the partners told to stop may use the data again for: %(purposes)s."
    ) % {"purposes": ", ".join(lifts)}


def _resume(actor, pk):
    # Back to where the work stood: identity still to check, or the work itself.
    target = RequestStatus.IN_PROGRESS if request_identity_verified(pk) else RequestStatus.VERIFYING_IDENTITY
    return services.request_transition(actor=actor, request_id=pk, to=target)


@require_POST
@staff_required("dsr.change_fulfilmenttask")
def task_done(request, pk, task_id):
    form = TaskDoneForm(request.POST, auto_id=form_ids(f"task-{task_id}"))
    if form_submit(
        request,
        form,
        lambda: services.task_complete(
            actor=actor_for_user(request.user), task_id=task_id, **form.cleaned_data
        ),
        lambda task: _("%(system)s: task marked done.") % {"system": task.system.name},
    ):
        # Back to the task just worked, not the top of a long page.
        return redirect(f"{reverse('dsr:detail', args=[pk])}#task-{task_id}")
    return request_page(request, pk, task_failed=(task_id, form), status=400)


@staff_required("dsr.work_request")
def staff_export(request, pk, fmt):
    found = found_or_404(visible_request_by_id(request.user, pk))
    try:
        request_work_check(request.user, found, download=True)
    except DomainError as error:
        raise PermissionDenied(error.text) from None
    try:
        download = services.export_download(actor=actor_for_user(request.user), request=found, format=fmt)
    except DomainError as error:
        messages.error(request, error.text)
        return redirect("dsr:detail", pk=pk)
    return attachment(download)

