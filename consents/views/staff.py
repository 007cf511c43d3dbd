"""Staff pages for the customer in front of them: the consent panel, recording, withdrawal, receipts."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consents import selectors, services
from consents.forms import (
    StaffGrantForm,
    VoidForm,
    WithdrawForm,
)
from consents.models import ConsentEvent
from consents.scope import data_categories_named, scope_recipients_in_reader_language
from consents.views.receipts import receipt_response
from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import MomentAskedForm, call_with_messages, form_error, form_submit, form_succeeded
from core.labels import in_language
from integrations.form_once import posted_once
from subjects.children import may_be_child
from subjects.disclosure import subject_view
from subjects.forms import AccessReasonForm
from subjects.models import DataSubject
from subjects.selectors import (
    ACT_CONSENTS,
    guardian_to_verify,
    representative_initials,
    representatives_for_act,
    subject_by_id,
    subject_for_ref,
)

# The customer page shows the latest events; a longer history says how much is shown and leads to the
# customer's whole trail in the audit log, so a cut timeline never passes for the complete proof.
TIMELINE_LIMIT = 50


def _voidable(request, consents) -> set:
    """The ids of these consents the staff member may void as recorded in error: the page offers what
    the service would accept (`consents_voidable`, and the permission)."""
    if not request.user.has_perm("consents.void_consent"):
        return set()
    return selectors.consents_voidable(consents, actor_for_user(request.user))


def subject_panel_context(request, subject: DataSubject) -> dict:
    """The consent section of the staff customer page (registered as a subject panel)."""
    switches = selectors.consent_switches_of([subject], now=timezone.now())
    events, total = selectors.consent_timeline_head(subject, TIMELINE_LIMIT)
    for event in events:
        # Initials, as the representatives page shows them until a reason is given (an audited view).
        representative = event.representative
        event.representative_shown = representative_initials(representative) if representative else ""
    live = switches.live(subject)
    return {
        "consent_subject": subject,
        "consent_events": events,
        "consent_events_total": total,
        # Each consent still granted, with what the consent check answers of it now.
        "consent_live": live,
        "consent_voidable": _voidable(request, [switch.state.consent for switch in live]),
        # A "no" recorded in error is corrected from its line of the timeline, the one place it shows.
        "consent_refusals_voidable": _voidable(
            request, [event.consent for event in events if event.kind == ConsentEvent.Kind.REFUSED]
        ),
        "consent_restrictions": switches.restrictions_of(subject),
        "can_record": request.user.has_perm("consents.add_consent"),
    }


def _notice_language_shown(notice, language: str) -> str:
    """The language the page shows `notice` in for a customer who reads `language`: English when they
    read it and the version has it, else Vietnamese. The grant records it as the language shown."""
    return "en" if language == "en" and notice.text_en else "vi"


def _notice_for_customer(notice, language: str) -> dict:
    """The notice as the customer reads it: summary (the purpose's plain description, only for the
    version it was written for: `notice_summary_written_for`) and full text in the customer's language,
    Vietnamese when the English text is missing."""
    purpose = notice.purpose
    summary = ""
    if selectors.notice_summary_written_for(notice):
        summary = in_language(purpose.description_vi, purpose.description_en, language=language)
    shown = _notice_language_shown(notice, language)
    return {
        "notice": notice,
        "language": shown,
        "summary": summary,
        "text": in_language(notice.text_vi, notice.text_en, language=language),
        "sensitive_said": _sensitive_said(notice, shown),
    }


def _sensitive_said(notice, language: str) -> str:
    """What the script read out or handed over says of a purpose using sensitive data, in the language
    the notice is shown in: the customer is told the data is sensitive, and which (Law 91/2025, Decree
    356/2025), not only the officer asked to say it in the page's language. Empty for other purposes."""
    if not notice.scope.get("sensitive"):
        return ""
    with translation.override(language):
        categories = data_categories_named(notice.scope.get("data_categories"))
        named = [f"{category['label']}." for category in categories if category["sensitive"]]
        return " ".join([_("This purpose uses sensitive personal data."), *named])


# A service error about one answer's own field, and the form field beside that purpose it belongs to.
_PURPOSE_FIELDS = {"sensitive_acknowledged": "sensitive", "child_agreed": "child_agreed"}


def _purpose_block(
    form, notice, language: str, names_en: dict[int, str], if_no: selectors.ReadOut | None
) -> dict:
    """`if_no`: what a "no" to the purpose withdraws, told first (None when there is no consent a
    withdrawal would end)."""
    code = notice.purpose.code
    sensitive = f"sensitive_{code}"
    return {
        "if_no": if_no,
        **_notice_for_customer(notice, language),
        # The notice is in the customer's language; the page's own words, these too, in the reader's.
        "recipients": scope_recipients_in_reader_language(notice.scope.get("recipients") or [], names_en),
        "data_categories": data_categories_named(notice.scope.get("data_categories")),
        "answer": form[f"answer_{code}"],
        "sensitive": form[sensitive] if sensitive in form.fields else None,
        "child_agreed": form[f"child_agreed_{code}"] if form.asks_about_child else None,
    }


@staff_required("consents.add_consent")
@posted_once
def staff_grant(request, pk):
    """Record a consent form: the page shows each purpose's notice in force in the customer's language
    (to read on the phone or print and hand over), and records each yes or no with that version, the
    whole form in one transaction."""
    subject = found_or_404(subject_by_id(pk))
    now = timezone.now()
    # A purpose barred to children (marketing, sensitive data, transfers abroad) is not offered for a
    # customer who may be a child: the service would refuse it. The page names those left out and why.
    notices, barred = [], []
    for notice in selectors.notices_in_force_for_consent(now=now):
        offered = services.purpose_offered_to_ward(notice.purpose, notice, subject, now=now)
        (notices if offered else barred).append(notice)
    form = StaffGrantForm(
        request.POST or None, notices=notices, may_be_child=may_be_child(subject, on=timezone.localdate()),
        representatives=representatives_for_act(subject.pk, act=ACT_CONSENTS, at=now),
    )
    if request.method == "POST":
        form.is_valid()
        data = form.cleaned_data
        guardian = None
        # Looked up even when another field is wrong: the page shows every error it can know at once.
        if data.get("guardian_ref"):
            guardian = subject_for_ref(data["guardian_ref"])
            if guardian is None:
                form.add_error("guardian_ref", _("No customer has this customer number."))
        if not form.errors:
            try:
                recorded = services.consent_form_record(
                    actor=actor_for_user(request.user),
                    subject=subject,
                    answers=[
                        services.FormAnswer(
                            purpose=notice.purpose,
                            # The version the page showed: refused if another took effect since.
                            notice_version=shown,
                            agreed=agreed,
                            sensitive_acknowledged=acknowledged,
                            child_agreed=child_agreed,
                            # The page showed the notice in the customer's language, for the officer to
                            # read out or hand over.
                            notice_language=_notice_language_shown(notice, subject.preferred_language),
                        )
                        for notice, agreed, acknowledged, shown, child_agreed in form.answers()
                    ],
                    channel=data["channel"],
                    evidence=data["evidence"],
                    guardian=guardian,
                    child_evidence=data.get("child_evidence", ""),
                    who_answered=services.WhoAnswered(
                        by=data["answered_by"], notice_given=data["notice_given"],
                        authority=data["authority"], representative_id=data.get("representative"),
                    ),
                )
            except DomainError as error:
                code = getattr(error, "purpose_code", None)
                target = {"guardian": "guardian_ref"}.get(error.field or "", error.field)
                if code and target in (None, *_PURPOSE_FIELDS, "notice_version", "answers"):
                    target = f"{_PURPOSE_FIELDS.get(target, 'answer')}_{code}"
                form_error(form, error, field=target)
            else:
                form_succeeded(request, _("Consent form recorded. Give the customer the receipts."))
                if len(recorded) == 1 and not recorded.kept:
                    return redirect("consents:staff_receipt", pk=recorded[0].pk)
                url = reverse("consents:staff_recorded", kwargs={"pk": subject.pk})
                query = [("record", str(c.pk)) for c in recorded]
                query += [("kept", str(pk)) for pk in recorded.kept]
                return redirect(f"{url}?{urlencode(query)}")
    language = subject.preferred_language
    names_en = selectors.recipient_names_en()
    # The consents a "no" withdraws (live, in term, consent-based), with what withdrawing them means, in
    # the customer's language like the notice: the officer reads it out.
    if_no = selectors.withdrawal_consequences_of_subject_read_out(subject, now=now)
    return render(
        request,
        "consents/staff_grant.html",
        {
            "subject": subject,
            "form": form,
            "notices": notices,
            "barred_for_child": barred,
            "purposes": [
                _purpose_block(form, n, language, names_en, if_no.get(n.purpose_id)) for n in notices
            ],
            # A refusal the unverified guardian caused comes with the way to verify them.
            "guardian_to_verify": guardian_to_verify(subject, user=request.user) if form.errors else None,
        },
    )


@staff_required("consents.view_consent")
def staff_recorded(request, pk):
    """What a consent form recorded: each purpose with its yes or no and its receipt, and the ways on."""
    subject = found_or_404(subject_by_id(pk))
    ids = request.GET.getlist("record")
    records = list(selectors.consents_by_ids(_uuids(ids), subject=subject))
    # Those a "yes" re-confirmed: already in force, nothing new recorded (`services.FormRecorded.kept`).
    kept = set(_uuids(request.GET.getlist("kept")))
    for consent in records:
        consent.kept_in_force = consent.pk in kept
    return render(request, "consents/staff_recorded.html", {"subject": subject, "records": records})


def _uuids(values) -> list[uuid.UUID]:
    found = []
    for value in values[:50]:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


@staff_required("consents.change_consent")
@posted_once
def staff_withdraw(request, pk):
    consent = found_or_404(selectors.consent_by_id(pk))
    # What the service would refuse is not offered: the page says why, with no form.
    refusal = selectors.consent_withdraw_refusal(consent, now=timezone.now())
    if refusal is not None:
        status = 409 if request.method == "POST" else 200
        context = {"consent": consent, "form": None, "refusal": refusal}
        return render(request, "consents/staff_withdraw.html", context, status=status)
    form = WithdrawForm(
        request.POST or None,
        representatives=representatives_for_act(consent.subject_id, act=ACT_CONSENTS, at=timezone.now()),
    )
    if request.method == "POST" and form.is_valid():
        call_with_messages(
            request,
            lambda: services.consent_withdraw(
                actor=actor_for_user(request.user), consent_id=consent.pk,
                **{name: value for name, value in form.cleaned_data.items() if name != "representative"},
                representative_id=form.cleaned_data["representative"],
            ),
            selectors.withdrawal_told,
        )
        return redirect("subjects:customer_detail", pk=consent.subject_id)
    return render(
        request,
        "consents/staff_withdraw.html",
        {
            "consent": consent,
            "form": form,
            "consequences": selectors.withdrawal_consequences_read_out(consent),
        },
    )


@staff_required("consents.void_consent")
@posted_once
def staff_void(request, pk):
    """Void a consent recorded in error (the wrong customer, the wrong purpose, twice): the confirmation,
    with the reason and the note; then the consent's page, which says it. To the person who recorded it,
    or for a consent that can no longer be voided, the page says why and offers no form."""
    consent = found_or_404(selectors.consent_by_id(pk))
    refusal = selectors.consent_void_refusal(consent, actor_for_user(request.user))
    reasons = selectors.void_reasons(consent)
    form = None if refusal else VoidForm(request.POST or None, reasons=reasons)
    if form is not None and request.method == "POST":
        voided = form_submit(
            request,
            form,
            lambda: services.consent_void(
                actor=actor_for_user(request.user), consent_id=consent.pk, **form.cleaned_data
            ),
            _("The consent is voided as recorded in error. Any recipient it covered is told to stop."),
        )
        if voided:
            return redirect("consents:staff_receipt", pk=consent.pk)
    if refusal is not None:
        status = refusal.status if request.method == "POST" else 200
    else:
        status = 400 if form.errors else 200
    context = {"consent": consent, "form": form, "refusal": refusal, "reasons_limited": len(reasons) == 1}
    return render(request, "consents/staff_void.html", context, status=status)


@staff_required("consents.view_consent")
def staff_receipt(request, pk):
    """The staff copy of a receipt: the customer's words (a withdrawal reason) stay masked until the
    staff member says why they need them (need to know), which the audit entry of the view records."""
    consent = found_or_404(selectors.consent_by_id(pk))
    events = list(selectors.consent_events_with_actors(consent))
    reason_form = AccessReasonForm(request.POST or None, subject=consent.subject)
    reason = reason_form.reason_text() if request.method == "POST" and reason_form.is_valid() else None
    return receipt_response(
        request,
        consent,
        base="portal/base.html",
        events=events,
        disclosure=subject_view(
            consent.subject, user=request.user, context="portal.consent_receipt", reason=reason
        ),
        reason_form=reason_form,
        # Revealed for a reason: the downloads carry it, so the file shows what the page does.
        revealed_with=reason_form if reason else None,
        voided=selectors.consent_void_of(consent, events=events),
        can_void=consent.pk in _voidable(request, [consent]),
    )


@staff_required("consents.view_consent")
def staff_as_of(request, pk):
    """Every purpose as it stood for this customer at a chosen past moment (an inspector's or a complaint's
    "was it allowed on 3 March?"), from the recorded history; each look-up is audited as a view of the
    customer's personal data, with the moment asked."""
    subject = found_or_404(subject_by_id(pk))
    form = MomentAskedForm(request.GET or None)
    moment = form.cleaned_data["moment"] if form.is_valid() else None
    states = None
    if moment is not None:
        subject_view(subject, user=request.user, context="portal.consents_as_of")
        states = selectors.consent_states_at(subject, at=moment)
    context = {"subject": subject, "form": form, "states": states, "moment": moment}
    return render(request, "consents/staff_as_of.html", context, status=400 if form.errors else 200)
