"""The DPO's pages: purposes, notice versions, who to ask again, recipients, CSV import."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consents import selectors, services
from consents.catalogue import purpose_entry_of
from consents.catalogue_forms import HistoricalNoticeForm, NoticeForm, PurposeForm
from consents.forms import (
    ImportForm,
    RecipientContactForm,
    RecipientEndForm,
    RecipientEnglishNameForm,
    RecipientForm,
)
from consents.models import ConsentImport, LegalBasis
from consents.scope import SCOPE_FIELDS, latest_scope
from consents.selectors.rule import OUTGROWN_LABEL, REASON_LABELS, Reason
from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import call_with_messages, form_error, form_submit
from integrations.jobs import job_allowed_actions, job_cancel
from integrations.progress import job_progress_page


@staff_required("consents.view_purpose")
def purpose_list(request):
    now = timezone.now()
    purposes = list(selectors.purposes_catalogue(now=now))
    ask_again = selectors.ask_again_counts(purposes, now=now)
    scheduled = {p.pk: [n for n in p.notices.all() if not n.in_force_by(now)] for p in purposes}
    leaving_consent = selectors.notices_leaving_consent([n for ahead in scheduled.values() for n in ahead])
    rows = []
    for purpose in purposes:
        # From the versions the list prefetched (no query per purpose): the version in force, and the
        # legal basis it gives, as the consent check judges by; the row's lags it by minutes.
        entry = purpose_entry_of(purpose)
        rows.append(
            {
                "purpose": purpose,
                "notice": entry.current_notice(now),
                "legal_basis": LegalBasis(entry.in_force(now).legal_basis).label,
                # Versions published ahead: the DPO sees what is coming and whether it widens.
                # Read from the database, not the cached catalogue: a version just published shows.
                "scheduled": scheduled[purpose.pk],
                # A version moving the purpose off consent asks nobody again (`notice_leaves_consent`).
                "leaving_consent": leaving_consent,
                "ask_again": ask_again.get(purpose.pk, 0),
            }
        )
    return render(request, "consents/purpose_list.html", {"rows": rows})


def _purpose_form_save(request, form, *, code: str | None):
    data = dict(form.cleaned_data)
    recipients = list(data.pop("recipients"))
    actor = actor_for_user(request.user)
    if code is None:
        return services.purpose_create(actor=actor, recipients=recipients, **data)
    effective_at = data.pop("effective_at")
    return services.purpose_update(
        actor=actor, code=code, changes=data, recipients=recipients, effective_at=effective_at
    )


@staff_required("consents.manage_catalogue")
def purpose_edit(request, code=None):
    purpose = None
    if code is not None:
        purpose = found_or_404(selectors.purpose_by_code(code))
    initial = None
    if purpose is not None:
        initial = {f: getattr(purpose, f) for f in services.catalogue.PURPOSE_FIELDS}
        # A version waiting for its date is what the form edits further, not the scope in effect.
        scope = latest_scope(purpose)
        initial.update({f: scope[f] for f in SCOPE_FIELDS if f != "recipients"})
        initial["recipients"] = selectors.recipients_by_ids(r["id"] for r in scope["recipients"])
    form = PurposeForm(request.POST or None, initial=initial, editing=purpose is not None)
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: _purpose_form_save(request, form, code=code),
        lambda saved: _("Purpose “%(code)s” saved.") % {"code": saved.code},
    ):
        return redirect("consents:purpose_list")
    stops = selectors.purpose_stops_progress(purpose) if purpose is not None else []
    return render(request, "consents/purpose_form.html", {"form": form, "purpose": purpose, "stops": stops})


@staff_required("consents.manage_catalogue")
def notice_new(request, code):
    purpose = found_or_404(selectors.purpose_by_code(code))
    now = timezone.now()
    notices = list(selectors.notice_versions(purpose, newest_first=True))
    current = next((n for n in notices if n.in_force_by(now)), None)
    # A new version starts from the text customers read today, not from a blank form.
    initial = {"text_vi": current.text_vi, "text_en": current.text_en} if current else {}
    recording_history = request.method == "POST" and "historical" in request.POST
    publishing = request.method == "POST" and not recording_history
    form = NoticeForm(request.POST if publishing else None, initial=initial)
    history_form = HistoricalNoticeForm(request.POST if recording_history else None)
    preview = None
    if recording_history:
        if form_submit(
            request,
            history_form,
            lambda: services.notice_record_historical(
                actor=actor_for_user(request.user), code=code, **history_form.cleaned_data
            ),
            lambda notice: _("Past notice version %(version)s recorded.") % {"version": notice.version},
        ):
            return redirect("consents:notice_new", code=code)
    elif request.method == "POST" and "preview" in request.POST:
        # Show what customers will read, without publishing anything.
        if form.is_valid():
            preview = {"vi": form.cleaned_data["text_vi"], "en": form.cleaned_data["text_en"]}
    elif request.method == "POST" and form.is_valid():
        try:
            services.notice_publish(actor=actor_for_user(request.user), code=code, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Notice version published."))
            return redirect("consents:purpose_list")
    return render(
        request,
        "consents/notice_form.html",
        {
            "form": form,
            "history_form": history_form,
            "purpose": purpose,
            "notices": notices,
            "current": current,
            "now": now,
            "preview": preview,
            "earliest": timezone.localtime(services.notice_earliest_effective(significant=False, now=now)),
            "earliest_significant": timezone.localtime(
                services.notice_earliest_effective(significant=True, now=now)
            ),
        },
    )


@staff_required("consents.view_purpose")
def purpose_ask_again(request, code):
    purpose = found_or_404(selectors.purpose_by_code(code))
    consents = selectors.subjects_to_ask_again(purpose)[:500]
    return render(
        request,
        "consents/ask_again.html",
        {
            "purpose": purpose,
            "consents": consents,
            "total": selectors.ask_again_count(purpose),
            # The staff panel's words for the same two causes.
            "widened_label": REASON_LABELS[Reason.RECONSENT_REQUIRED],
            "outgrown_label": OUTGROWN_LABEL,
        },
    )


@staff_required("consents.view_recipient")
def recipient_list(request):
    can_manage = request.user.has_perm("consents.manage_catalogue")
    form = RecipientForm(request.POST or None) if can_manage else None
    if request.method == "POST" and can_manage and form_submit(
        request,
        form,
        lambda: services.recipient_create(actor=actor_for_user(request.user), **form.cleaned_data),
        _("Recipient added."),
    ):
        return redirect("consents:recipient_list")
    recipients = list(selectors.recipients_with_purposes())
    context = {
        "recipients": recipients, "form": form,
        "transfers_listed": selectors.recipients_transferred_to(recipients),
    }
    return render(request, "consents/recipient_list.html", context)


@staff_required("consents.manage_catalogue")
def recipient_rename_en(request, pk):
    recipient = found_or_404(selectors.recipient_by_id(pk))
    form = RecipientEnglishNameForm(request.POST or None, initial={"name_en": recipient.name_en})
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: services.recipient_rename_en(
            actor=actor_for_user(request.user), recipient_id=recipient.pk, **form.cleaned_data
        ),
        _("The English name was saved."),
    ):
        return redirect("consents:recipient_list")
    return render(request, "consents/recipient_name_en.html", {"recipient": recipient, "form": form})


@staff_required("consents.manage_catalogue")
def recipient_contact(request, pk):
    recipient = found_or_404(selectors.recipient_by_id(pk))
    initial = {"contact_email": recipient.contact_email, "language": recipient.language}
    form = RecipientContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form_submit(
        request, form,
        lambda: services.recipient_contact_set(
            actor=actor_for_user(request.user), recipient_id=recipient.pk, **form.cleaned_data
        ),
        _("The recipient's contact for reminders was saved."),
    ):
        return redirect("consents:recipient_list")
    return render(request, "consents/recipient_contact.html", {"recipient": recipient, "form": form},
                  status=400 if form.is_bound else 200)  # bound here: the form or the service refused it


@staff_required("consents.manage_catalogue")
def recipient_end(request, pk):
    recipient = found_or_404(selectors.recipient_by_id(pk))
    form = RecipientEndForm(request.POST or None)
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: services.recipient_end(
            actor=actor_for_user(request.user), recipient_id=recipient.pk, **form.cleaned_data
        ),
        _("The relationship with the recipient was recorded as ended."),
    ):
        return redirect("consents:recipient_list")
    return render(request, "consents/recipient_end.html", {"recipient": recipient, "form": form})


@staff_required("consents.import_consents")
def consent_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # The file is kept and imported by a worker; the page follows the job.
            job = services.consent_import_start(
                actor=actor_for_user(request.user), user=request.user, file=upload.file, filename=upload.name
            )
        except DomainError as error:
            form.add_error("file", error.text)
        else:
            return redirect("consents:import_job", job_id=job.pk)
    recent = selectors.consent_imports()[:10]
    return render(request, "consents/import.html", {"form": form, "run": None, "recent": recent})


def _import_run(job_id) -> ConsentImport:
    return found_or_404(selectors.consent_import_by_job(job_id))


def _progress(job) -> dict:
    """The job's progress with the sentences the page shows, in the active language."""
    return job_progress_page(job, summary=_("%(done)s of %(total)s rows read, %(refused)s rejected so far."))


@staff_required("consents.import_consents")
def import_job(request, job_id):
    run = _import_run(job_id)
    context = {
        "run": run,
        "job": run.job,
        "progress": _progress(run.job),
        "job_actions": job_allowed_actions(run.job, actor_for_user(request.user)),
    }
    return render(request, "consents/import_job.html", context)


@staff_required("consents.import_consents")
def import_job_progress(request, job_id):
    return JsonResponse(_progress(_import_run(job_id).job))


@require_POST
@staff_required("consents.import_consents")
def import_job_cancel(request, job_id):
    run = _import_run(job_id)
    call_with_messages(
        request,
        lambda: job_cancel(actor=actor_for_user(request.user), job_id=run.job_id),
        _("The import stops after the batch in hand."),
    )
    return redirect("consents:import_job", job_id=run.job_id)
