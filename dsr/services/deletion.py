"""Deletion: erase what no law keeps, hold what a law keeps until its period ends, and prove both.

Each system is told, per data category, whether to erase or hold and until when (its task's
`instructions`). A `DeletionRecord` (what category, which system, when, by whom, under which
request) is the proof for the regulator and holds no personal data; it is written from the
system's own confirmation (its task done), never on its behalf. The platform's own copy of a
subject's data is erased at completion (`dsr.services.erasure`), the platform being that system. A
retention period runs from its rule's start event (the end of the customer relationship by
default), not from the request; while the relationship is open a hold has no end date yet. Data
under a hold serves only the legal obligation that keeps it: a `legal_hold` restriction is in force
while any hold of the request is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record, audit_record_many
from authorisations.services import authorisations_revoke_for_subject_locked
from consents.models import ProcessingRestriction
from consents.services import (
    consents_withdraw_for_subject_in_transaction,
    duties_open_for_erasure,
    restrictions_apply_in_transaction,
    restrictions_lift_in_transaction,
)
from core.actors import Actor
from core.errors import Conflict
from deadlines.policy import LOCAL_TZ
from dsr.models import (
    DataCategory,
    DataSubjectRequest,
    DeletionRecord,
    FulfilmentTask,
    LegalHold,
    RetentionRule,
    RetentionStart,
    System,
)
from dsr.selectors.deletions import hold_ends_on, holds_to_date
from dsr.selectors.inventory import ERASE, HOLD, deletion_held_parts, platform_system
from dsr.services.erasure import deletion_record_write, erase, platform_copies_erase
from dsr.sources import hold_source, request_source
from subjects.models import DataSubject

# A correction of the relationship's end that would end a hold already (a mistyped year) leaves it this
# long from the correction before the nightly job may release it: irreversible erasure waits for a
# second look, and a further correction within it re-dates the hold again.
HOLD_CORRECTION_GRACE = timedelta(days=30)


def _rule_ends_on(rule: RetentionRule, request: DataSubjectRequest, ended_on: date | None) -> date | None:
    return hold_ends_on(
        start_event=rule.start_event,
        period_months=rule.period_months,
        relationship_ended_on=ended_on,
        requested_on=timezone.localtime(request.received_at, LOCAL_TZ).date(),
    )


def deletion_instructions(request: DataSubjectRequest, system: System) -> list[dict[str, Any]]:
    """What `system` must do with each category it holds: erase it, or hold it (until when, by which
    law). `hold_until` is empty while the start event of the retention period has not happened."""
    ended_on = (
        DataSubject.objects.filter(pk=request.subject_id)
        .values_list("relationship_ended_on", flat=True)
        .first()
    )
    instructions = []
    for category in system.categories.select_related("retention").order_by("code"):
        rule = category.retention
        if rule is None:
            instructions.append({"category": category.code, "action": ERASE, "hold_until": None, "law": ""})
            continue
        ends_on = _rule_ends_on(rule, request, ended_on)
        instructions.append(
            {
                "category": category.code,
                "action": HOLD,
                "hold_until": ends_on.isoformat() if ends_on else None,
                # A system's instructions name the law in the bank's language, whichever language
                # the staff member who verified the identity reads.
                "law": rule.legal_reference_vi,
            }
        )
    return instructions


def deletion_fulfil(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> list[LegalHold]:
    """At completion: the platform erases its own erasable fields and, once, every copy beside them;
    every held part (the platform's
    and each system's, as their instructions said) is placed under a legal hold; every live consent is
    withdrawn, the request its source. Returns the holds."""
    ended_on = (
        DataSubject.objects.filter(pk=request.subject_id)
        .values_list("relationship_ended_on", flat=True)
        .first()
    )
    platform = platform_system()
    if platform is None:
        # Without it the platform would erase nothing of its own and the answer would still say
        # "completed" (`manage.py check` warns too: dsr.W002).
        raise Conflict(
            _("The platform itself is not an active system of the inventory, so it would erase none of "
              "the customer's data it holds. The DPO adds it (code \"platform\", with its identity and "
              "contact categories) on the systems inventory page first."),
            code="platform_not_in_inventory",
        )
    holds: list[LegalHold] = []
    with transaction.atomic(savepoint=False):
        for category in platform.categories.filter(retention__isnull=True).order_by("code"):
            erase(
                request.subject_id,
                category=category,
                system=platform,
                actor=actor,
                now=now,
                request=request,
            )
        # Once per deletion, held categories or not: a hold keeps the customer record's fields, not
        # the exports, the customer's words or the outbox's messages (`erasure.platform_copies_erase`).
        platform_copies_erase(request.subject_id, actor=actor, now=now, request=request)
        # Erased, the customer consents to nothing any more, held data or not: the check answers
        # "withdrawn" (after any hold too) and the recipients are told to stop; their confirmations are
        # followed as duties and hold up no answer. After the erasure, which would otherwise empty
        # the reasons and messages the withdrawal records.
        # Every recipient that may still hold the data, a live consent's too, is told to delete it
        # (followed as duties, as the stops are), after the erasure, which empties the outbox's copies.
        # A contract's processors are told to delete what no hold keeps, the holds named.
        held_parts = deletion_held_parts(request)
        duties_open_for_erasure(
            actor=actor, subject=request.subject, source=request_source(request), now=now,
            holds=_holds_named(request, held_parts, ended_on=ended_on),
        )
        consents_withdraw_for_subject_in_transaction(
            actor=actor,
            subject=request.subject,
            channel=request.channel,
            source=request_source(request),
            now=now,
        )
        for system, category in held_parts:
            holds.append(
                _hold(request, system=system, category=category, ended_on=ended_on, actor=actor, now=now)
            )
        if holds:
            # Held data may serve only the legal obligation that keeps it, from now on.
            restrictions_apply_in_transaction(
                actor=actor,
                subject=request.subject,
                purposes=None,
                kind=ProcessingRestriction.Kind.LEGAL_HOLD,
                source=hold_source(request),
                reason="legal hold",
                now=now,
            )
    return holds


def _holds_named(
    request: DataSubjectRequest, parts: list[tuple[System, DataCategory]], *, ended_on: date | None
) -> list[dict[str, Any]]:
    """The categories a law keeps, once each, as a processor's erasure notice names them: the category,
    the law (in the bank's language, as a system's instructions name it) and until when (None while the
    retention period's start event has not happened)."""
    named: dict[str, dict[str, Any]] = {}
    for _system, category in parts:
        ends_on = _rule_ends_on(category.retention, request, ended_on)
        named.setdefault(category.code, {
            "category": category.code,
            "law": category.retention.legal_reference_vi,
            "hold_until": ends_on.isoformat() if ends_on else None,
        })
    return [named[code] for code in sorted(named)]


def deletion_stops_third_parties(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> None:
    """A verified deletion ends the customer's third-party access at once, in the verification's
    transaction, as a withdrawal does (`in_force.withdrawal_put_in_force`): every live authorisation is
    revoked (tokens ended, the third party told, a receipt), not when the deletion completes, which waits
    for every system and a second person's approval. The completion calls it again for a deletion
    verified before this took effect (it revokes what is still live, nothing else)."""
    authorisations_revoke_for_subject_locked(
        actor=actor, subject=request.subject, source=request_source(request), now=now, channel=request.channel
    )


def _hold(
    request: DataSubjectRequest,
    *,
    system: System,
    category: DataCategory,
    ended_on: date | None,
    actor: Actor,
    now: datetime,
) -> LegalHold:
    rule = category.retention
    hold, _created = LegalHold.objects.get_or_create(
        request=request,
        category=category,
        system=system,
        defaults={
            "subject_id": request.subject_id,
            # Both languages, so the customer reads which part waits and why in theirs.
            "reason_vi": rule.name_vi[:200],
            "reason_en": rule.name_en[:200],
            "legal_reference_vi": rule.legal_reference_vi,
            "legal_reference_en": rule.legal_reference_en,
            "law": rule.law,
            "start_event": rule.start_event,
            "period_months": rule.period_months,
            "ends_on": _rule_ends_on(rule, request, ended_on),
            "created_at": now,
        },
    )
    audit_record(
        action="dsr.hold.placed",
        actor=actor,
        subject=request.subject_id,
        target=hold,
        now=now,
        data={
            "category": category.code,
            "system": system.code,
            "ends_on": hold.ends_on.isoformat() if hold.ends_on else None,
        },
    )
    return hold


def deletion_confirm(task: FulfilmentTask, *, actor: Actor, now: datetime) -> list[DeletionRecord]:
    """A system reported its deletion task done: the records of what it was told to erase, as its
    confirmation (caller's transaction)."""
    erased = [i["category"] for i in task.instructions if i.get("action") == ERASE]
    categories = DataCategory.objects.filter(code__in=erased).order_by("code")
    return [
        deletion_record_write(
            task.request.subject_id,
            category=c,
            system=task.system,
            actor=actor,
            now=now,
            request=task.request,
            hold=task.hold,
        )
        for c in categories
    ]


def holds_schedule(*, today: date) -> list[LegalHold]:
    """Give their end date to `holds_to_date` (caller's transaction, their customers locked); returns
    them for `holds_dated_audit`, which the caller writes once all its locks are taken."""
    scheduled = []
    holds = list(holds_to_date().select_related("category", "system").order_by("pk"))
    ended = dict(
        DataSubject.objects.filter(pk__in={hold.subject_id for hold in holds}).values_list(
            "pk", "relationship_ended_on"
        )
    )
    for hold in holds:
        hold.ends_on = hold_ends_on(
            start_event=hold.start_event,
            period_months=hold.period_months,
            relationship_ended_on=ended[hold.subject_id],
        )
        hold.save(update_fields=["ends_on"])
        scheduled.append(hold)
    return scheduled


def holds_dated_audit(dated: list[LegalHold], *, actor: Actor, now: datetime) -> None:
    """One entry per hold `holds_schedule` dated: the date decides when the law's copy is erased, so the
    trail says which rule gave it (no personal data)."""
    audit_record_many(
        [
            {
                "action": "dsr.hold.dated",
                "actor": actor,
                "subject": hold.subject_id,
                "target": hold,
                "now": now,
                "data": {
                    "category": hold.category.code,
                    "system": hold.system.code,
                    "after": hold.ends_on.isoformat(),
                },
            }
            for hold in dated
        ]
    )


def corrected_last_day(corrected: date | None, *, previous: date | None, today: date) -> date | None:
    """The last day kept after a correction of the relationship's end moved it from `previous` to
    `corrected` (a hold's end, or the end itself): one brought forward, or set, to a day already past or
    within `HOLD_CORRECTION_GRACE` becomes the grace's end, so a correction made the wrong way is put
    right before anything is erased for it. Cleared, or put back: `corrected` itself (the grace guards
    only an end brought forward)."""
    if corrected is None or (previous is not None and corrected >= previous):
        return corrected
    return max(corrected, today + HOLD_CORRECTION_GRACE)


def holds_redate_after_rectification(
    *, actor: Actor, subject: DataSubject, changed: frozenset, before: Mapping[str, Any], now: datetime,
    source: str = "", **kwargs: Any,
) -> None:
    """After a rectification (`subjects.follow_ups`), in its transaction (the customer locked): a
    corrected end of the relationship re-dates every hold of the customer not yet released, from the
    corrected date; a cleared one leaves them with no end date, the relationship being open. An end
    already past, or within `HOLD_CORRECTION_GRACE`, becomes the end of the grace period, unless the
    correction puts the end back (later than the hold's date), which needs no second look. Each hold
    moved has an audit entry with its end dates before and after (no personal data)."""
    if "relationship_ended_on" not in changed:
        return
    today = timezone.localtime(now, LOCAL_TZ).date()
    waiting = LegalHold.objects.filter(subject_id=subject.pk, released_at__isnull=True).exclude(
        start_event=RetentionStart.REQUEST
    )
    for hold in waiting.select_for_update(of=("self",)).select_related("category", "system").order_by("pk"):
        legal_end = hold_ends_on(
            start_event=hold.start_event,
            period_months=hold.period_months,
            relationship_ended_on=subject.relationship_ended_on,
        )
        ends_on = corrected_last_day(legal_end, previous=hold.ends_on, today=today)
        if ends_on == hold.ends_on:
            continue
        previous, hold.ends_on = hold.ends_on, ends_on
        hold.save(update_fields=["ends_on"])
        audit_record(
            action="dsr.hold.redated",
            actor=actor,
            subject=subject.pk,
            target=hold,
            now=now,
            data={
                "category": hold.category.code,
                "system": hold.system.code,
                "before": previous.isoformat() if previous else None,
                "after": ends_on.isoformat() if ends_on else None,
                "legal_end": legal_end.isoformat() if legal_end else None,
            },
        )


def hold_restriction_lift_if_done(request: DataSubjectRequest | None, *, actor: Actor, now: datetime) -> None:
    """Once no hold of the request remains, nothing of its data is kept: the restriction goes."""
    if request is None or request.legal_holds.filter(released_at__isnull=True).exists():
        return
    restrictions_lift_in_transaction(actor=actor, source=hold_source(request), now=now)
