"""The audit pages of the staff portal (auditor and DPO)."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from audit.actions import action_label, known_actions
from audit.selectors import audit_chain_verify, audit_entries
from core.access import staff_required
from core.errors import InvalidInput
from core.moments import parse_moment
from core.references import subject_id_for_reference
from core.replica import replica_reads


@staff_required("audit.view_auditentry")
def audit_trail(request):
    params = request.GET
    error = None
    try:
        since = parse_moment(params.get("since"), field="since")
    except InvalidInput as exc:
        since, error = None, exc.text
    subject_id = subject_id_for_reference(params.get("subject"))
    with replica_reads():
        entries = audit_entries(subject_id=subject_id, action=params.get("action") or None, since=since)
        page = Paginator(entries, 50).get_page(params.get("page"))
        for entry in page:
            entry.label = action_label(entry.action)
        verification = audit_chain_verify() if params.get("verify") else None
    return render(request, "audit/trail.html", {
        "page": page, "actions": known_actions(), "filters": params, "error": error,
        "verification": verification,
    })
