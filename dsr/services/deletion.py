"""Deletion: erase what no law keeps, hold what a law keeps until its period ends, and prove both.

A `DeletionRecord` (what category, which system, when, by whom, under which request) is the proof
for the regulator and holds no personal data. The platform's own copy of a subject's data is erased
here; the other systems erase their part through their tasks, and this records the outcome per
category from the inventory.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.actors import Actor
from deadlines.policy import LOCAL_TZ, add_months
from dsr.models import DataCategory, DataSubjectRequest, DeletionRecord, LegalHold, System
from dsr.models.inventory import PLATFORM_SYSTEM
from integrations.services import idempotency_answers_erase
from subjects.models import DataSubject

# The platform's own fields by data category; blind indexes go with their values.
PLATFORM_FIELDS: dict[str, tuple[str, ...]] = {
    "identity": ("full_name", "national_id", "passport_number", "date_of_birth"),
    "contact": ("phone", "email", "address"),
}
_INDEXES = {"national_id": "national_id_index", "phone": "phone_index", "email": "email_index"}
RELEASE_BATCH = 500


def deletion_fulfil(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> list[LegalHold]:
    """Erase or hold every category of every system the request reached; returns the holds placed."""
    systems = {task.system for task in request.tasks.select_related("system")}
    platform = System.objects.filter(code=PLATFORM_SYSTEM, active=True).first()
    if platform is not None:
        systems.add(platform)
    today = timezone.localtime(now, LOCAL_TZ).date()
    holds: list[LegalHold] = []
    with transaction.atomic(savepoint=False):
        for system in sorted(systems, key=lambda s: s.code):
            for category in system.categories.select_related("retention").order_by("code"):
                rule = category.retention
                if rule is not None:
                    hold, _created = LegalHold.objects.get_or_create(
                        request=request,
                        category=category,
                        system=system,
                        defaults={
                            "subject_id": request.subject_id,
                            "reason": rule.name[:200],
                            "legal_reference": rule.legal_reference,
                            "law": rule.law,
                            "ends_on": add_months(today, rule.period_months),
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
                            "ends_on": hold.ends_on.isoformat(),
                        },
                    )
                    holds.append(hold)
                else:
                    _erase(
                        request.subject_id,
                        category=category,
                        system=system,
                        actor=actor,
                        now=now,
                        request=request,
                    )
    return holds


def _erase(
    subject_id,
    *,
    category: DataCategory,
    system: System,
    actor: Actor,
    now: datetime,
    request: DataSubjectRequest | None = None,
    hold: LegalHold | None = None,
) -> DeletionRecord:
    if system.code == PLATFORM_SYSTEM and category.code in PLATFORM_FIELDS:
        subject = DataSubject.objects.select_for_update().filter(pk=subject_id).first()
        if subject is not None:
            fields = []
            for name in PLATFORM_FIELDS[category.code]:
                setattr(subject, name, None if name == "date_of_birth" else "")
                fields.append(name)
                if name in _INDEXES:
                    setattr(subject, _INDEXES[name], "")
                    fields.append(_INDEXES[name])
            subject.save(update_fields=[*fields, "updated_at"])
        # Answers replayed to API retries quote the customer's identity and contact details too.
        idempotency_answers_erase(subject_id=subject_id)
    record = DeletionRecord.objects.create(
        request=request,
        subject_id=subject_id,
        category=category,
        system=system,
        hold=hold,
        deleted_at=now,
        deleted_by_label=actor.label[:150],
        deleted_by_id=actor.user_id,
    )
    audit_record(
        action="dsr.deletion.recorded",
        actor=actor,
        subject=subject_id,
        target=record,
        now=now,
        data={
            "category": category.code,
            "system": system.code,
            "request": str(request.pk) if request else None,
            "hold": hold.pk if hold else None,
        },
    )
    return record


def legal_holds_release_due(*, now: datetime | None = None, limit: int = RELEASE_BATCH) -> int:
    """Delete what has reached the end of its legal hold (the nightly job's service).

    Set-based and idempotent: one indexed query picks due holds, and each is re-checked under its
    lock so a second run, or two at once, deletes nothing twice. Returns how many holds ended;
    a full batch means the caller should run again.
    """
    now = now or timezone.now()
    today = timezone.localtime(now, LOCAL_TZ).date()
    actor = Actor.system("dsr.legal_holds_release_due")
    due_ids = list(
        LegalHold.objects.filter(released_at__isnull=True, ends_on__lte=today)
        .order_by("ends_on", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    released = 0
    with transaction.atomic(durable=True):
        holds = LegalHold.objects.select_for_update(of=("self",)).filter(
            pk__in=due_ids, released_at__isnull=True
        )
        for hold in holds.select_related("category", "system", "request"):
            _erase(
                hold.subject_id,
                category=hold.category,
                system=hold.system,
                actor=actor,
                now=now,
                request=hold.request,
                hold=hold,
            )
            hold.released_at = now
            hold.save(update_fields=["released_at"])
            audit_record(
                action="dsr.hold.released",
                actor=actor,
                subject=hold.subject_id,
                target=hold,
                now=now,
                data={"category": hold.category.code, "system": hold.system.code},
            )
            released += 1
    return released
