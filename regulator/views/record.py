"""The record of processing activities for an inspection: printable page, JSON and CSV."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consents.selectors import purpose_by_code
from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.forms import form_submit
from core.replica import replica_reads
from core.spreadsheets import spreadsheet_download
from regulator import services
from regulator.documents import processing_record as build_record
from regulator.documents import processing_record_csv
from regulator.forms import ActivityForm, RecordReviewForm
from regulator.reader_names import record_in_reader_language
from regulator.selectors import (
    RECORD_REVIEWS_LISTED,
    processing_activity_for,
    record_reviewed_this_year,
    record_reviews,
)
from regulator.views.common import json_download


@staff_required("regulator.view_regulator")
def processing_record(request):
    with replica_reads():
        record = build_record()
    fmt = request.GET.get("format")
    if fmt == "json":
        return json_download(
            request,
            record,
            filename="processing-record.json",
            action="regulator.record.exported",
            audit_data={"entries": len(record["entries"])},
        )
    if fmt == "csv":
        services.document_export_record(
            actor=actor_for_user(request.user),
            action="regulator.record.exported",
            fmt="csv",
            data={"entries": len(record["entries"])},
        )
        return spreadsheet_download(processing_record_csv(record), "processing-record.csv")
    return _record_page(request, record, RecordReviewForm())


def _record_page(request, record, review_form: RecordReviewForm):
    """The record with its latest reviews and whether the year's review is on file."""
    reviews = list(record_reviews()[:RECORD_REVIEWS_LISTED])
    return render(
        request,
        "regulator/processing_record.html",
        {
            "record": record_in_reader_language(record),
            "reviews": reviews,
            "reviewed_this_year": record_reviewed_this_year(),
            "review_form": review_form,
        },
    )


@require_POST
@staff_required("regulator.manage_dossier")
def record_review(request):
    """The DPO records the review of the record as it stands, with what it found."""
    form = RecordReviewForm(request.POST)
    if form_submit(
        request,
        form,
        lambda: services.record_review(
            actor=actor_for_user(request.user), findings=form.cleaned_data["findings"]
        ),
        _("The review of the record is recorded."),
    ):
        return redirect("regulator:processing_record")
    with replica_reads():
        record = build_record()
    return _record_page(request, record, form)


@staff_required("regulator.manage_dossier")
def activity_edit(request, code):
    """Where one purpose's data lives and how it is protected: the record's row and the dossiers' facts."""
    purpose = found_or_404(purpose_by_code(code))
    activity = processing_activity_for(purpose)
    initial = None
    if activity is not None:
        initial = {
            "systems": list(activity.systems.all()),
            "categories": list(activity.categories.all()),
            "data_subjects": activity.data_subjects,
            "security_measures": activity.security_measures,
            "started_at": activity.started_at,
        }
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: services.activity_save(
            actor=actor_for_user(request.user), purpose_code=code, **form.service_kwargs()
        ),
        _("Saved. Update the dossiers from the catalogue to version them."),
    ):
        return redirect("regulator:processing_record")
    return render(request, "regulator/activity_form.html", {"form": form, "purpose": purpose})
