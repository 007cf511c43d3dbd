"""Withdrawals and the duties they open: who must stop when a consent ends, what the customer is told
before withdrawing, and each recipient's duty to acknowledge that it stopped (or, after a rectification,
that it corrected the data: the same duties, of the other `kind`)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.catalogue import purpose_in_force, versions_prefetch
from consents.follow_ups import withdrawal_follow_ups_explained
from consents.models import Consent, ConsentEvent, ConsentStatus, DataCategory, Recipient, WithdrawalDuty
from consents.scope import recipient_ids_agreed
from consents.selectors.rule import term_ended
from consents.states import CONSENT_MACHINE, DUTY_MACHINE
from core.actors import Actor, ActorKind
from deadlines.wording import binding_period_named
from integrations.models import OutboxMessage

# Why a consent cannot be withdrawn now (`consent_withdraw_refusal`): it is no longer in force, its term ran
# out (not yet swept: the withdrawal service records the expiry instead), or its purpose relies on
# another legal basis by the version in force.
NOT_LIVE, TERM_ENDED, NOT_CONSENT_BASED = "not_live", "term_ended", "not_consent_based"


def consent_withdraw_refusal(consent: Consent, *, now: datetime) -> str | None:
    """Why the consent cannot be withdrawn at `now` (`NOT_LIVE`, `TERM_ENDED`, `NOT_CONSENT_BASED`), or
    None when it can: the rule `consents.services.withdrawals.consent_withdraw_in_transaction` applies to
    the locked consent, so a page offers the withdrawal exactly when the service would take it. The
    permission (`consents.change_consent`, or a customer's own consent) is the caller's to check."""
    if not CONSENT_MACHINE.is_allowed(consent.status, ConsentStatus.WITHDRAWN):
        return NOT_LIVE
    if term_ended(consent, at=now):
        return TERM_ENDED
    if not purpose_in_force(consent.purpose, now).consent_based:
        return NOT_CONSENT_BASED
    return None


def withdrawal_recipients(consent: Consent) -> list[Recipient]:
    """The recipients the consent let the bank share with, who must stop processing when it ends
    (withdrawn, voided, expired, replaced), with their endpoints: whom the duties go to and whom the
    withdrawal confirmation names, so the customer is told who is told.

    Those named in what the customer agreed to received the data, so they are told even when a later
    narrowing removed them or the bank has since deactivated them (domain notes: the bank makes
    recipients stop, keeping their acknowledgements). Those the purpose names now beyond that are told
    while active: a later widening reached them without this customer's agreement, and an inactive one
    is no longer sent data. A consent whose agreement names no recipients at all takes the purpose's
    recipients (`recipient_ids_agreed`): a duty staff close as "never received" costs less than a
    recipient left processing."""
    named = recipient_ids_agreed(consent)
    if named is None:
        told = Q(purposes=consent.purpose_id)
    else:
        told = Q(pk__in=named) | Q(purposes=consent.purpose_id, active=True)
    return list(Recipient.objects.filter(told).distinct().select_related("endpoint").order_by("pk"))


def purpose_change_recipients(consent: Consent, removed: list[Recipient]) -> list[Recipient]:
    """Of the recipients a change of the consent's purpose `removed` (all of them its recipients just
    before the change), those `withdrawal_recipients` would have named for the consent then: named in what
    the customer agreed to, or still active, or any of them when the agreement names none. Read from the
    change's own list, since the purpose's recipients may have changed since."""
    named = recipient_ids_agreed(consent)
    return [r for r in removed if named is None or r.pk in named or r.active]


def withdrawal_consequences(consent: Consent, *, now: datetime | None = None) -> list[str]:
    """What withdrawing the consent means, stated before it takes effect (domain notes: consequences
    explained first), in the reader's language.

    The DPO's own text for the purpose comes first; without one, the standard sentence of the category
    the purpose's version in force at `now` has (`purpose_in_force`: the row's lags it until the job
    runs). Then, when that version processes biometric data, whatever its category, what the law makes
    of the withdrawal: the DPO's text cannot leave it out (domain notes). The recipients named are
    those the withdrawal tells to stop (`withdrawal_recipients`); what the apps above end with it
    (`consents.follow_ups.withdrawal_follow_ups_explained`: third parties' access) is said too."""
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
        "security": _("The bank stops using this data to protect your account and your transactions."),
        "analytics": _("Your use of the app is no longer analysed."),
        "support": _("We will not use your feedback to improve our services; we still answer your requests."),
    }
    purpose = consent.purpose
    in_force = purpose_in_force(purpose, now or timezone.now())
    if purpose.consequences:
        result = [purpose.consequences]
    else:
        result = [lines[in_force.category]] if in_force.category in lines else []
    if DataCategory.BIOMETRIC in in_force.data_categories:
        # Decision 2345/QĐ-NHNN: online transfers above 10 million VND (or 20 million VND a day) need
        # biometric authentication; an OTP does not replace it. The data decides, not the category.
        result.append(
            _(
                "Biometric authentication stops. Online transfers above 10 million VND, or above 20 million "
                "VND in total in a day, then need biometric authentication by law (Decision 2345/QĐ-NHNN), "
                "so you will have to make them at a branch."
            )
        )
    recipients = ", ".join(recipient.name_in_reader_language for recipient in withdrawal_recipients(consent))
    if recipients:
        result.append(
            _("We tell %(recipients)s to stop within %(deadline)s and keep their confirmation.")
            % {
                "recipients": recipients,
                "deadline": binding_period_named("withdraw", processor_involved=True),
            }
        )
    # What the apps above end with it (third parties' access to the customer's accounts), said first too.
    result += withdrawal_follow_ups_explained(subject=consent.subject, purposes=[purpose])
    result.append(
        _(
            "Withdrawal takes effect from now; it does not undo processing already done, and data the law "
            "requires the bank to keep stays until its retention period ends."
        )
    )
    return result


def withdrawal_consequences_of_subject(
    subject, *, now: datetime | None = None
) -> list[tuple[Consent, list[str]]]:
    """The subject's consents a withdrawal request would end at `now`, those `consent_withdraw_refusal`
    lets go (live, in term, consent-based), by purpose code, each with `withdrawal_consequences`: what a
    request explains first, as the page withdrawing one consent does."""
    now = now or timezone.now()
    live = (
        Consent.objects.filter(subject=subject, status=ConsentStatus.GRANTED)
        .select_related("purpose")
        .prefetch_related(versions_prefetch("purpose__notices"))
        .order_by("purpose__code")
    )
    return [
        (consent, withdrawal_consequences(consent, now=now))
        for consent in live
        if consent_withdraw_refusal(consent, now=now) is None
    ]


def with_notice_status(duties: QuerySet[WithdrawalDuty]) -> QuerySet[WithdrawalDuty]:
    """`duties` annotated `notice_status`, their notice's outbox status (none without an endpoint), in
    the same query: the evidence of when each recipient was told (`consents.receipts.duty_told`)."""
    status = OutboxMessage.objects.filter(pk=OuterRef("notice_message_id")).values("status")[:1]
    return duties.annotate(notice_status=Subquery(status))


def withdrawal_duties(
    *, client=None, now: datetime | None = None, latest_acknowledged_first: bool = False
) -> QuerySet[WithdrawalDuty]:
    """Recipients' duties, withdrawals' and corrections' alike, the first due first (or the latest
    acknowledged first); only the recipients' of an integration `client`, when given. Each is annotated
    `late` against `now`: acknowledged after its due time, or still open past it; and `notice_status`
    (`with_notice_status`), which tells whether its recipient was told or is staff's to reach by hand."""
    now = now or timezone.now()
    duties = with_notice_status(
        WithdrawalDuty.objects.select_related("recipient", "subject", "consent__purpose", "purpose")
    )
    duties = duties.annotate(
        late=Case(
            # A stop called off was due no more (`WithdrawalDuty.late`).
            When(status=WithdrawalDuty.Status.CALLED_OFF, then=Value(False)),
            When(acknowledged_at__gt=F("due_at"), then=Value(True)),
            When(acknowledged_at__isnull=True, due_at__lt=now, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by(*(["-acknowledged_at", "due_at", "pk"] if latest_acknowledged_first else ["due_at", "pk"]))
    return duties if client is None else duties.filter(recipient__client=client)


def withdrawal_duties_of_consent(consent: Consent) -> QuerySet[WithdrawalDuty]:
    """The duties the consent's withdrawal opened, with their recipients (one query), in the
    recipients' order: the proof of when each recipient stopped (notices of a correction are not)."""
    return withdrawal_stops(consent.duties.all())


def withdrawal_stops(duties: QuerySet[WithdrawalDuty] | None = None) -> QuerySet[WithdrawalDuty]:
    """Of `duties` (all, if not given) the stops withdrawals opened, with their recipients, in the
    recipients' order: what `recipient_stops` shows (a prefetch of consents' stops reads this too)."""
    duties = WithdrawalDuty.objects.all() if duties is None else duties
    stops = duties.stops().select_related("recipient").order_by("recipient__name", "due_at")
    return with_notice_status(stops)


def withdrawal_duties_of_consents(consent_ids) -> dict:
    """The duties each of these consents' withdrawals opened, by consent id, in the order
    `withdrawal_duties_of_consent` gives, with their recipients: one query for all of them."""
    duties: dict = {}
    for duty in withdrawal_stops(WithdrawalDuty.objects.filter(consent_id__in=list(consent_ids))):
        duties.setdefault(duty.consent_id, []).append(duty)
    return duties


def withdrawal_duties_open(*, now: datetime | None = None) -> QuerySet[WithdrawalDuty]:
    """Open duties, earliest due first, each annotated `overdue` against `now` (for the deadline report)."""
    now = now or timezone.now()
    return (
        WithdrawalDuty.objects.filter(status=WithdrawalDuty.Status.OPEN)
        .annotate(
            overdue=Case(
                When(due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .select_related("recipient", "consent__purpose", "subject")
        .order_by("due_at")
    )


def withdrawal_duties_open_counts(*, now: datetime) -> tuple[int, int]:
    """How many duties are open, and how many of those are overdue at `now` (the dashboard's cards)."""
    counts = WithdrawalDuty.objects.filter(status=WithdrawalDuty.Status.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))
    )
    return counts["open"], counts["overdue"]


def stop_notices_of_source(
    *, subject_id, source: str, now: datetime | None = None
) -> QuerySet[WithdrawalDuty]:
    """The recipients told to stop by the withdrawals `source` made (opaque here: a deletion request's
    "dsr.request:<uuid>"), open or acknowledged, the first due first, each with its recipient and
    annotated `late`."""
    return (
        withdrawal_duties(now=now)
        .stops()
        .filter(subject_id=subject_id, consent_id__in=_withdrawn_by(subject_id, source))
        .order_by("due_at", "recipient__name")
    )


def _withdrawn_by(subject_id, source: str) -> QuerySet:
    """The ids of the customer's consents `source` withdrew, as a subquery."""
    return ConsentEvent.objects.filter(
        subject_id=subject_id, kind=ConsentStatus.WITHDRAWN, source=source
    ).values("consent_id")


def notices_of_source(
    *, kind: str, subject_id, source: str, now: datetime | None = None
) -> QuerySet[WithdrawalDuty]:
    """The duties of `kind` that `source` opened (opaque here: a request's "dsr.request:<uuid>": a
    rectification's corrections, a restriction's stops, an erasure's deletions), open or acknowledged,
    the first due first, each with its recipient and annotated `late`."""
    return (
        withdrawal_duties(now=now)
        .filter(kind=kind, subject_id=subject_id, source=source)
        .order_by("due_at", "recipient__name")
    )


def restriction_stops_open_of_source(*, subject_id, source: str) -> QuerySet[WithdrawalDuty]:
    """The open duties to stop that the restriction or objection of `source` opened, the first due
    first, each with its recipient."""
    return (
        WithdrawalDuty.objects.filter(
            kind=WithdrawalDuty.Kind.RESTRICTION, subject_id=subject_id, source=source,
            status=WithdrawalDuty.Status.OPEN,
        )
        .select_related("recipient")
        .order_by("due_at", "recipient__name")
    )


def notices_by_kind_and_purpose(subject_id, *, kinds) -> dict[str, dict[str, list[WithdrawalDuty]]]:
    """Every duty of these `kinds` the customer's changes sent to recipients, by kind, then by the code
    of the purpose the recipient received the data for (`WithdrawalDuty.purpose_shared`: a consent's,
    or the purpose itself when it rests on no consent), the purposes by code, each one's notices in the
    order they were sent, with their recipients and purposes: one query for every kind (the customer's
    export lists corrections, restrictions' stops and erasures' deletions together)."""
    notices = with_notice_status(
        WithdrawalDuty.objects.filter(kind__in=list(kinds), subject_id=subject_id)
        .select_related("recipient", "purpose", "consent__purpose")
        .order_by("received_at", "recipient__name", "pk")
    )
    by_kind: dict[str, dict[str, list[WithdrawalDuty]]] = {}
    for notice in notices:
        by_kind.setdefault(notice.kind, {}).setdefault(notice.purpose_shared.code, []).append(notice)
    return {kind: dict(sorted(by_purpose.items())) for kind, by_purpose in by_kind.items()}


def withdrawal_told(consent: Consent) -> str:
    """What staff are told once the consent is withdrawn: who was sent a stop notice, and who is theirs
    to contact by hand (no endpoint, or a recipient no longer active); no recipient, nobody."""
    sent, by_hand = [], []
    for duty in withdrawal_duties_of_consent(consent):
        (sent if duty.notice_message_id else by_hand).append(duty.recipient.name_in_reader_language)
    told = [_("Consent withdrawn.")]
    if sent:
        told.append(_("A stop notice was sent to %(names)s.") % {"names": ", ".join(sent)})
    if by_hand:
        told.append(
            _("Contact %(names)s by hand to stop, and record the confirmation on Recipient notices.")
            % {"names": ", ".join(by_hand)}
        )
    return " ".join(told)


def duty_allowed_actions(duty: WithdrawalDuty, actor: Actor) -> frozenset[str]:
    """What this actor may do with the duty now: "acknowledge" (pages and API ask this; the caller
    checks the staff member's permission). An integration client acknowledges only the duties of the
    recipients it speaks for."""
    if actor.is_client and duty.recipient.client_id != actor.user_id:
        return frozenset()
    if DUTY_MACHINE.is_allowed(duty.status, WithdrawalDuty.Status.ACKNOWLEDGED):
        return frozenset({"acknowledge"})
    return frozenset()


# What a recipient's own client reads of a confirmation the bank's staff recorded: that staff recorded it
# (who acted by kind, as on requests), not which colleague nor their free text, the bank's working note
# (its contact at the recipient, its own judgement). It still reads when, and its own reference.
DUTY_AS_A_CLIENT_READS_STAFF_CONFIRMATION = {
    "acknowledged_by_label": ActorKind.STAFF.value, "acknowledgement_note": "",
}


def duty_fields_masked_for(duty: WithdrawalDuty, actor: Actor) -> dict[str, str | None]:
    """The duty's fields `actor` reads otherwise than stored, with what it reads instead: a client never
    reads staff's reason for its lateness (the bank's own free text), nor, on a confirmation staff
    recorded, who recorded it and their note (`DUTY_AS_A_CLIENT_READS_STAFF_CONFIRMATION`)."""
    if not actor.is_client:
        return {}
    if duty.confirmed_through == WithdrawalDuty.ConfirmedThrough.STAFF:
        return {**DUTY_AS_A_CLIENT_READS_STAFF_CONFIRMATION, "late_reason": None}
    return {"late_reason": None}


def withdrawal_complete(consent: Consent) -> bool:
    """A withdrawal is complete when every recipient acknowledged stopping."""
    return (
        consent.status == ConsentStatus.WITHDRAWN
        and not consent.duties.stops().filter(status=WithdrawalDuty.Status.OPEN).exists()
    )


# Why the bank told a recipient to stop although the customer's consent stands (`scope_stops_open`),
# kept in the duty's `source` as "consents.purpose_change:<cause>:<purpose code>".
CAUSE_RECIPIENT_REMOVED = "recipient_removed"
CAUSE_PURPOSE_RETIRED = "purpose_retired"
# A widening in effect: the consents on older versions no longer cover what the bank does with the purpose.
CAUSE_PURPOSE_WIDENED = "purpose_widened"


def purpose_change_source(cause: str, code: str) -> str:
    return f"consents.purpose_change:{cause}:{code}"


def purpose_change_stops_of_subject(subject_id) -> list[WithdrawalDuty]:
    """The recipients the bank told to stop processing the customer's data when it narrowed, retired or
    widened a purpose they consented to, the latest first, each with its recipient, purpose and `cause`:
    the customer's page shows them, as it shows whom a withdrawal told. A widening's pause is shown while
    the consent it paused stands: once the customer agreed to the new version (or ended the consent), its
    recipients were told to resume, or to stop as that end tells them."""
    duties = (
        WithdrawalDuty.objects.filter(subject_id=subject_id, kind=WithdrawalDuty.Kind.PURPOSE_CHANGE)
        .select_related("recipient", "consent__purpose")
        .order_by("-received_at", "recipient__name")
    )
    for duty in duties:
        duty.cause = duty.source.split(":")[1] if duty.source.count(":") == 2 else ""
    live = ConsentStatus.GRANTED
    return [d for d in duties if d.cause != CAUSE_PURPOSE_WIDENED or d.consent.status == live]
