"""Consents pages: the customer's switches per purpose, the staff consent timeline and recording desk,
the DPO's catalogue, notices, recipients, import and withdrawal duties, printable receipts.

Every write goes through a service; a refusal becomes a message for the person, never a 500.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consents import selectors, services
from consents.catalogue import purpose_entry
from consents.forms import (
    AcknowledgeForm,
    ImportForm,
    NoticeForm,
    PurposeForm,
    RecipientForm,
    StaffGrantForm,
    WithdrawForm,
)
from consents.models import Channel, Consent, ConsentImport, ConsentStatus, Purpose, Recipient
from consents.receipts import consent_receipt
from core.access import customer_required, staff_required
from core.actors import actor_for_user
from core.context import current_request
from core.errors import DomainError
from core.models import DataSubject

CUSTOMER_CHANNEL = Channel.INTERNET_BANKING


def _consequences(purpose: Purpose) -> list[str]:
    """What withdrawing means, stated before it takes effect (domain notes: consequences explained first)."""
    lines = {
        "marketing": _("You will no longer receive offers and product news from the bank."),
        "sharing": _(
            "The bank stops sharing your data with the recipients below; offers or services from them "
            "that rely on it end."
        ),
        "cross_border": _(
            "The bank stops transferring your data abroad; services that need the head office may "
            "take longer."
        ),
        "security": _(
            "You will need another way to authenticate, for example an OTP; biometric authentication of "
            "transfers above 10 million VND stops."
        ),
        "analytics": _("Your use of the app is no longer analysed."),
        "support": _("We will not use your feedback to improve our services; we still answer your requests."),
    }
    result = [lines[purpose.category]] if purpose.category in lines else []
    recipients = ", ".join(r.name for r in purpose.recipients.all())
    if recipients:
        result.append(
            _("We tell %(recipients)s to stop within 72 hours and keep their confirmation.")
            % {"recipients": recipients}
        )
    result.append(
        _(
            "Withdrawal takes effect from now; it does not undo processing already done, and data the law "
            "requires the bank to keep stays until its retention period ends."
        )
    )
    return result


# --------------------------------------------------------------------------- customer pages


@customer_required
def me_consents(request, subject):
    states = selectors.consent_states_for_subject(subject)
    restrictions = list(selectors.restrictions_in_force(subject))
    now = timezone.now()
    rows = []
    for purpose in selectors.purposes_active():
        state = states.get(purpose.pk)
        entry = purpose_entry(purpose.code)
        current = entry.current_notice(now) if entry else None
        on = bool(
            state
            and state.status == ConsentStatus.GRANTED
            and (state.expires_at is None or state.expires_at > now)
        )
        outdated = bool(on and entry and entry.outdates(state.notice_id, now))
        rows.append(
            {
                "purpose": purpose,
                "state": state,
                "on": on and not outdated,
                "outdated": outdated,
                "notice": current,
                "restricted": any(r.purpose_id in (None, purpose.pk) for r in restrictions),
            }
        )
    consent_rows = [r for r in rows if r["purpose"].consent_based]
    other_rows = [r for r in rows if not r["purpose"].consent_based]
    return render(
        request,
        "consents/me_consents.html",
        {"subject": subject, "consent_rows": consent_rows, "other_rows": other_rows},
    )


@customer_required
@require_POST
def me_consent_set(request, code, subject):
    """A switch was moved: turning on grants at once; turning off leads to the confirmation page."""
    purpose = Purpose.objects.filter(code=code, active=True).first()
    if purpose is None:
        raise Http404
    if request.POST.get("on") != "1":
        return redirect("consents:me_withdraw", code=code)
    entry = purpose_entry(code)
    notice = entry.current_notice(timezone.now()) if entry else None
    try:
        services.consent_grant(
            actor=actor_for_user(request.user),
            request=services.GrantRequest(
                subject=subject,
                purpose=purpose,
                notice_version=notice.version if notice else "",
                channel=CUSTOMER_CHANNEL,
                evidence=f"selfservice:request:{current_request.get().request_id}",
                sensitive_acknowledged=request.POST.get("sensitive_acknowledged") == "1",
            ),
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request, _("Thank you. Your consent to “%(purpose)s” is recorded.") % {"purpose": purpose.name}
        )
    return redirect("consents:me_consents")


@customer_required
def me_withdraw(request, code, subject):
    purpose = Purpose.objects.filter(code=code).prefetch_related("recipients").first()
    consent = Consent.objects.filter(subject=subject, purpose=purpose, status=ConsentStatus.GRANTED).first()
    if purpose is None or consent is None:
        messages.info(request, _("There is no consent to withdraw for this purpose."))
        return redirect("consents:me_consents")
    if request.method == "POST":
        try:
            services.consent_withdraw(
                actor=actor_for_user(request.user),
                consent_id=consent.pk,
                channel=CUSTOMER_CHANNEL,
                reason=request.POST.get("reason", "")[:500],
                subject_id=subject.pk,
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(
                request,
                _("Your consent to “%(purpose)s” is withdrawn from now on.") % {"purpose": purpose.name},
            )
        return redirect("consents:me_consents")
    return render(
        request,
        "consents/me_withdraw.html",
        {"purpose": purpose, "consent": consent, "consequences": _consequences(purpose)},
    )


@customer_required
def me_receipt(request, pk, subject):
    consent = selectors.consent_list().filter(pk=pk, subject=subject).first()
    if consent is None:
        raise Http404
    return render(
        request,
        "consents/receipt.html",
        {"consent": consent, "receipt": consent_receipt(consent), "base": "selfservice/base.html"},
    )


# ------------------------------------------------------------------- staff: the customer in front of them


def subject_panel_context(request, subject: DataSubject) -> dict:
    """The consent section of the staff customer page (registered as a subject panel)."""
    states = selectors.consent_states_for_subject(subject)
    return {
        "consent_subject": subject,
        "consent_events": list(selectors.consent_timeline(subject)[:50]),
        "consent_live": [s for s in states.values() if s.status == ConsentStatus.GRANTED],
        "consent_restrictions": list(selectors.restrictions_in_force(subject)),
        "can_record": request.user.has_perm("consents.add_consent"),
    }


@staff_required("consents.add_consent")
def staff_grant(request, pk):
    subject = DataSubject.objects.filter(pk=pk).first()
    if subject is None:
        raise Http404
    form = StaffGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guardian = None
        if data["guardian_ref"]:
            guardian = DataSubject.objects.filter(external_ref=data["guardian_ref"].strip()).first()
            if guardian is None:
                form.add_error("guardian_ref", _("No customer has this customer number."))
        if not form.errors:
            entry = purpose_entry(data["purpose"].code)
            notice = entry.current_notice(timezone.now()) if entry else None
            try:
                consent = services.consent_grant(
                    actor=actor_for_user(request.user),
                    request=services.GrantRequest(
                        subject=subject,
                        purpose=data["purpose"],
                        notice_version=notice.version if notice else "",
                        channel=data["channel"],
                        evidence=data["evidence"],
                        guardian=guardian,
                        sensitive_acknowledged=data["sensitive_acknowledged"],
                    ),
                )
            except DomainError as error:
                field = {"guardian": "guardian_ref"}.get(error.field, error.field)
                form.add_error(field if field in form.fields else None, error.text)
            else:
                messages.success(request, _("Consent recorded. Give the customer the receipt."))
                return redirect("consents:staff_receipt", pk=consent.pk)
    return render(request, "consents/staff_grant.html", {"subject": subject, "form": form})


@staff_required("consents.change_consent")
def staff_withdraw(request, pk):
    consent = selectors.consent_list().filter(pk=pk).first()
    if consent is None:
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=actor_for_user(request.user), consent_id=consent.pk, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Consent withdrawn. The recipients have been told to stop."))
        return redirect("core:customer_detail", pk=consent.subject_id)
    return render(
        request,
        "consents/staff_withdraw.html",
        {"consent": consent, "form": form, "consequences": _consequences(consent.purpose)},
    )


@staff_required("consents.view_consent")
def staff_receipt(request, pk):
    consent = selectors.consent_list().filter(pk=pk).first()
    if consent is None:
        raise Http404
    return render(
        request,
        "consents/receipt.html",
        {"consent": consent, "receipt": consent_receipt(consent), "base": "portal/base.html"},
    )


# ------------------------------------------------------------------- DPO: catalogue, notices, recipients


@staff_required("consents.view_purpose")
def purpose_list(request):
    purposes = Purpose.objects.prefetch_related("recipients", "notices").order_by("legal_basis", "code")
    now = timezone.now()
    rows = []
    for purpose in purposes:
        entry = purpose_entry(purpose.code)
        rows.append(
            {
                "purpose": purpose,
                "notice": entry.current_notice(now) if entry else None,
                "ask_again": selectors.subjects_to_ask_again(purpose, now=now).count(),
            }
        )
    return render(request, "consents/purpose_list.html", {"rows": rows})


def _purpose_form_save(request, form, *, code: str | None):
    data = dict(form.cleaned_data)
    recipients = list(data.pop("recipients"))
    actor = actor_for_user(request.user)
    if code is None:
        return services.purpose_create(actor=actor, recipients=recipients, **data)
    return services.purpose_update(actor=actor, code=code, changes=data, recipients=recipients)


@staff_required("consents.manage_catalogue")
def purpose_edit(request, code=None):
    purpose = None
    if code is not None:
        purpose = Purpose.objects.filter(code=code).first()
        if purpose is None:
            raise Http404
    initial = None
    if purpose is not None:
        initial = {f: getattr(purpose, f) for f in services.catalogue.PURPOSE_FIELDS}
        initial["recipients"] = list(purpose.recipients.all())
    form = PurposeForm(request.POST or None, initial=initial, editing=purpose is not None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _purpose_form_save(request, form, code=code)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, _("Purpose “%(code)s” saved.") % {"code": saved.code})
            return redirect("consents:purpose_list")
    return render(request, "consents/purpose_form.html", {"form": form, "purpose": purpose})


@staff_required("consents.manage_catalogue")
def notice_new(request, code):
    purpose = Purpose.objects.filter(code=code).first()
    if purpose is None:
        raise Http404
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_publish(actor=actor_for_user(request.user), code=code, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, _("Notice version published."))
            return redirect("consents:purpose_list")
    return render(
        request,
        "consents/notice_form.html",
        {"form": form, "purpose": purpose, "notices": purpose.notices.order_by("-effective_at")},
    )


@staff_required("consents.view_purpose")
def purpose_ask_again(request, code):
    purpose = Purpose.objects.filter(code=code).first()
    if purpose is None:
        raise Http404
    consents = selectors.subjects_to_ask_again(purpose)
    return render(
        request,
        "consents/ask_again.html",
        {"purpose": purpose, "consents": consents[:500], "total": consents.count()},
    )


@staff_required("consents.view_recipient")
def recipient_list(request):
    can_manage = request.user.has_perm("consents.manage_catalogue")
    form = RecipientForm(request.POST or None) if can_manage else None
    if request.method == "POST" and can_manage and form.is_valid():
        try:
            services.recipient_create(actor=actor_for_user(request.user), **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, _("Recipient added."))
            return redirect("consents:recipient_list")
    recipients = Recipient.objects.prefetch_related("purposes").order_by("name")
    return render(request, "consents/recipient_list.html", {"recipients": recipients, "form": form})


@staff_required("consents.import_consents")
def consent_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    run = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # Streamed line by line from the upload; memory stays flat whatever the file size.
            lines = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
            run = services.consents_import_csv(
                actor=actor_for_user(request.user), lines=lines, filename=upload.name
            )
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text; save it as CSV UTF-8."))
        except DomainError as error:
            form.add_error("file", error.text)
    recent = ConsentImport.objects.order_by("-started_at")[:10]
    return render(request, "consents/import.html", {"form": form, "run": run, "recent": recent})


@staff_required("consents.view_withdrawalduty")
def duty_list(request):
    now = timezone.now()
    duties = selectors.withdrawal_duties_open(now=now)[:200]
    return render(
        request,
        "consents/duty_list.html",
        {
            "duties": duties,
            "now": now,
            "form": AcknowledgeForm(),
            "can_ack": request.user.has_perm("consents.acknowledge_withdrawalduty"),
        },
    )


@staff_required("consents.acknowledge_withdrawalduty")
@require_POST
def duty_acknowledge(request, pk):
    form = AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.duty_acknowledge(actor=actor_for_user(request.user), duty_id=pk, note=note)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Acknowledgement recorded."))
    return redirect("consents:duty_list")
