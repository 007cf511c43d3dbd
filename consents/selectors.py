"""Reads of the consents app shared by the API, the pages, tasks and reports.

`consent_check` is the hot path: one indexed query (the subject by CIF, any restriction in force and
the current-state row by subject and purpose), the purpose catalogue from the in-process cache,
nothing decrypted except a ward's date of birth for marketing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from consents.catalogue import PurposeEntry, purpose_entry
from consents.models import (
    Consent,
    ConsentEvent,
    ConsentImport,
    ConsentState,
    ConsentStatus,
    LegalBasis,
    NoticeAnnouncement,
    NoticeVersion,
    ProcessingRestriction,
    Purpose,
    Recipient,
    WithdrawalDuty,
)
from consents.restrictions import restriction_reaches
from consents.states import ANNOUNCEMENT_MACHINE, DUTY_MACHINE
from core.access import subject_for_user
from core.actors import Actor
from core.db import prepared_cursor
from core.errors import InvalidInput, NotFound
from core.roles import Role, user_role
from subjects.models import DataSubject
from subjects.selectors import wards_verified
from subjects.validators import age_on

CHILD_BELOW_AGE = 16
BULK_CHECK_LIMIT = 10_000
_BULK_CHUNK = 1_000


class Reason:
    GRANTED = "granted"
    LEGAL_BASIS = "legal_basis"
    NO_CONSENT = "no_consent"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    RECONSENT_REQUIRED = "reconsent_required"
    RESTRICTED = "restricted"
    OBJECTED = "objected"
    LEGAL_HOLD = "legal_hold"
    CHILD = "child"
    PURPOSE_INACTIVE = "purpose_inactive"
    REFUSED = "refused"


REASON_LABELS = {
    Reason.GRANTED: _("Consent given"),
    Reason.LEGAL_BASIS: _("Allowed by a legal basis other than consent"),
    Reason.NO_CONSENT: _("No consent given"),
    Reason.WITHDRAWN: _("Consent withdrawn"),
    Reason.EXPIRED: _("Consent expired"),
    Reason.RECONSENT_REQUIRED: _(
        "The purpose widened since the consent was given: consent must be asked again"
    ),
    Reason.RESTRICTED: _("Processing restricted at the customer's request"),
    Reason.OBJECTED: _("The customer objected to this processing"),
    Reason.LEGAL_HOLD: _("Data kept under a legal hold serves only the legal obligation"),
    Reason.CHILD: _("Children's data is never used for marketing"),
    Reason.PURPOSE_INACTIVE: _("Purpose no longer offered"),
    Reason.REFUSED: _("The customer refused consent"),
}


@dataclass(frozen=True)
class CheckResult:
    allowed: bool
    reason: str
    consent: object | None
    checked_at: datetime
    # Given by the as-of check: the notice version of the consent in force at that moment.
    notice_version: str | None = None

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS[self.reason])


def _purpose_or_404(code: str) -> PurposeEntry:
    entry = purpose_entry(code or "")
    if entry is None:
        raise NotFound(_("No purpose with this code."), code="purpose_not_found")
    return entry


def _is_child(subject_id, *, on: date | None = None) -> bool:
    born = DataSubject.objects.filter(pk=subject_id).values_list("date_of_birth", flat=True).first()
    return born is not None and age_on(born, on or timezone.localdate()) < CHILD_BELOW_AGE


_RESTRICTION_REASONS = {
    ProcessingRestriction.Kind.LEGAL_HOLD: Reason.LEGAL_HOLD,
    ProcessingRestriction.Kind.OBJECT: Reason.OBJECTED,
    ProcessingRestriction.Kind.RESTRICT: Reason.RESTRICTED,
}


def _restriction_reason(purpose: PurposeEntry, restriction: str | None) -> str | None:
    """The reason the restriction in force stops this purpose, or None when the purpose's legal basis
    is beyond its reach (an objection never stops KYC/AML). The query returns the first kind in code
    order, legal_hold < object < restrict, and each of those reaches no further than the one before."""
    if restriction is None or not restriction_reaches(
        restriction, legal_basis=purpose.legal_basis, category=purpose.category
    ):
        return None
    return _RESTRICTION_REASONS[restriction]


def _decide(
    purpose: PurposeEntry,
    *,
    restriction: str | None,
    ward: bool,
    subject_id,
    state,
    now: datetime,
    is_child=_is_child,
) -> CheckResult:
    def result(allowed: bool, reason: str, consent=None) -> CheckResult:
        return CheckResult(allowed=allowed, reason=reason, consent=consent, checked_at=now)

    blocked_by = _restriction_reason(purpose, restriction)
    if blocked_by is not None:
        return result(False, blocked_by)
    if not purpose.active:
        return result(False, Reason.PURPOSE_INACTIVE)
    if purpose.legal_basis != LegalBasis.CONSENT:
        return result(True, Reason.LEGAL_BASIS)
    # Only wards (subjects with a guardian) can be children, so only theirs is decrypted.
    if purpose.category == "marketing" and ward and is_child(subject_id):
        return result(False, Reason.CHILD)
    if state is None:
        return result(False, Reason.NO_CONSENT)
    consent_id, status, notice_id, expires_at = state
    if status == ConsentStatus.WITHDRAWN:
        return result(False, Reason.WITHDRAWN, consent_id)
    if status == ConsentStatus.REFUSED:
        return result(False, Reason.REFUSED, consent_id)
    if status == ConsentStatus.EXPIRED or (expires_at is not None and expires_at <= now):
        return result(False, Reason.EXPIRED, consent_id)
    if status != ConsentStatus.GRANTED:
        return result(False, Reason.NO_CONSENT, consent_id)
    if purpose.outdates(notice_id, now):
        return result(False, Reason.RECONSENT_REQUIRED, consent_id)
    return result(True, Reason.GRANTED, consent_id)


def _check_sql() -> str:
    subject, state = DataSubject._meta.db_table, ConsentState._meta.db_table
    restriction = ProcessingRestriction._meta.db_table
    # Kinds sort legal_hold < object < restrict, widest reach first (`_restriction_reason`). Table
    # names come from the models and every value is a bound parameter.
    return (
        f"SELECT s.id, s.guardian_id, "  # noqa: S608
        f"(SELECT r.kind FROM {restriction} r WHERE r.subject_id = s.id AND r.lifted_at IS NULL "
        f"AND (r.purpose_id IS NULL OR r.purpose_id = %s) ORDER BY r.kind LIMIT 1), "
        f"cs.consent_id, cs.status, cs.notice_id, cs.expires_at "
        f"FROM {subject} s LEFT JOIN {state} cs ON cs.subject_id = s.id AND cs.purpose_id = %s "
        f"WHERE s.external_ref = %s"
    )


def _uuid(value) -> uuid.UUID | None:
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _aware(value) -> datetime | None:
    """Raw SQL skips Django's converters: SQLite hands back naive UTC date-times (or text)."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    return parsed if parsed is None or timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def consent_check(*, subject_ref: str, purpose_code: str, now: datetime | None = None) -> CheckResult:
    """May the bank process this subject's data for this purpose right now, and why (not)?

    One round trip: the hot path runs before every marketing send and card authorisation, so it is a
    single indexed query (subject by CIF, the restriction subquery on its partial index, the state
    row by its unique key), written as SQL to skip the ORM's per-call compilation and prepared once
    per connection to skip PostgreSQL's planning (core/db.py).
    """
    now = now or timezone.now()
    purpose = _purpose_or_404(purpose_code)
    with prepared_cursor() as cursor:
        cursor.execute(_check_sql(), [purpose.id, purpose.id, subject_ref or ""])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("No customer with this customer number (CIF)."), code="subject_not_found")
    subject_id, guardian_id, restriction, consent_id, status, notice_id, expires_at = row
    state = None if status is None else (_uuid(consent_id), status, notice_id, _aware(expires_at))
    return _decide(
        purpose,
        restriction=restriction,
        ward=guardian_id is not None,
        subject_id=_uuid(subject_id),
        state=state,
        now=now,
    )


def consent_check_as_of(*, subject_ref: str, purpose_code: str, at: datetime) -> CheckResult:
    """What `consent_check` would have answered at `at`, rebuilt from the append-only consent events
    and restrictions, with the consent and the purpose version in force at that moment (the DPO's
    "had I consented when you texted me on 3 February?")."""
    purpose = _purpose_or_404(purpose_code)
    subject = (
        DataSubject.objects.filter(external_ref=subject_ref or "").values_list("pk", "guardian_id").first()
    )
    if subject is None:
        raise NotFound(_("No customer with this customer number (CIF)."), code="subject_not_found")
    subject_id, guardian_id = subject
    kinds = (
        ProcessingRestriction.objects.filter(subject_id=subject_id, started_at__lte=at)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gt=at))
        .filter(Q(purpose__isnull=True) | Q(purpose_id=purpose.id))
        .values_list("kind", flat=True)
    )
    in_force = purpose.current_notice(at)
    state = _state_as_of(subject_id=subject_id, purpose_id=purpose.id, at=at)
    result = _decide(
        replace(
            purpose,
            legal_basis=in_force.legal_basis if in_force else purpose.legal_basis,
            active=_purpose_active_as_of(purpose, at=at, in_force=in_force),
        ),
        restriction=min(kinds, default=None),
        ward=guardian_id is not None,
        subject_id=subject_id,
        state=state,
        now=at,
        is_child=partial(_is_child, on=timezone.localdate(at)),
    )
    given = purpose.notice(state[2]) if state else None
    return replace(result, notice_version=given.version if given else None)


def _purpose_active_as_of(purpose: PurposeEntry, *, at: datetime, in_force) -> bool:
    """Whether the purpose was in force at `at`: a published purpose with no version in force yet
    had not started, and its `active` switch is read from the append-only audit trail (the change
    recorded last by then), not from today's row."""
    if purpose.notices and in_force is None:
        return False
    switches = AuditEntry.objects.filter(
        action="consents.purpose.updated",
        target_type=Purpose._meta.label_lower,
        target_id=str(purpose.id),
        data__changed__has_key="active",
    ).values_list("recorded_at", "data")
    last = switches.filter(recorded_at__lte=at).order_by("-sequence").first()
    if last is not None:
        return bool(last[1]["changed"]["active"]["after"])
    first_after = switches.filter(recorded_at__gt=at).order_by("sequence").first()
    if first_after is not None:
        return bool(first_after[1]["changed"]["active"]["before"])
    return purpose.active


def _state_as_of(*, subject_id, purpose_id, at: datetime) -> tuple | None:
    """The (consent, status, notice, expiry) the state row held at `at`, from the events: the latest
    grant (or refusal) by then, and how that consent had ended by then, if it had."""
    grant = (
        ConsentEvent.objects.filter(
            subject_id=subject_id,
            consent__purpose_id=purpose_id,
            kind__in=(ConsentEvent.Kind.GRANTED, ConsentEvent.Kind.REFUSED),
            at__lte=at,
        )
        .select_related("consent")
        .order_by("-at")
        .first()
    )
    if grant is None:
        return None
    consent = grant.consent
    if grant.kind == ConsentEvent.Kind.REFUSED:
        return consent.pk, ConsentStatus.REFUSED, consent.notice_id, None
    ended = (
        consent.events.filter(at__lte=at).exclude(kind=ConsentEvent.Kind.GRANTED).order_by("-at").first()
    )
    status = ended.kind if ended else ConsentStatus.GRANTED
    return consent.pk, status, consent.notice_id, consent.expires_at


def consent_check_bulk(
    *, purpose_code: str, subject_refs: Iterable[str], now: datetime | None = None
) -> dict[str, CheckResult | None]:
    """The check for a campaign: up to 10,000 CIFs against one purpose, set-based, in CIF order given.

    Unknown CIFs map to None.
    """
    now = now or timezone.now()
    purpose = _purpose_or_404(purpose_code)
    refs = list(dict.fromkeys(r.strip() for r in subject_refs if r and r.strip()))
    if not refs:
        raise InvalidInput(_("Give at least one customer number (CIF)."), field="subjects")
    if len(refs) > BULK_CHECK_LIMIT:
        raise InvalidInput(_("At most 10,000 customer numbers per check."), field="subjects")
    answers: dict[str, CheckResult | None] = dict.fromkeys(refs)
    for start in range(0, len(refs), _BULK_CHUNK):
        chunk = refs[start : start + _BULK_CHUNK]
        subjects = {
            pk: (ref, guardian_id)
            for pk, ref, guardian_id in DataSubject.objects.filter(external_ref__in=chunk).values_list(
                "pk", "external_ref", "guardian_id"
            )
        }
        restrictions: dict = {}
        for subject_id, kind in (
            ProcessingRestriction.objects.filter(subject_id__in=subjects, lifted_at__isnull=True)
            .filter(Q(purpose__isnull=True) | Q(purpose_id=purpose.id))
            .values_list("subject_id", "kind")
        ):
            restrictions[subject_id] = min(kind, restrictions.get(subject_id, kind))
        states = {
            row[0]: row[1:]
            for row in ConsentState.objects.filter(
                subject_id__in=subjects, purpose_id=purpose.id
            ).values_list("subject_id", "consent_id", "status", "notice_id", "expires_at")
        }
        for subject_id, (ref, guardian_id) in subjects.items():
            answers[ref] = _decide(
                purpose,
                restriction=restrictions.get(subject_id),
                ward=guardian_id is not None,
                subject_id=subject_id,
                state=states.get(subject_id),
                now=now,
            )
    return answers


def purpose_for_code(code: str, queryset: QuerySet[Purpose] | None = None) -> Purpose:
    """`purpose_by_code` for the API and services: NotFound (404) when there is none."""
    purpose = purpose_by_code(code, queryset=queryset)
    if purpose is None:
        raise NotFound(_("No purpose with this code."))
    return purpose


def purposes_active() -> QuerySet[Purpose]:
    return (
        Purpose.objects.filter(active=True)
        .prefetch_related("recipients", "notices")
        .order_by("legal_basis", "code")
    )


def notices_in_force_for_consent(*, now: datetime) -> list[NoticeVersion]:
    """The notice in force of each active consent-based purpose: what staff read or hand over."""
    notices = []
    for purpose in purposes_active().filter(legal_basis=LegalBasis.CONSENT):
        effective = [n for n in purpose.notices.all() if n.effective_at <= now]
        if effective:
            notices.append(max(effective, key=lambda n: (n.effective_at, n.pk)))
    return notices


def consent_list(*, subject=None) -> QuerySet[Consent]:
    """Consents, the latest granted first; only one customer's when `subject` is given."""
    consents = Consent.objects.select_related("subject", "purpose", "notice", "guardian")
    consents = consents.order_by("-granted_at")
    return consents if subject is None else consents.filter(subject=subject)


def consents_visible_to(user) -> QuerySet[Consent]:
    """Every consent for staff and clients; a customer's own only (none for a login without a subject)."""
    if user_role(user) != Role.CUSTOMER:
        return consent_list()
    own = subject_for_user(user)
    return consent_list(subject=own) if own is not None else Consent.objects.none()


def consent_visible_by_id(user, pk) -> Consent | None:
    return consents_visible_to(user).filter(pk=pk).first()


def consent_by_id(pk) -> Consent | None:
    return consent_list().filter(pk=pk).first()


def consent_of_customer(customer: DataSubject, pk) -> Consent | None:
    """One of the customer's consents, or of a ward whose verified guardian they are."""
    theirs = [customer.pk, *wards_verified(customer).values_list("pk", flat=True)]
    return consent_list().filter(pk=pk, subject__in=theirs).first()


def consents_by_ids(ids: Iterable, *, subject=None) -> QuerySet[Consent]:
    return consent_list(subject=subject).filter(pk__in=list(ids))


def consent_granted(subject, purpose: Purpose | None) -> Consent | None:
    """The subject's consent in force to the purpose, if any."""
    return Consent.objects.filter(subject=subject, purpose=purpose, status=ConsentStatus.GRANTED).first()


def consent_events_with_actors(consent: Consent) -> QuerySet[ConsentEvent]:
    return consent.events.select_related("actor_user")


def consent_timeline(subject) -> QuerySet[ConsentEvent]:
    return (
        ConsentEvent.objects.filter(Q(subject=subject) | Q(consent__guardian=subject))
        .select_related("consent__purpose", "consent__notice", "consent__subject")
        .order_by("-at")
    )


def consent_states_for_subject(subject) -> dict[int, ConsentState]:
    return {
        s.purpose_id: s
        for s in ConsentState.objects.filter(subject=subject).select_related("consent", "notice")
    }


def restrictions_in_force(subject) -> QuerySet[ProcessingRestriction]:
    return ProcessingRestriction.objects.filter(subject=subject, lifted_at__isnull=True).select_related(
        "purpose"
    )


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


def announcement_allowed_actions(announcement: NoticeAnnouncement, actor: Actor) -> frozenset[str]:
    """What staff may do with the announcement now: "send" it before its date while it is scheduled
    (pages ask this; the caller checks the staff member's permission)."""
    if not actor.is_staff:
        return frozenset()
    if ANNOUNCEMENT_MACHINE.is_allowed(announcement.status, NoticeAnnouncement.Status.SENT):
        return frozenset({"send"})
    return frozenset()


def duty_allowed_actions(duty: WithdrawalDuty, actor: Actor) -> frozenset[str]:
    """What this actor may do with the duty now: "acknowledge" (pages and API ask this; the caller
    checks the staff member's permission). An integration client acknowledges only the duties of the
    recipients it speaks for."""
    if actor.is_client and duty.recipient.client_id != actor.user_id:
        return frozenset()
    if DUTY_MACHINE.is_allowed(duty.status, WithdrawalDuty.Status.ACKNOWLEDGED):
        return frozenset({"acknowledge"})
    return frozenset()


def withdrawal_complete(consent: Consent) -> bool:
    """A withdrawal is complete when every recipient acknowledged stopping."""
    return (
        consent.status == ConsentStatus.WITHDRAWN
        and not consent.duties.filter(status=WithdrawalDuty.Status.OPEN).exists()
    )


def consents_on_notice_older_than(*, purpose_id, effective_at: datetime) -> QuerySet[Consent]:
    """Live consents to this purpose given to a notice version that took effect before `effective_at`,
    by customer number. Nothing is joined: callers add what they read."""
    return Consent.objects.filter(
        purpose_id=purpose_id, status=ConsentStatus.GRANTED, notice__effective_at__lt=effective_at
    ).order_by("subject__external_ref")


def subjects_to_ask_again(purpose: Purpose, *, now: datetime | None = None) -> QuerySet[Consent]:
    """Live consents given to a notice version older than a material change now in effect."""
    now = now or timezone.now()
    material = purpose.notices.filter(material=True, effective_at__lte=now).order_by("-effective_at").first()
    if material is None:
        return Consent.objects.none()
    return consents_on_notice_older_than(
        purpose_id=purpose.pk, effective_at=material.effective_at
    ).select_related("subject", "notice")


def recipient_choices() -> list[tuple[int, str]]:
    """Active recipients as (id, name), for a webhook endpoint's "serves" choice."""
    return list(Recipient.objects.filter(active=True).order_by("name").values_list("pk", "name"))


def recipients_served(endpoint_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """{webhook endpoint id: (recipient id, name)} of the recipients those endpoints serve."""
    rows = Recipient.objects.filter(endpoint_id__in=list(endpoint_ids)).order_by("name")
    return {endpoint: (pk, name) for pk, name, endpoint in rows.values_list("pk", "name", "endpoint_id")}


def purpose_by_code(
    code: str, *, active_only: bool = False, queryset: QuerySet[Purpose] | None = None
) -> Purpose | None:
    """The purpose with this code (only an active one with `active_only`), read through `queryset`
    (to lock or prefetch), or None."""
    purposes = Purpose.objects.all() if queryset is None else queryset
    return (purposes.filter(active=True) if active_only else purposes).filter(code=code).first()


def purpose_list(*, active: bool | None = None) -> QuerySet[Purpose]:
    """Purposes by code with their recipients; only the active or inactive ones when `active` is given."""
    purposes = Purpose.objects.prefetch_related("recipients").order_by("code")
    return purposes if active is None else purposes.filter(active=active)


def purposes_catalogue() -> QuerySet[Purpose]:
    """The catalogue page's purposes, by legal basis then code, with recipients and notice versions."""
    return Purpose.objects.prefetch_related("recipients", "notices").order_by("legal_basis", "code")


def notice_versions(purpose: Purpose, *, newest_first: bool = False) -> QuerySet[NoticeVersion]:
    return purpose.notices.order_by("-effective_at" if newest_first else "effective_at")


def ask_again_count(purpose: Purpose, *, now: datetime | None = None) -> int:
    """How many customers `subjects_to_ask_again` lists for the purpose."""
    return subjects_to_ask_again(purpose, now=now).count()


def recipient_list() -> QuerySet[Recipient]:
    return Recipient.objects.order_by("name")


def recipients_active() -> QuerySet[Recipient]:
    return Recipient.objects.filter(active=True)


def recipients_with_purposes() -> QuerySet[Recipient]:
    return recipient_list().prefetch_related("purposes")


def recipients_by_ids(ids: Iterable[int]) -> list[Recipient]:
    return list(Recipient.objects.filter(pk__in=list(ids)))


def withdrawal_duties(*, client=None) -> QuerySet[WithdrawalDuty]:
    """Withdrawal duties, the first due first; only the recipients' of an integration `client`, when given."""
    duties = WithdrawalDuty.objects.select_related("recipient", "subject", "consent__purpose")
    duties = duties.order_by("due_at")
    return duties if client is None else duties.filter(recipient__client=client)


def consent_imports() -> QuerySet[ConsentImport]:
    """CSV imports of consents, the latest first, with their background jobs."""
    return ConsentImport.objects.select_related("job").order_by("-started_at")


def consent_import_by_job(job_id) -> ConsentImport | None:
    return consent_imports().filter(job_id=job_id).first()
