"""The grant: one service for the staff form, the customer's pages, the API, consent forms and the CSV
import's rows that replace a consent the customer outgrew (`consents.services.import_rows`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import Consent, ConsentEvent, ConsentStatus, NoticeVersion
from consents.selectors import notice_current
from consents.selectors.rule import consent_outgrown
from consents.services.answer_times import answer_time_audit, answered_at_of
from consents.services.duties import duties_open_for_withdrawal
from consents.services.phone_confirmations import phone_acts_confirm
from consents.services.records import (
    answer_build,
    answer_record,
    answer_start,
    consent_transition,
    live_within_term,
)
from consents.services.rules import GrantRequest, channel_validate, grant_validate, guardianship_of_answer
from consents.services.widening_pauses import widening_pauses_lift, widening_pauses_lock
from core.actors import Actor
from core.db import conflict_on_duplicate, durable_entry_point
from core.errors import Conflict
from subjects.staff_records import own_record_check


def grant_build(
    request: GrantRequest, *, notice: NoticeVersion, actor: Actor, now: datetime, **fields
) -> Consent:
    """The unsaved record of a grant (the grant service and the CSV import): an answer's proof, the
    child's agreement beside the guardian's and the acknowledgement of sensitive data."""
    return answer_build(
        request,
        notice=notice,
        actor=actor,
        now=now,
        child_agreed=request.child_agreed,
        child_evidence=request.child_evidence.strip(),
        sensitive_acknowledged=request.sensitive_acknowledged,
        **fields,
    )


def consent_grant_in_transaction(
    *,
    actor: Actor,
    request: GrantRequest,
    now: datetime | None = None,
    answered_at: datetime | None = None,
    source: str = "",
    import_key: str | None = None,
    in_force_kept: bool = False,
    caller_confirms: bool = False,
) -> Consent:
    """Record a grant inside the caller's transaction. A live consent to an older notice is superseded,
    and so is one the customer outgrew (`consent_outgrown`: given by the guardian alone for a child
    now 7 or over) even on the same notice version: this grant is the agreement it waits for.

    `answered_at`, `source` and `import_key` as for a refusal (`consent_refuse_in_transaction`): the CSV
    import's row that replaces an outgrown consent, judged on the day the customer consented (the
    notice then in effect, the age and the guardian then), its event dated that day, the audit
    entries the moment of the import. The consent an answer dated before its recording replaces ends
    when it was given (its supersession dated then), its recipients' stop clocks from `now`.

    A consent already in force on the notice version in force is refused (409 `already_granted`, the
    API's answer), or with `in_force_kept` returned as it is, nothing written: a consent form's "yes"
    re-confirming it (`consent_form_record`). A grant recorded by phone is confirmed to the customer
    (`phone_acts_confirm`) unless `caller_confirms`: a form confirms all its answers in one message."""
    channel_validate(actor, request.channel, source=source)
    own_record_check(actor, request.subject.pk)
    with transaction.atomic(savepoint=False):
        request, live = answer_start(request)
        # Read the clock once the live row is ours: a grant that waited for a withdrawal must not
        # carry a time before it.
        now = now or timezone.now()
        answered_at = answered_at or answered_at_of(request, now=now)
        notice = notice_current(request.purpose, now=answered_at)
        guardianship = guardianship_of_answer(request, at=answered_at, now=now)
        grant_validate(request, now=answered_at, current_notice=notice, guardianship=guardianship)
        # The pages ask the customer to switch an expired consent on again: not only once the sweep ran.
        live = live_within_term(live, at=answered_at, now=now)
        superseded = live
        if live is not None:
            same_notice = live.notice_id == notice.pk
            outgrown = consent_outgrown(live, request.subject.date_of_birth, timezone.localdate(answered_at))
            if same_notice and not outgrown:
                if in_force_kept:
                    return live
                # Named, so a client that sent the grant again after losing the reply can show that one.
                raise Conflict(
                    _("This customer already has a live consent to this purpose and notice version."),
                    code="already_granted",
                    data={"consent": str(live.pk)},
                )
            # Before the transition's audit entry, as the lock order asks (`stops_lock`).
            paused = widening_pauses_lock(live)
            consent_transition(
                actor=actor,
                consent=live,
                to=ConsentStatus.SUPERSEDED,
                now=now,
                channel=request.channel,
                source=source,
                reason="own agreement given" if same_notice else "new notice version",
                # Replaced when the customer gave the new answer: never two consents in force at once.
                effective_at=answered_at if answered_at < now else None,
            )
        consent = grant_build(
            request,
            notice=notice,
            actor=actor,
            now=answered_at,
            expires_at=request.expires_at,
            import_key=import_key,
        )
        # The partial unique index is the last word when two channels grant at the same instant.
        with conflict_on_duplicate(
            Conflict(_("This customer already has a live consent to this purpose."), code="already_granted")
        ):
            consent.save(force_insert=True)
        if superseded is not None:
            # The recipients the new notice no longer names received the data under the old consent: told
            # to stop now, as the customer's agreement to them ends here.
            duties_open_for_withdrawal(actor=actor, consent=superseded, now=now, successor=consent)
            # Those it names that a widening paused under the old consent may process again.
            widening_pauses_lift(actor=actor, successor=consent, locked=paused, now=now)
        answer_record(
            consent,
            kind=ConsentEvent.Kind.GRANTED,
            request=request,
            notice=notice,
            actor=actor,
            now=now,
            at=answered_at,
            source=source,
            extra={
                "sensitive_acknowledged": request.sensitive_acknowledged,
                "child_agreed": request.child_agreed,
                **answer_time_audit(source=source, answered_at=answered_at, now=now),
                **({"outcome_defaulted": True} if request.outcome_defaulted else {}),
            },
        )
        if not caller_confirms:
            phone_acts_confirm(actor=actor, subject=request.subject, consents=[consent],
                               channel=request.channel, source=source, now=now)
    return consent


consent_grant = durable_entry_point(consent_grant_in_transaction)
