"""The recipient notices page: every notice a recipient was sent (to stop, to correct, to delete), how and
when it confirmed, and staff recording its confirmation or why it was late."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consents import selectors, services
from consents.filters import DutyFilterSet
from consents.forms import AcknowledgeForm, LateReasonForm
from consents.models import WithdrawalDuty
from consents.receipts import duty_told
from core.access import staff_required
from core.actors import actor_for_user
from core.erased import erased_words_shown
from core.errors import InvalidInput
from core.forms import form_errors_as_messages, form_submit, form_submit_with_messages
from core.paging import offset_page
from subjects.disclosure import subjects_listed
from subjects.non_customers import SUBJECT_REFERENCE_LABEL
from subjects.selectors import subject_field_label

DUTY_STATUS_ALL = "all"
RECENTLY_ACKNOWLEDGED = 20
# Notices a page: after a campaign, thousands wait; each is reached by the pager, none cut off.
DUTY_PAGE_SIZE = 50
# What names a page of the list: a row's forms carry them, to come back to that page.
DUTY_LIST_PARAMS = ("status", "kind", "subject", "recipient", "since", "until", "late", "page")


def _duty_list_query(params) -> str:
    """The page of the notices list `params` name (its filters, its period, its number), as a query
    string: the acknowledgement of a row comes back to the page that showed it."""
    return urlencode([(name, value) for name, value in params.items() if name in DUTY_LIST_PARAMS])


def _duty_list_url(params) -> str:
    query = _duty_list_query(params)
    return f"{reverse('consents:duty_list')}?{query}" if query else reverse("consents:duty_list")


def _duty_row(duty: WithdrawalDuty, actions: frozenset[str], resumptions: dict) -> tuple:
    """A duty with what this person may do with it, for a correction the corrected fields' labels, the
    acknowledgement's note as a person reads it (an erased one as the sentence, `core.erased`), and when
    and how the recipient was told and confirmed (`duty_told`), and for a widening's pause when it was told
    it may resume (`resumptions`, read for the whole page by `widening_resumptions_told`)."""
    fields = [subject_field_label(name) for name in duty.fields]
    told = {**duty_told(duty), "resume_told_at": resumptions.get(duty.pk)}
    return duty, actions, fields, erased_words_shown(duty.acknowledgement_note), told


@staff_required("consents.view_withdrawalduty")
def duty_list(request):
    """The recipient notices (to stop after a withdrawal, to correct after a rectification): the open
    ones by default, with the latest acknowledged under them so when each recipient acted stays in view;
    `status=acknowledged` or `all`, `kind`, and `subject` (a CIF) for one customer. The filters are the
    API list's FilterSet."""
    return _duty_list_page(request)


def _duty_list_page(request, *, refused: tuple | None = None):
    """The notices page; `refused` is (duty id, its acknowledgement form) when staff's confirmation was
    refused: the page comes back with the error on that duty's note (400)."""
    now = timezone.now()
    status = request.GET.get("status", WithdrawalDuty.Status.OPEN)
    kind = request.GET.get("kind", "")
    subject_ref = request.GET.get("subject", "")
    recipient = request.GET.get("recipient", "")
    period = {name: request.GET.get(name, "") for name in ("since", "until")}
    late_only = request.GET.get("late", "")

    def duties(status: str, **order):
        params = {
            "status": "" if status == DUTY_STATUS_ALL else status,
            "kind": kind,
            "subject": subject_ref,
            "recipient": recipient,
            "late": late_only,
            **period,
        }
        return DutyFilterSet.apply(params, selectors.withdrawal_duties(now=now, **order))

    recent, page = [], None
    try:
        page = offset_page(duties(status), params=request.GET, size=DUTY_PAGE_SIZE)
        shown = page.rows
        if status == WithdrawalDuty.Status.OPEN:
            acknowledged = duties(WithdrawalDuty.Status.ACKNOWLEDGED, latest_acknowledged_first=True)
            recent = acknowledged[:RECENTLY_ACKNOWLEDGED]
        filter_error = None
    except InvalidInput as error:
        shown, filter_error = [], error.text
    actor = actor_for_user(request.user)
    recent = list(recent)
    # Each row names its customer by number: the page is a look at each of them.
    subjects_listed((duty.subject for duty in [*shown, *recent]), user=request.user, context="portal.duties")
    resumptions = selectors.widening_resumptions_told([*shown, *recent])
    return render(
        request,
        "consents/duty_list.html",
        {
            # Each duty with what this person may do with it (`duty_allowed_actions`).
            "duties": [
                _duty_row(duty, selectors.duty_allowed_actions(duty, actor), resumptions) for duty in shown
            ],
            "page": page,
            "recently_acknowledged": [_duty_row(duty, frozenset(), resumptions) for duty in recent],
            "now": now,
            "form": AcknowledgeForm(),
            "can_ack": request.user.has_perm("consents.acknowledge_withdrawalduty"),
            "status": status,
            "statuses": [*WithdrawalDuty.Status.choices, (DUTY_STATUS_ALL, _("All"))],
            "kind": kind,
            "kinds": WithdrawalDuty.Kind.choices,
            "subject_ref": subject_ref,
            "subject_ref_label": SUBJECT_REFERENCE_LABEL,
            "recipient": recipient,
            "period": period,
            # Appended to each row's forms (confirmation, late reason): their answer comes back here.
            "list_query": _duty_list_query(request.GET),
            "late_only": late_only,
            "recipients": selectors.recipient_choices(active_only=False),
            "filter_error": filter_error,
            "ack_refused_id": refused and refused[0],
            "ack_form": refused and refused[1],
        },
        status=400 if filter_error or refused else 200,
    )


@staff_required("consents.acknowledge_withdrawalduty")
@require_POST
def duty_acknowledge(request, pk):
    """Staff record a recipient's confirmation; a refusal of the note (missing, too long) is shown on the
    duty's note, any other (already acknowledged, no such duty) as a message on the list."""
    form = AcknowledgeForm(request.POST)
    acknowledged = form_submit(
        request,
        form,
        lambda: services.duty_acknowledge(
            actor=actor_for_user(request.user),
            duty_id=pk,
            note=form.cleaned_data["note"],
            reference=form.cleaned_data["reference"],
        ),
        _("Acknowledgement recorded."),
    )
    if acknowledged:
        return redirect(_duty_list_url(request.GET))
    if form.non_field_errors():
        # A refusal about no field of the form (already acknowledged, no such duty): the duty's row may be
        # gone from the list, so the list says it as a message.
        form_errors_as_messages(request, form)
        return redirect(_duty_list_url(request.GET))
    return _duty_list_page(request, refused=(pk, form))


@staff_required("consents.acknowledge_withdrawalduty")
@require_POST
def duty_late_reason(request, pk):
    """Every refusal (empty, not late, no such duty) is a message on the notices page it came from, which
    the answer comes back to."""
    form = LateReasonForm(request.POST)
    form_submit_with_messages(
        request,
        form,
        lambda: services.duty_late_reason_record(
            actor=actor_for_user(request.user), duty_id=pk, reason=form.cleaned_data["late_reason"]
        ),
        _("Reason for the late confirmation recorded."),
    )
    return redirect(_duty_list_url(request.GET))
