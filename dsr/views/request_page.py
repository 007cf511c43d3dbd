"""The staff request page: the request with its deadlines, the actions allowed and each system's
task; a refused action's form shown again with what was typed, or a final action's confirmation."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.actors import actor_display, actor_for_user
from core.erased import erased_words_kept
from core.errors import DomainError
from core.navigation import subject_links
from dsr.forms import (
    AssignForm,
    CancelForm,
    CompleteForm,
    ExtendForm,
    LiftForm,
    NoteForm,
    OverdueReasonForm,
    ReasonForm,
    TaskDoneForm,
)
from dsr.identity_forms import VerifyIdentityForm
from dsr.models import DataSubjectRequest, IdentityMethod
from dsr.selectors import (
    deletion_records,
    identity_check_lapsed,
    identity_document_needs_visit,
    identity_methods_recordable,
    request_allowed_actions,
    request_corrections,
    request_detail,
    request_erasure_notices,
    request_guardian_notice,
    request_not_covered,
    request_purposes_named,
    request_ready_to_answer,
    request_recipients_open,
    request_rectification_notices,
    request_restriction_notices,
    request_stop_notices,
    request_tasks_open,
    request_work_check,
    restriction_lifted_by_cancel,
    task_allowed_actions,
    work_staff,
)
from dsr.selectors.deletions import request_erasure_held_refusal
from dsr.views.common import deadline_tone
from subjects.disclosure import subject_view
from subjects.forms import AccessReasonForm
from subjects.staff_records import own_record_refusal, own_records

# The actions `request_allowed_actions` names; the page shows a block for each one allowed.
ACTION_NAMES = (
    "acknowledge", "verify", "pause", "resume", "approve", "extend", "complete", "reject", "lift", "cancel"
)


# Actions that end the request for good: the page asks before it acts.
FINAL_ACTIONS = ("reject", "cancel")

# The form of each action that takes one, by its name in the page's context.
ACTION_FORMS = {
    "assign": "assign_form",
    "pause": "note_form",
    "extend": "extend_form",
    "complete": "complete_form",
    "reject": "reject_form",
    "cancel": "cancel_form",
    "overdue_reason": "overdue_form",
    "verify": "verify_form",
    "lift": "lift_form",
}


def request_page(request, pk, *, reveal_post=None, failed=None, task_failed=None, confirm=None, status=200):
    """The request page. `failed` is {context name: bound form} of an action that was refused: the page
    comes back with what was typed, the error next to that action and summarised above it;
    `task_failed` is (task id, bound form) for a task's form; `confirm` names a final action the
    person is asked to confirm, its bound form ready to post again."""
    found = request_detail(pk)
    if found is None:
        raise Http404
    # Need to know: the request's free text and corrected values stay masked until the staff member
    # says why they need them (this request is the usual reason); the audit entry keeps the reason.
    reason_form = AccessReasonForm(
        reveal_post,
        initial={"reason": "request", "note": str(found.pk)},
        subject=found.subject,
        prefix="access",  # the complete and refuse forms on this page have `reason` and `note` too
    )
    reason = reason_form.reason_text() if reveal_post is not None and reason_form.is_valid() else None
    shown = subject_view(found.subject, user=request.user, context="portal.request", reason=reason)
    now = timezone.now()
    timeline = sorted(
        [
            {"at": c.at, "kind": "status", "obj": c,
             "who": actor_display(c.actor_kind, c.actor_label, c.actor_user)}
            for c in found.status_changes.all()
        ]
        + [{"at": e.at, "kind": "clock", "obj": e} for e in found.clock_events.all()],
        key=lambda item: item["at"],
    )
    # The customer's latest answer to the bank's question, shown above all else (masked like the details).
    reply = next((c for c in reversed(found.status_changes.all()) if c.is_customer_reply), None)
    can_work = request.user.has_perm("dsr.work_request") and _may(request_work_check, request.user, found)
    may_download = _may(request_work_check, request.user, found, download=True)
    actions = request_allowed_actions(found, request.user, now=now)
    actor = actor_for_user(request.user)
    own = own_records(actor)
    # Why a guardian's request can no longer be verified, worked on or answered (the guardianship moved,
    # the ward turned 16): said once above the actions, which then offer the refusal (or, for a
    # withdrawal already in force, the completion).
    guardian_refusal = request_guardian_notice(found, now=now) if found.is_open else None
    erasure_held = request_erasure_held_refusal(found, now=now)
    context = {
        "req": found,
        "timeline": timeline,
        "tone": deadline_tone(found, now),
        "now": now,
        "can_work": can_work,
        "actions": actions,
        "guardian_refusal": guardian_refusal or "",
        # In the words of the 409 the completion would answer.
        "erasure_held": erasure_held.text if erasure_held else "",
        "identity_lapsed": identity_check_lapsed(found),
        # Their own request (their ward's, their guardian's) offers them nothing: said up front, in the
        # words the services refuse with, as the customer page does.
        "own_record": own_record_refusal(actor, found.subject_id, own=own),
        **{f"can_{name}": name in actions for name in ACTION_NAMES},
        "verify_form": VerifyIdentityForm(
            initial=_verify_initial(request),
            auto_id=form_ids("verify"),
            needs_visit=identity_document_needs_visit(found),
            methods=identity_methods_recordable(found, actor),
        ),
        "assign_form": AssignForm(
            staff_queryset=work_staff(), initial={"assignee": found.assignee_id}, auto_id=form_ids("assign")
        ),
        "complete_form": CompleteForm(for_request=found, auto_id=form_ids("complete")),
        "reject_form": ReasonForm(for_request=found, auto_id=form_ids("reject")),
        "cancel_form": CancelForm(auto_id=form_ids("cancel")),
        # Cancelling a restriction or objection in force lifts it: said before staff confirm.
        "cancel_lifts": restriction_lifted_by_cancel(found) if confirm == "cancel" else [],
        "note_form": NoteForm(auto_id=form_ids("pause")),
        "extend_form": ExtendForm(auto_id=form_ids("extend")),
        "lift_form": LiftForm(auto_id=form_ids("lift")),
        "deletion_records": deletion_records(found),
        "export": found.export if may_download and has_export(found) else None,
        "not_covered": request_not_covered(found),
        "purposes": request_purposes_named(found),
        "revealed": shown.revealed,
        "reason_form": reason_form,
        "details": shown.text(found.details),
        # The representative's name and document's reference are theirs: masked as the customer's own.
        "representative_name": shown.value("full_name", found.representative.full_name)
        if found.representative else "",
        "representative_document": shown.text(found.representative.document_reference)
        if found.representative else "",
        "customer_reply": reply,
        "customer_reply_text": shown.text(reply.note) if reply else "",
        "corrections": shown.labelled(request_corrections(found)),
        "ready_to_answer": request_ready_to_answer(found),
        # A withdrawal's recipients yet to confirm they stopped: it is answered once none is left.
        "recipients_open": request_recipients_open(found) if found.is_open else [],
        # Those a rectification's answer told to correct the data, and whether each has.
        "rectification_notices": request_rectification_notices(found, now=now),
        # Those a deletion's answer told to stop, as it withdrew the customer's consents.
        "stop_notices": request_stop_notices(found, now=now),
        # Those a deletion's answer told to delete the data they may still hold.
        "erasure_notices": request_erasure_notices(found, now=now),
        # Those a restriction or objection told to stop, and whether each has confirmed.
        "restriction_notices": request_restriction_notices(found, now=now),
        "overdue": found.is_overdue(now),
        "acknowledge_with_answer": _acknowledged_with_answer(found),
        "overdue_form": OverdueReasonForm(
            initial={"reason": erased_words_kept(found.overdue_reason)}, auto_id=form_ids("overdue_reason")
        ),
        # Each system's task with what this person may do with it (`task_allowed_actions`), its form and
        # whether it passed its deadline (an ended hold's erase task: open after it, or confirmed after it).
        "tasks": [
            (
                task,
                task_allowed_actions(task, actor, own=own),
                task_failed[1]
                if task_failed and str(task_failed[0]) == str(task.pk)
                else TaskDoneForm(auto_id=form_ids(f"task-{task.pk}")),
                task.is_overdue(now),
            )
            for task in found.tasks.all()
        ],
        # A person who cannot mark a system's task done is told who does (until then nobody answers).
        "tasks_for_others": found.is_open
        and not request.user.has_perm("dsr.change_fulfilmenttask")
        and request_tasks_open(found),
        # A refused action's address is not the page's: the page puts its own back (js/behaviours.js).
        "page_url": reverse("dsr:detail", args=[found.pk]) if failed or task_failed else "",
        # The customer's pages of the apps above (the auditor's way to the proof bundle).
        "subject_links": subject_links(request.user, found.subject_id),
        "confirm": confirm,
        **(failed or {}),
    }
    return render(request, "dsr/detail.html", context, status=status)


def form_ids(action: str) -> str:
    # The complete and refuse forms share field names: each form's own ids, so a label and an error
    # summary's link reach the right field.
    return f"{action}_%s"


def _verify_initial(request) -> dict:
    method = request.GET.get("method")
    return {"method": method} if method in IdentityMethod.values else {}


def _may(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except DomainError:
        return False
    return True


def has_export(found: DataSubjectRequest) -> bool:
    try:
        found.export  # noqa: B018 — a reverse one-to-one raises when absent
    except DataSubjectRequest.export.RelatedObjectDoesNotExist:
        return False
    return True


def _acknowledged_with_answer(found) -> bool:
    """Whether the answer falls due before the law's acknowledgement deadline (a Friday's request: the
    bank's 72 hours end before Law 91's two working days). An answer sent acknowledges the request, so
    the page shows the acknowledgement with the answer rather than as a later, separate duty."""
    answer_by, acknowledge_by = found.answer_by, found.acknowledge_by
    if not found.is_open or found.acknowledged_at is not None or None in (answer_by, acknowledge_by):
        return False
    return answer_by < acknowledge_by
