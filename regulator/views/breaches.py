"""Breach register pages: the list, recording a breach, its detail with the notification phases,
the printable Form 08 of each phase and its JSON."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError, InvalidInput
from core.forms import (
    call_with_messages,
    form_error,
    form_submit,
    form_submit_with_messages,
    form_succeeded,
)
from core.moments import parse_year
from core.plain_text import render_subject_line
from core.spreadsheets import spreadsheet_download, spreadsheet_sha256
from deadlines.local_days import LOCAL_TZ
from integrations.delivery import email_body_text, revive_context
from integrations.form_once import posted_once
from integrations.jobs import job_allowed_actions, job_cancel
from integrations.progress import job_progress_page
from regulator import selectors, services
from regulator.breach_notices import breach_notices_csv, breach_told_by_channel, breach_what_followed
from regulator.breach_register import breach_register_csv, breach_register_rows
from regulator.forms import (
    BreachFactsForm,
    BreachForm,
    CustomerNoticeDeclineForm,
    NotifyForm,
    PhaseReferenceForm,
)
from regulator.models import COMMITMENT_PASSED, STATUTORY_PASSED, Breach, BreachStatus
from regulator.selectors import (
    breach_affected_count,
    breach_allowed_actions,
    breach_by_id,
    breach_customers_mailing_began,
    breach_customers_untold,
    breach_needs_customer_notice,
    breach_phase_notification,
    breach_times_correctable,
    breach_with_mailing_job,
)
from regulator.services.breach_mailing import CUSTOMER_TEMPLATE, notice_context
from regulator.views.common import json_download


def _breach_or_404(pk) -> Breach:
    return found_or_404(breach_by_id(pk))


@staff_required("regulator.view_breach")
def breach_list(request):
    """The register, or with `?year=YYYY` that local year's (by awareness); `?format=csv` downloads it (the
    download is audited). A year that does not parse or has not begun is said on the page (the whole
    register under it) and refused for the download."""
    now = timezone.now()
    year_error, this_year = None, timezone.localdate(now, LOCAL_TZ).year
    try:
        year = parse_year(request.GET.get("year"), field="year", latest=this_year)
    except InvalidInput as error:
        year, year_error = None, error.text
    if request.GET.get("format") == "csv" and year_error:
        return HttpResponseBadRequest(year_error, content_type="text/plain; charset=utf-8")
    rows = breach_register_rows(selectors.breach_register(year=year), now)
    if request.GET.get("format") == "csv":
        services.document_export_record(
            actor=actor_for_user(request.user),
            action="regulator.breach.register_exported",
            fmt="csv",
            data={"breaches": len(rows)},
        )
        name = f"breach-register-{year}.csv" if year else f"breach-register-{now:%Y-%m-%d}.csv"
        return spreadsheet_download(breach_register_csv(rows), name)
    # Each breach with the deadline it has passed, by the rule its own page says it by.
    shown = [(row, row.breach.deadline_passed(now)) for row in rows]
    return render(
        request, "regulator/breach_list.html", {"rows": shown, "year": year, "year_error": year_error}
    )


@staff_required("regulator.manage_breach")
@posted_once
def breach_new(request):
    form = BreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breach = services.breach_record(actor=actor_for_user(request.user), **form.service_kwargs())
        except DomainError as error:
            form_error(form, error)
        else:
            form_succeeded(
                request,
                _("Breach %(ref)s recorded. Notify the authority by %(due)s.")
                % {
                    "ref": breach.reference,
                    "due": timezone.localtime(breach.notify_due_at).strftime("%d/%m/%Y %H:%M"),
                },
            )
            return redirect("regulator:breach_detail", pk=breach.pk)
    return render(request, "regulator/breach_form.html", {"form": form})


# The form's fields that are not a text or time of the breach: the relations, and the correction's reason.
_NOT_BREACH_FACTS = ("systems", "categories", "correction_reason")


@staff_required("regulator.manage_breach")
@posted_once
def breach_edit(request, pk):
    """Correct or complete the facts, and the times until the authority is notified; the next phase of
    the notification reports them. A closed breach's facts cannot change: no form, back to its page."""
    breach = _breach_or_404(pk)
    if "update" not in breach_allowed_actions(breach, actor_for_user(request.user)):
        messages.error(request, _("A closed breach cannot change."))
        return redirect("regulator:breach_detail", pk=breach.pk)
    # Every fact the form edits, as on record: one shown empty would be wiped by saving the page.
    facts = (name for name in BreachFactsForm.base_fields if name not in _NOT_BREACH_FACTS)
    initial = {
        **{name: getattr(breach, name) for name in facts},
        "systems": list(breach.systems.all()),
        "categories": list(breach.categories.all()),
    }
    form = BreachFactsForm(
        request.POST or None, initial=initial, times_correctable=breach_times_correctable(breach)
    )
    if request.method == "POST" and form_submit(
        request,
        form,
        lambda: services.breach_update(
            actor=actor_for_user(request.user), breach_id=breach.pk, changes=form.service_kwargs()
        ),
        _("Facts saved. Submit a follow-up phase to report them."),
    ):
        return redirect("regulator:breach_detail", pk=breach.pk)
    return render(request, "regulator/breach_form.html", {"form": form, "breach": breach})


def _notify_form_initial(phases: list) -> dict[str, str] | None:
    """A follow-up of a late initial notification is late too and states why: start from phase 1's reason."""
    if phases and phases[0].late:
        return {"late_reason": phases[0].late_reason}
    return None


def _detail(request, breach: Breach, *, notify_form: NotifyForm | None = None, status: int = 200):
    """The breach page; a failed notification shows it again with the submitted form."""
    now = timezone.now()
    needs_notice = breach_needs_customer_notice(breach)
    passed = breach.deadline_passed(now)  # the register's rule too (`breach_list`)
    phases = list(breach.phases.all())  # prefetched; Meta.ordering puts them in phase order
    can_manage = request.user.has_perm("regulator.manage_breach")
    return render(
        request,
        "regulator/breach_detail.html",
        {
            "breach": breach,
            "phases": phases,
            "now": now,
            "late_now": passed == STATUTORY_PASSED,
            "commitment_passed": passed == COMMITMENT_PASSED,
            "notify_form": notify_form or NotifyForm(initial=_notify_form_initial(phases)),
            "needs_customer_notice": needs_notice,
            "customers": breach_affected_count(breach) if needs_notice else None,
            "decline_form": CustomerNoticeDeclineForm(),
            "mailing_began": breach_customers_mailing_began(breach),
            "customers_untold": breach.status == BreachStatus.NOTIFIED and breach_customers_untold(breach),
            "what_followed": breach_what_followed(breach),
            "told_by": breach_told_by_channel(breach) if breach.customers_notified_at else (),
            "can_manage": can_manage,
            "actions": breach_allowed_actions(breach, actor_for_user(request.user)) if can_manage else (),
        },
        status=status,
    )


@staff_required("regulator.view_breach")
def breach_detail(request, pk):
    return _detail(request, _breach_or_404(pk))


@require_POST
@staff_required("regulator.manage_breach")
@posted_once
def breach_notify(request, pk):
    breach = _breach_or_404(pk)
    form = NotifyForm(request.POST)
    if form_submit(
        request,
        form,
        lambda: services.breach_notify(
            actor=actor_for_user(request.user), breach_id=breach.pk, **form.cleaned_data
        ),
        _phase_submitted,
    ):
        return redirect("regulator:breach_detail", pk=breach.pk)
    return _detail(request, breach, notify_form=form, status=400)


def _phase_submitted(notification) -> str:
    if notification.late:
        message = _(
            "Phase %(phase)s submitted to the authority (A05) late, after its deadline; the reason for "
            "lateness is on its Form 08."
        )
    else:
        message = _("Phase %(phase)s submitted to the authority (A05) on time.")
    return message % {"phase": notification.phase}


@require_POST
@staff_required("regulator.manage_breach")
def breach_customers(request, pk):
    """Start the mailing to the affected customers as a background job and show its progress (#17).

    It asks first: the page says how many customers are told, how, and shows the message they get."""
    if request.POST.get("confirmed") != "1":
        breach = _breach_or_404(pk)
        context = revive_context(notice_context(breach)(get_language()))
        preview = {
            "subject": render_subject_line(f"{CUSTOMER_TEMPLATE}_subject.txt", context),
            "body": email_body_text(CUSTOMER_TEMPLATE, context),
        }
        return render(
            request,
            "regulator/breach_customers_confirm.html",
            {"breach": breach, "customers": breach_affected_count(breach), "preview": preview},
        )
    try:
        services.breach_customers_notify_start(
            actor=actor_for_user(request.user), user=request.user, breach_id=pk
        )
    except DomainError as error:
        messages.error(request, error.text)
        return redirect("regulator:breach_detail", pk=pk)
    return redirect("regulator:breach_mailing", pk=pk)


def _mailing_job(pk):
    breach = breach_with_mailing_job(pk)
    if breach is None or breach.customers_job is None:
        raise Http404
    return breach, breach.customers_job


def _mailing_progress(job) -> dict:
    return job_progress_page(job, summary=_("%(done)s of %(total)s customers told so far."))


@staff_required("regulator.manage_breach")
def breach_mailing(request, pk):
    """The mailing's progress; `?format=csv` downloads who was told, when, how, and who was not reached
    (audited: the list names customers)."""
    breach, job = _mailing_job(pk)
    if request.GET.get("format") == "csv":
        text, customers = breach_notices_csv(breach)
        services.document_export_record(
            actor=actor_for_user(request.user),
            action="regulator.breach.customers_told_exported",
            fmt="csv",
            target=breach,
            data={"reference": breach.reference, "customers": customers, "sha256": spreadsheet_sha256(text)},
        )
        return spreadsheet_download(text, f"breach-customers-told-{breach.reference}.csv")
    context = {
        "breach": breach,
        "job": job,
        "progress": _mailing_progress(job),
        "job_actions": job_allowed_actions(job, actor_for_user(request.user)),
    }
    return render(request, "regulator/breach_mailing.html", context)


@staff_required("regulator.manage_breach")
def breach_mailing_progress(request, pk):
    return JsonResponse(_mailing_progress(_mailing_job(pk)[1]))


@require_POST
@staff_required("regulator.manage_breach")
def breach_mailing_cancel(request, pk):
    _breach, job = _mailing_job(pk)
    call_with_messages(
        request,
        lambda: job_cancel(actor=actor_for_user(request.user), job_id=job.pk),
        _("The mailing stops after the chunk in hand; the customers told so far stay told."),
    )
    return redirect("regulator:breach_mailing", pk=pk)


@require_POST
@staff_required("regulator.manage_breach")
@posted_once
def breach_customers_decline(request, pk):
    form = CustomerNoticeDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the customers are not told; the reason is kept."))
        return redirect("regulator:breach_detail", pk=pk)
    call_with_messages(
        request,
        lambda: services.breach_customers_not_notify(
            actor=actor_for_user(request.user), breach_id=pk, reason=form.cleaned_data["reason"]
        ),
        _("Recorded: the customers are not told, and why."),
    )
    return redirect("regulator:breach_detail", pk=pk)


@require_POST
@staff_required("regulator.manage_breach")
def breach_close(request, pk):
    """Closing is final (no status follows it): the page asks first, its button posts `confirmed`."""
    if request.POST.get("confirmed") != "1":
        return render(request, "regulator/breach_close_confirm.html", {"breach": _breach_or_404(pk)})
    call_with_messages(
        request,
        lambda: services.breach_close(actor=actor_for_user(request.user), breach_id=pk),
        _("Breach closed."),
    )
    return redirect("regulator:breach_detail", pk=pk)


@require_POST
@staff_required("regulator.manage_breach")
@posted_once
def breach_phase_reference(request, pk, phase: int):
    """The authority's reference of a phase submitted without one, recorded once A05 has issued it."""
    form = PhaseReferenceForm(request.POST)
    form_submit_with_messages(
        request,
        form,
        lambda: services.breach_phase_reference_record(
            actor=actor_for_user(request.user), breach_id=pk, phase=phase, **form.cleaned_data
        ),
        _("The authority's reference of phase %(phase)s is recorded.") % {"phase": phase},
    )
    return redirect("regulator:breach_detail", pk=pk)


@staff_required("regulator.view_breach")
def breach_phase(request, pk, phase: int):
    """The Form 08 document of one phase: the printable page, or `?format=json`."""
    notification = found_or_404(breach_phase_notification(pk, phase))
    breach = notification.breach
    if request.GET.get("format") == "json":
        return json_download(
            request,
            notification.document,
            filename=f"{breach.reference}-form08-phase{phase}.json",
            action="regulator.breach.exported",
            target=breach,
            audit_data={"phase": phase},
        )
    return render(
        request,
        "regulator/form08.html",
        {"breach": breach, "notification": notification, "doc": notification.document},
    )
