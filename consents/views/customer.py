"""The customer's consent pages: a switch per purpose, the grant and withdrawal confirmations (receipts:
`consents.views.receipts`)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consents import selectors, services
from consents.models import Channel
from consents.scope import (
    automated_processing_named,
    data_categories_named,
    purpose_scope,
    scope_recipients_in_reader_language,
)
from consents.selectors.rule import own_agreement_due
from core.access import customer_required, found_or_404
from core.actors import actor_for_user
from core.context import request_context
from core.errors import DomainError
from core.forms import call_with_messages, form_succeeded
from integrations.form_once import posted_once
from subjects.children import consents_only_with_guardian, guardian_to_be_recorded, may_be_child
from subjects.crypto import fingerprint
from subjects.selectors import ward_verified_by_id, wards_verified

CUSTOMER_CHANNEL = Channel.INTERNET_BANKING
CHILD_AGREES_ELSEWHERE = gettext_lazy(
    "The child's own agreement cannot be given on the guardian's page: it is recorded at a branch, with its "
    "evidence, or by the bank through its systems. Nothing was recorded."
)
# The grant's own refusal speaks of "the customer" to the officer; the customer reads it beside the box.
SENSITIVE_NOT_TICKED = gettext_lazy(
    "Tick the box below to confirm that you understand this purpose uses sensitive personal data and that "
    "you explicitly agree. Nothing was recorded."
)


def _session_ref(request) -> str:
    """A keyed fingerprint of the session: proves which sign-in gave the consent without storing the
    session key itself (which would let anyone reading the record take over the session)."""
    return fingerprint(request.session.session_key)


def _rows(
    subject,
    switches: list[selectors.ConsentSwitch],
    *,
    now,
    names_en: dict[int, str],
    ward_id: str | None = None,
) -> list[dict]:
    """The cards of these `switches` of `subject` (`ConsentSwitches.needing_consent` or `on_other_basis`,
    which judge each purpose by its version in force, not by its row). `names_en`: the recipients'
    English names (`selectors.recipient_names_en`), read once per page."""
    rows = []
    for switch in switches:
        purpose = switch.purpose
        # The version a grant now would record (the notices come prefetched): its full text in the
        # reader's language, shown before the switch can be turned on, and its scope, which the
        # purpose row only gets when the versions job runs.
        notice = selectors.notice_current(purpose, now=now)
        scope = notice.scope if notice else purpose_scope(purpose)
        rows.append(
            {
                "purpose": purpose,
                "switch": switch,
                "card": _card(purpose.code, ward_id),
                "state": switch.state,
                "agreed": switch.agreed,
                "on": switch.on,
                "outdated": switch.outdated,
                "stands": switch.stands,
                "withdrawn_apart": switch.withdrawn_apart,
                "closed": switch.closed,
                "why": switch.why(ward=subject if ward_id else None),
                "state_label": switch.state_label(ward=subject if ward_id else None),
                "notice": notice,
                "notice_text": notice.text if notice else "",
                "notice_version": notice,
                "scope": scope,
                "recipients": scope_recipients_in_reader_language(scope["recipients"], names_en),
                "data_categories": data_categories_named(scope.get("data_categories")),
                "automated": automated_processing_named(scope.get("automated_processing")),
            }
        )
    return rows


def _for_consent(subject, rows: list[dict], *, now, screened: bool) -> list[dict]:
    """The `rows` of purposes that need consent, as the page offers them to `subject`. `screened`: the
    subject may be a child (a ward, or the customer by their age), so a purpose barred for children is
    not offered, the grant would be refused; a consent they still hold to one (the purpose became barred
    by a new version) stays in sight, to be withdrawn only, as easily as it was given."""
    shown = []
    for row in rows:
        offered = not screened or services.purpose_offered_to_ward(
            row["purpose"], row["notice_version"], subject, now=now
        )
        if offered or row["stands"]:
            shown.append({**row, "withdraw_only": not offered})
    return shown


def _no_longer_offered(subject, *, switches: selectors.ConsentSwitches, ward_id: str | None = None) -> list:
    """The subject's consents standing to purposes no longer offered: no switch (the bank does not use
    them and takes no new consent to them), but still theirs to withdraw, as the receipt promises."""
    return [
        {"purpose": switch.purpose, "card": _card(switch.purpose.code, ward_id), "state": switch.state}
        for switch in switches.no_longer_offered(subject)
    ]


def _acting_for(subject, ward_id: str | None):
    """(whose consent, the guardian acting or None): the customer themselves, or one of their wards."""
    if not ward_id:
        return subject, None
    try:
        ward = ward_verified_by_id(subject, uuid.UUID(ward_id))
    except ValueError:
        ward = None
    if ward is None:
        raise Http404
    return ward, subject


def _card(code: str, ward_id: str | None = None) -> str:
    """The id of a purpose's card on the consents page: the customer comes back to it after a change,
    and the change's outcome is shown in it."""
    return f"ward-{ward_id}-{code}" if ward_id else f"purpose-{code}"


def _anchor(code: str, ward_id: str | None = None) -> str:
    return f"{reverse('consents:me_consents')}#{_card(code, ward_id)}"


def _back(ward_id: str | None, code: str | None = None):
    url = reverse("consents:me_consents")
    if code:
        return redirect(_anchor(code, ward_id))
    return redirect(f"{url}#ward-{ward_id}" if ward_id else url)


def _by_category(rows: list[dict]) -> list[dict]:
    """The switches grouped by category (marketing, sharing...), so the page reads as a few short lists:
    each purpose's category in force, as the switch has it."""
    groups: dict[str, dict] = {}
    for row in rows:
        switch = row["switch"]
        group = groups.setdefault(switch.category, {"label": switch.category_label, "rows": []})
        group["rows"].append(row)
    return list(groups.values())


@customer_required
def me_consents(request, subject):
    now = timezone.now()
    verified_wards = list(wards_verified(subject))
    switches = selectors.consent_switches_of([subject, *verified_wards], now=now, notice_texts=True)
    names_en = selectors.recipient_names_en()
    child = may_be_child(subject, on=timezone.localdate(now))
    consent_rows = _for_consent(
        subject,
        _rows(subject, switches.needing_consent(subject), now=now, names_en=names_en),
        now=now,
        screened=child,
    )
    # Nothing is inferred from silence: upcoming widenings are announced here, and a consent given to
    # an older version is asked again once the widening is in effect.
    upcoming = selectors.announcements_in_words(
        selectors.announcements_upcoming_for_subject(subject, now=now)
    )
    wards = [
        {
            "ward": ward,
            "rows": _for_consent(
                ward,
                _rows(ward, switches.needing_consent(ward), now=now, names_en=names_en, ward_id=str(ward.pk)),
                now=now,
                screened=True,
            ),
            "no_longer_offered": _no_longer_offered(ward, switches=switches, ward_id=str(ward.pk)),
        }
        for ward in verified_wards
    ]
    return render(
        request,
        "consents/me_consents.html",
        {
            "subject": subject,
            "consent_rows": consent_rows,
            "consent_groups": _by_category(consent_rows),
            "other_rows": _rows(subject, switches.on_other_basis(subject), now=now, names_en=names_en),
            "no_longer_offered": _no_longer_offered(subject, switches=switches),
            "told_to_stop": selectors.purpose_change_stops_of_subject(subject.pk),
            "wards": wards,
            "upcoming": upcoming,
            "ask_again": [r for r in consent_rows if r["outdated"] and not r["withdraw_only"]],
            "child": child,
        },
    )


@customer_required
@require_POST
@posted_once
def me_consent_set(request, code, subject):
    """A switch was moved: either way the customer confirms first. Turning on leads to the consent
    confirmation (what they agree to, the notice), whose button posts back here with `confirmed`;
    turning off leads to the withdrawal confirmation.

    With `ward`, the customer acts as the verified guardian of that child (who then consents with them
    from 7 to under 16, or through them alone under 7); the service applies the children's rules.
    """
    ward_id = request.POST.get("ward") or None
    whose, guardian = _acting_for(subject, ward_id)
    purpose = found_or_404(selectors.purpose_by_code(code, active_only=True))
    if request.POST.get("on") != "1":
        if selectors.consent_granted(whose, purpose) is None:
            # Nothing chosen and nothing standing: no consent is given and none withdrawn.
            messages.info(
                request,
                _("Nothing changed: you have not agreed to “%(purpose)s”, and it stays off.")
                % {"purpose": purpose.name},
                extra_tags=_card(code, ward_id),
            )
            return _back(ward_id, code)
        url = reverse("consents:me_withdraw", kwargs={"code": code})
        return redirect(f"{url}?ward={ward_id}" if ward_id else url)
    if request.POST.get("confirmed") != "1":
        url = reverse("consents:me_consent_confirm", kwargs={"code": code})
        return redirect(f"{url}?ward={ward_id}" if ward_id else url)
    if "child_agreed" in request.POST:
        # The guardian's session cannot give the child's own agreement (Decree 13/2023 Art. 20): nothing
        # is recorded, and the page says where the child agrees.
        return _confirm_page(
            request, code, whose, guardian, ward_id, error=CHILD_AGREES_ELSEWHERE, status=400
        )
    try:
        services.consent_grant(
            actor=actor_for_user(request.user),
            request=services.GrantRequest(
                subject=whose,
                purpose=purpose,
                # The version whose text the page showed beside the switch, not whatever is current now.
                notice_version=request.POST.get("notice_version", "")[:32],
                channel=CUSTOMER_CHANNEL,
                evidence=f"selfservice:request:{request_context().request_id}",
                session_ref=_session_ref(request),
                device=request.headers.get("User-Agent", "")[:300],
                guardian=guardian,
                sensitive_acknowledged=request.POST.get("sensitive_acknowledged") == "1",
                # The confirmation page showed the notice in the page's language.
                notice_language=get_language(),
            ),
        )
    except DomainError as error:
        if error.code == "notice_outdated":
            # A new version took effect after the confirmation was shown: nothing is recorded, and the
            # customer reads the version a grant would now record before agreeing to it.
            messages.warning(
                request,
                _(
                    "The notice changed while you were reading it. Read the new version below and confirm "
                    "again if you agree."
                ),
            )
            url = reverse("consents:me_consent_confirm", kwargs={"code": code})
            return redirect(f"{url}?ward={ward_id}" if ward_id else url)
        if error.field == "guardian" and guardian is None:
            # A child on their own login: the confirmation says how their consent is given instead.
            return _confirm_page(request, code, whose, guardian, ward_id, status=400)
        if error.field == "sensitive_acknowledged":
            # Answered where the box is, the notice still in front of the customer: one tick finishes it.
            return _confirm_page(
                request, code, whose, guardian, ward_id, ack_error=SENSITIVE_NOT_TICKED, status=400
            )
        messages.error(request, error.text, extra_tags=_card(code, ward_id))
    else:
        form_succeeded(
            request, _("Thank you. Your consent to “%(purpose)s” is recorded.") % {"purpose": purpose.name},
            shown_at=_card(code, ward_id),
        )
    return _back(ward_id, code)


@customer_required
def me_consent_confirm(request, code, subject):
    """The step before consenting: what the customer agrees to, the notice in full, and the explicit
    acknowledgements the purpose needs. Plain HTML, so it works without JavaScript."""
    ward_id = request.GET.get("ward") or None
    whose, guardian = _acting_for(subject, ward_id)
    return _confirm_page(request, code, whose, guardian, ward_id)


def _confirm_page(
    request, code, whose, guardian, ward_id, *, error: str = "", ack_error: str = "", status: int = 200
):
    """The confirmation of a grant; `error`: why the answer posted from it was refused, nothing recorded;
    `ack_error`: the same, said beside the acknowledgement of sensitive data left unticked.
    A ward of 7 or over is told that their own agreement is given at a branch, not on the guardian's page;
    a child on their own login, that their guardian consents with them there."""
    now = timezone.now()
    switches = selectors.consent_switches_of([whose], now=now, notice_texts=True)
    # The purposes the consents page offers, and only those: one barred for children is not offered to a
    # ward or a child, and its confirmation would send them to a branch that must refuse it.
    rows = _for_consent(
        whose,
        _rows(whose, switches.needing_consent(whose), now=now, names_en=selectors.recipient_names_en()),
        now=now,
        screened=guardian is not None or may_be_child(whose, on=timezone.localdate(now)),
    )
    row = next((r for r in rows if r["purpose"].code == code), None)
    if row is None or (row["withdraw_only"] and not row["agreed"]):
        raise Http404
    if row["agreed"]:
        messages.info(request, _("You have already agreed to this purpose."))
        return _back(ward_id, code)
    today = timezone.localdate(now)
    child_agrees_elsewhere = guardian is not None and own_agreement_due(whose.date_of_birth, today)
    # A child on their own login cannot consent alone: told how it is given, with no button.
    child_consents_with_guardian = guardian is None and consents_only_with_guardian(whose, on=today)
    return render(
        request,
        "consents/me_confirm.html",
        {
            "row": row,
            "purpose": row["purpose"],
            "ward": whose if guardian else None,
            "ward_id": ward_id,
            "back": _anchor(code, ward_id),
            "child_agrees_elsewhere": child_agrees_elsewhere,
            "child_consents_with_guardian": child_consents_with_guardian,
            # ...and, when no guardian on file can act for them (theirs has died), that one is recorded first.
            "guardian_to_be_recorded": child_consents_with_guardian
            and guardian_to_be_recorded(whose, on=today),
            # A former or deceased customer's "yes" would be refused: the row's `why` says so instead.
            "offers_yes": not (row["closed"] or child_agrees_elsewhere or child_consents_with_guardian),
            "error": error,
            "ack_error": ack_error,
        },
        status=status,
    )


@customer_required
@posted_once
def me_withdraw(request, code, subject):
    ward_id = request.GET.get("ward") or None
    whose, guardian = _acting_for(subject, ward_id)
    purpose = selectors.purpose_by_code(code, queryset=selectors.purpose_list())
    consent = selectors.consent_granted(whose, purpose)
    if purpose is None or consent is None:
        messages.info(request, _("There is no consent to withdraw for this purpose."))
        return _back(ward_id)
    # What the service would refuse is not offered (as on the staff page): a consent past its term, not
    # yet swept, has ended, and the page says so at once rather than after a confirmation.
    refusal = selectors.consent_withdraw_refusal(consent, now=timezone.now())
    if refusal is not None:
        context = {"purpose": purpose, "consent": consent, "refusal": refusal, "back": _anchor(code, ward_id)}
        status = 409 if request.method == "POST" else 200
        return render(request, "consents/me_withdraw.html", context, status=status)
    if request.method == "POST":
        # A purpose no longer offered has no card left to come back to: its outcome shows at the top.
        shown_at = _card(code, ward_id) if purpose.active else ""
        call_with_messages(
            request,
            lambda: services.consent_withdraw(
                actor=actor_for_user(request.user),
                consent_id=consent.pk,
                channel=CUSTOMER_CHANNEL,
                reason=request.POST.get("reason", "")[:500],
                subject_id=whose.pk,
            ),
            _("Your consent to “%(purpose)s” is withdrawn from now on.") % {"purpose": purpose.name},
            shown_at=shown_at,
        )
        return _back(ward_id, code if shown_at else None)
    return render(
        request,
        "consents/me_withdraw.html",
        {
            "purpose": purpose,
            "consent": consent,
            "consequences": selectors.withdrawal_consequences(consent),
            "ward": whose if guardian else None,
            "back": _anchor(code, ward_id),
        },
    )
