"""The audit pages of the staff portal (auditor and DPO)."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.actions import ACTION_CATEGORIES, action_label, known_actions
from audit.selectors import (
    audit_category_check,
    audit_chain_full_check_lost,
    audit_chain_full_check_running,
    audit_chain_full_checks_unfinished,
    audit_chain_last_full_check,
    audit_entries,
    audit_entry_details,
    audit_target_check,
    audit_target_label,
)
from audit.services import audit_chain_check, audit_chain_full_check_ask
from audit.tasks import verify_chain
from core.access import staff_required
from core.actors import actor_for_user
from core.errors import DomainError, InvalidInput
from core.moments import parse_moment, period_check
from core.navigation import subject_links
from core.paging import key_page
from core.references import NO_SUBJECT, cifs_for_subjects, subject_id_for_reference
from core.replica import replica_reads

# A POST of `verify=checkpoint` verifies from the head of the last signed checkpoint on, in the request
# (the hourly checkpoints keep that short); any other value asks a worker to verify the whole chain
# (`audit.tasks.verify_chain`): at a bank's size that takes minutes, past the web server's request
# timeout (docs/deployment.md), and the page shows the latest recorded whole-chain outcome instead. A
# POST, from the page's own buttons: a verification is recorded and may alert the DPO, which a crafted
# link must not set off. The result (or when the background check was asked for) is kept in the session
# and the page redirects to itself (its filters and page number), so reloading or paging through the
# trail afterwards shows it again, with when it was taken, instead of verifying again.
FROM_CHECKPOINT = "checkpoint"
# A staff member's look at a customer's personal data (subjects.services), shown with its reason.
VIEWED = "core.subject.viewed"
SESSION_KEY = "audit_verification"
FULL_CHECK_ASKED_KEY = "audit_full_check_asked_at"


def _verification_remembered(report: dict, *, at: datetime) -> dict:
    return {**report, "verified_at": at.isoformat()}


def _verification_shown(remembered: dict | None) -> dict | None:
    """The remembered result with its times as datetimes for the page."""
    if not remembered:
        return None
    from_checkpoint_at = remembered.get("from_checkpoint_at")
    return {
        **remembered,
        "verified_at": datetime.fromisoformat(remembered["verified_at"]),
        "from_checkpoint_at": datetime.fromisoformat(from_checkpoint_at) if from_checkpoint_at else None,
        "restores": [{**restore, "written": datetime.fromisoformat(restore["written_at"])}
                     for restore in remembered.get("restores") or ()],
    }


def _whole_chain_checks(session) -> dict:
    """The latest recorded verification of the whole chain (read from the record, never walked), one
    stopped at its time limit after it, the one asked for on this page still running (whoever asked),
    or the last one asked for lost without a result. Once the one this person asked for is recorded, its
    report becomes the page's remembered verification, as one made in the request would be."""
    last = audit_chain_last_full_check()
    stopped = audit_chain_full_checks_unfinished(after_sequence=last.sequence if last else 0)
    running = audit_chain_full_check_running()
    asked_at = session.get(FULL_CHECK_ASKED_KEY)
    if asked_at and running is None:
        del session[FULL_CHECK_ASKED_KEY]
        if last and last.recorded_at >= datetime.fromisoformat(asked_at) and "report" in last.data:
            session[SESSION_KEY] = _verification_remembered(last.data["report"], at=last.recorded_at)
    return {
        "last_full_check": last, "full_check_stopped": stopped, "full_check_running": running,
        "full_check_lost": None if running else audit_chain_full_check_lost(),
    }


@staff_required("audit.view_auditentry")
@require_http_methods(["GET", "POST"])
def audit_trail(request):
    params = request.GET
    if request.method == "POST" and request.POST.get("verify"):
        # Verified once, then on to the same page without `verify`: a reload or Back shows the result
        # kept in the session instead of verifying again.
        # Recorded in the trail as the scheduled checks are (who asked, what was read, the outcome): a
        # whole-chain check asked for here is then one the proof bundle can cite, and a broken chain
        # alerts the DPO.
        if request.POST["verify"] == FROM_CHECKPOINT:
            with replica_reads():
                result = audit_chain_check(actor=actor_for_user(request.user), since_checkpoint=True)
            request.session[SESSION_KEY] = _verification_remembered(asdict(result), at=timezone.now())
        else:
            try:
                asked = audit_chain_full_check_ask(actor=actor_for_user(request.user))
            except DomainError as refusal:
                messages.error(request, refusal.text)
            else:
                request.session.pop(SESSION_KEY, None)  # an earlier result would read as this one's
                request.session[FULL_CHECK_ASKED_KEY] = asked.recorded_at.isoformat()
                verify_chain.delay(full=True, user_id=request.user.pk)
        return redirect(request.get_full_path())
    error = None
    try:
        since = parse_moment(params.get("since"), field="since")
        until = parse_moment(params.get("until"), field="until")
        period_check(since, until)
    except InvalidInput as exc:
        since = until = None
        error = exc.text
    subject_id, target_id = subject_id_for_reference(params.get("subject")), params.get("target") or None
    category = params.get("category") or None
    try:
        audit_category_check(category)
    except InvalidInput as exc:
        category, error = None, exc.text
    try:
        audit_target_check(target_id, subject_id=subject_id, action=params.get("action") or None,
                           category=category)
    except InvalidInput as exc:
        target_id, error = None, exc.text
    with replica_reads():
        entries = audit_entries(
            subject_id=subject_id, action=params.get("action") or None, since=since, until=until,
            actor=params.get("actor") or None, target_id=target_id, category=category,
        )
        # By entry number, counting nothing: a count of the whole trail would cost more than the page.
        page = key_page(entries, key="sequence", params=params, size=50)
        # Whom each entry is about, by customer number, and why personal data was looked at: the
        # inspector's "who looked at whom, when, why" read from the page.
        cifs = cifs_for_subjects(entry.subject_id for entry in page.rows if entry.subject_id)
        for entry in page.rows:
            entry.label = action_label(entry.action)
            entry.target_label = audit_target_label(entry.target_type)
            entry.customer_ref = cifs.get(entry.subject_id, "")
            entry.view_reason = (entry.data or {}).get("reason", "") if entry.action == VIEWED else ""
            entry.details = audit_entry_details(entry.data)
    # Filtered by one customer: their pages the viewer may open, which the apps above register (the
    # auditor reaches the customer's proof bundle from here: they cannot open the customer page).
    links = subject_links(request.user, subject_id) if subject_id not in (None, NO_SUBJECT) else []
    whole_chain = _whole_chain_checks(request.session)
    return render(request, "audit/trail.html", {
        # Each action by its name in words; its code stays under it in the table.
        "page": page, "actions": [(name, action_label(name)) for name in known_actions()],
        "categories": ACTION_CATEGORIES.items(),
        "filters": params, "error": error, "subject_links": links,
        **whole_chain,
        "verification": _verification_shown(request.session.get(SESSION_KEY)),
        # The verify buttons come back to this very page: its filters and its page number.
        "here_query": params.urlencode(), "from_checkpoint": FROM_CHECKPOINT,
    })
