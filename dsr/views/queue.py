"""The staff request queue: filters, "Page N", the reference a customer quotes, and the filtered queue as
CSV for the DPO's reconciliation (audited)."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import staff_required
from core.actors import actor_for_user
from core.errors import InvalidInput
from core.paging import offset_page
from core.spreadsheets import spreadsheet_download
from dsr import services
from dsr.filters import RequestFilterSet
from dsr.queue_csv import queue_csv
from dsr.queue_forms import QueueFilterForm
from dsr.selectors import (
    DUE_SOON,
    request_queue,
    requests_by_reference,
    visible_requests,
    with_closed_late,
    work_staff,
)
from dsr.views.common import deadline_tone
from subjects.disclosure import subjects_listed

PAGE_SIZE = 50
# A download bigger than a month of any bank's requests is a filter forgotten: the page asks to narrow it.
CSV_LIMIT = 20_000


def _refused_download(message: str) -> HttpResponseBadRequest:
    # A download has no page to show the message on.
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _download(request, listed, filters: dict[str, str]):
    rows = list(with_closed_late(listed)[: CSV_LIMIT + 1])
    if len(rows) > CSV_LIMIT:
        return _refused_download(
            _("More than %(limit)s requests match: narrow the filters, for example to a closing period.")
            % {"limit": f"{CSV_LIMIT:,}"}
        )
    services.request_queue_export_record(actor=actor_for_user(request.user), filters=filters, requests=rows)
    return spreadsheet_download(queue_csv(rows), f"request-queue-{timezone.localdate():%Y-%m-%d}.csv")


def _filters_said(who: dict[str, str], data: dict) -> dict[str, str]:
    """The filters a download was asked with, for its audit entry: the customer number only as "given"."""
    said = {**who, "due": data.get("due") or "", "closed": data.get("closed") or ""}
    for field in ("since", "until"):
        said[field] = data[field].isoformat() if data.get(field) else ""
    if said["subject"]:
        said["subject"] = "given"
    return {name: value for name, value in said.items() if value}


@staff_required("dsr.view_datasubjectrequest")
def queue(request):
    """The queue page; `?format=csv` downloads every request its filters match (not only the page shown)."""
    form = QueueFilterForm(request.GET or None, staff_queryset=work_staff())
    valid = form.is_valid()
    download = request.GET.get("format") == "csv"
    if download and not valid:
        return _refused_download(" ".join(str(e) for errors in form.errors.values() for e in errors))
    data = getattr(form, "cleaned_data", {})  # the fields that are valid; an unbound form has none
    now = timezone.now()
    reference = data.get("reference", "").strip()
    if reference and not download:
        # The reference a customer quotes finds the request itself, whatever the other filters say.
        matches = list(requests_by_reference(reference)[:PAGE_SIZE])
        if len(matches) == 1:
            return redirect("dsr:detail", pk=matches[0].pk)
        subjects_listed((found.subject for found in matches), user=request.user, context="portal.queue")
        rows = [{"obj": r, "tone": deadline_tone(r, now)} for r in matches]
        return render(
            request,
            "dsr/queue.html",
            {"form": form, "page": None, "rows": rows, "now": now, "reference": reference},
        )
    # Who and what: the API list's FilterSet, so a customer number nobody has or an assignee no staff
    # member is is said here as the API says it, not shown as an empty queue. A type or status the
    # form refused is shown on its field and left out, as before; the assignee is the FilterSet's to
    # judge (the form's choices are only the staff who work requests now).
    subject_ref = data.get("subject", "").strip()
    who = {
        "type": data.get("type", ""),
        "status": data.get("status", ""),
        "relationship": data.get("relationship", ""),
        "subject": subject_ref,
        # The box adds to a customer's requests; ticked alone it meant nothing, and still does.
        "as_guardian": "true" if subject_ref and data.get("as_guardian") else "",
        "assignee": request.GET.get("assignee", "").strip(),
    }
    try:
        matching = RequestFilterSet.apply(who, visible_requests(request.user), now=now)
    except InvalidInput as error:
        if download:
            return _refused_download(error.text)
        return render(
            request,
            "dsr/queue.html",
            {"form": form, "page": None, "rows": [], "now": now, "filter_error": error.text},
            status=400,
        )
    due = data.get("due")
    listed = request_queue(
        base=matching,
        now=now,
        overdue=due in ("overdue", "attention"),
        due_within=DUE_SOON if due in ("soon", "attention") else None,
        acknowledgement_overdue=due in ("acknowledgement", "attention"),
        closed=data.get("closed") or None,
        closed_since=data.get("since"),
        closed_until=data.get("until"),
    )
    if download:
        return _download(request, listed, _filters_said(who, data))
    # "Page N" without counting the list: unfiltered, it holds every request ever received.
    page = offset_page(listed, params=request.GET, size=PAGE_SIZE)
    # Each row names its customer by number: the page is a look at each of them.
    subjects_listed((found.subject for found in page.rows), user=request.user, context="portal.queue")
    rows = [{"obj": r, "tone": deadline_tone(r, now)} for r in page.rows]
    # Said in words: the customer's rows include the requests they filed as guardian for a ward.
    as_guardian_of = subject_ref if who["as_guardian"] else None
    return render(
        request,
        "dsr/queue.html",
        {
            "form": form, "page": page, "rows": rows, "now": now, "as_guardian_of": as_guardian_of,
            "csv_query": _csv_query(request.GET),
        },
    )


def _csv_query(params) -> str:
    """The page's own filters with `format=csv`: the download lists what the page lists, every page."""
    query = params.copy()
    for name in ("page", "format", "reference"):
        query.pop(name, None)
    query["format"] = "csv"
    return query.urlencode()
