"""Impact-assessment dossiers and the processing activities they are generated from.

`dossiers_sync` creates the dossier every purpose and every cross-border transfer calls for, with its
60-day deadline from the deadline policy (request type `impact_assessment`), moves that deadline while
the dossier was never filed if the processing's start is corrected, and writes a new version whenever
the catalogue facts behind one change; `dossier_edit` writes a version with the DPO's
assessment; `dossier_file` records the filing with the authority, the one move of a dossier's status
(`dossier_transition`, history in `DossierStatusChange`).
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from audit.transitions import Transition
from consents.models import Purpose
from core.actors import Actor
from core.db import locked_or_not_found
from core.errors import Conflict, InvalidInput, NotFound, required_text
from core.moments import check_in_range
from deadlines.clocks import deadline_missed_record
from deadlines.history import PolicyHistory
from deadlines.models import DeadlineRegime
from deadlines.policy import deadline_fallen_due, deadlines_for
from dsr.models import DataCategory, System
from regulator.clock_sources import DOSSIER_CLOCK, DOSSIER_SOURCE
from regulator.documents import dossier_facts, fingerprint
from regulator.models import Dossier, DossierStatus, DossierStatusChange, DossierVersion, ProcessingActivity
from regulator.policy import IMPACT_ASSESSMENT
from regulator.selectors import dossier_current_version_filed, dossier_duties, dossier_facts_changed
from regulator.services._lookup import codes_lookup
from regulator.states import DOSSIER_MACHINE


def activity_save(
    *,
    actor: Actor,
    purpose_code: str,
    systems: list[str],
    categories: list[str],
    data_subjects: str = "customers",
    security_measures: str = "",
    started_at: datetime | None = None,
    now: datetime | None = None,
) -> ProcessingActivity:
    """Say where a purpose's data lives and how it is protected (the processing record's row)."""
    now = now or timezone.now()
    purpose = Purpose.objects.filter(code=purpose_code).first()
    if purpose is None:
        raise NotFound(_("No purpose with this code."))
    system_rows = codes_lookup(System, systems, "systems")
    category_rows = codes_lookup(DataCategory, categories, "categories")
    data_subjects = (data_subjects or "").strip() or "customers"
    if len(data_subjects) > 200:
        raise InvalidInput(_("Keep this under 200 characters."), field="data_subjects")
    if started_at is not None:
        check_in_range(started_at, field="started_at")
        if started_at > now:
            raise InvalidInput(_("The start date cannot be in the future."), field="started_at")
    with transaction.atomic(durable=True):
        activity, created = ProcessingActivity.objects.select_for_update().get_or_create(
            purpose=purpose,
            defaults={
                "started_at": started_at or purpose.created_at,
                "data_subjects": data_subjects,
                "security_measures": security_measures.strip(),
            },
        )
        if not created:
            activity.data_subjects = data_subjects
            activity.security_measures = (security_measures or "").strip()
            if started_at is not None:
                activity.started_at = started_at
            activity.save()
        activity.systems.set(system_rows)
        activity.categories.set(category_rows)
        audit_record(
            action="regulator.activity.saved",
            actor=actor,
            target=activity,
            now=now,
            data={
                "purpose": purpose.code,
                "systems": sorted(s.code for s in system_rows),
                "categories": sorted(c.code for c in category_rows),
                "created": created,
            },
        )
    return activity


def _started_at(purpose: Purpose, recipient) -> datetime:
    # `purpose` comes from `purposes_with_facts`: its processing activity is already loaded (a
    # purpose without one yet raises on the reverse one-to-one, hence getattr).
    activity = getattr(purpose, "activity", None)
    start = activity.started_at if activity else purpose.created_at
    # A transfer starts when the foreign recipient was added, if that came after the processing.
    if recipient is not None and recipient.created_at > start:
        start = recipient.created_at
    return start


class _FilingDues:
    """When a dossier whose processing started at a moment must be filed, and the regime that sets it:
    the earlier of the bank's commitment and the law's (Law 91 Arts. 20–21; Decree 13 Arts. 24–25), as
    for a breach, so a bank row longer than the law's 60 days cannot stretch them; by the rows as they
    stood at the start (the DPO's later edit times processings started after it), their history read
    once a sync, and only when a dossier needs a due time."""

    @cached_property
    def history(self) -> PolicyHistory:
        return PolicyHistory.since(IMPACT_ASSESSMENT, None)  # a processing may have started years ago

    def due(self, start: datetime) -> tuple[datetime, str]:
        clocks = deadlines_for(
            request_type=IMPACT_ASSESSMENT, received_at=start, policies=self.history.in_force(start)
        )
        due = clocks.answer_by
        return due, clocks.regime if due == clocks.statutory_due_at else DeadlineRegime.BANK


def _rescheduled(
    dossier: Dossier, start: datetime, dues: _FilingDues, *, actor: Actor, now: datetime
) -> None:
    """Move a dossier never filed to the processing's start as now recorded (the DPO corrected it): the
    60 days run from when the processing really started. A filed dossier keeps the deadline it was
    filed against, and one that has fallen due stays where it was (`deadline_fallen_due`): the start is
    corrected, the breach it met stands."""
    if dossier.filed_at is not None or dossier.started_at == start:
        return
    old_start, old_due = dossier.started_at, dossier.due_at
    dossier.started_at = start
    due, regime = dues.due(start)
    if not deadline_fallen_due(old_due, now=now):
        dossier.due_at = due
    dossier.save(update_fields=["started_at", "due_at"])
    audit_record(
        action="regulator.dossier.rescheduled",
        actor=actor,
        target=dossier,
        now=now,
        data={
            "started_at": [old_start.isoformat(), start.isoformat()],
            "due_at": [old_due.isoformat(), dossier.due_at.isoformat()],
            "regime": regime,
        },
    )


def _version_add(
    dossier: Dossier,
    *,
    previous: DossierVersion | None,
    facts: dict[str, Any],
    cause: str,
    note: str,
    actor: Actor,
    now: datetime,
) -> DossierVersion:
    """Write the dossier's next version; `previous` is its latest version (None for a new dossier),
    which the caller has read under the dossier's lock. A later version is audited here; a new
    dossier's first one goes into the audit entry of its creation, written by the caller."""
    changed: list[str] = []
    if previous is not None:
        old = previous.content.get("facts", {})
        changed = sorted(key for key in set(old) | set(facts) if old.get(key) != facts.get(key))
        if previous.content.get("assessment", "") != dossier.assessment:
            changed.append("assessment")
    dossier.current_version += 1
    dossier.save(update_fields=["current_version", "assessment"])
    version = DossierVersion.objects.create(
        dossier=dossier,
        version=dossier.current_version,
        cause=cause,
        note=note[:500],
        changed_fields=changed,
        fingerprint=fingerprint(facts),
        content={"facts": facts, "assessment": dossier.assessment},
        created_at=now,
        created_by_label=actor.label[:150],
    )
    if cause != DossierVersion.Cause.CREATED:
        audit_record(
            action="regulator.dossier.versioned",
            actor=actor,
            target=dossier,
            now=now,
            data={"version": version.version, "cause": version.cause, "changed": version.changed_fields},
        )
    return version


def _latest_versions(dossier_ids: list) -> dict[Any, DossierVersion]:
    """Each dossier's latest version, by dossier id, in one query."""
    newest = DossierVersion.objects.filter(dossier=OuterRef("dossier")).order_by("-version").values("version")
    rows = DossierVersion.objects.filter(dossier_id__in=dossier_ids, version=Subquery(newest[:1]))
    return {row.dossier_id: row for row in rows}


def dossiers_sync(*, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Create missing dossiers and version those whose catalogue facts changed. Idempotent: a second
    run with an unchanged catalogue writes nothing.

    Reads cost a fixed number of queries whatever the catalogue's size: the purposes' facts are
    loaded once in bulk, the existing dossiers locked and their latest versions read in one query
    each; only the writes (a new dossier or version, its audit entry) are per dossier."""
    now = now or timezone.now()
    created = versioned = 0
    with transaction.atomic(durable=True):
        # The purposes come with their facts loaded (`dossier_duties`).
        duties = dossier_duties()
        # Locked in primary-key order, so two concurrent syncs cannot deadlock on each other.
        existing = [duty.dossier.pk for duty in duties if duty.dossier is not None]
        locked = {d.pk: d for d in Dossier.objects.select_for_update().filter(pk__in=existing).order_by("pk")}
        latest_versions = _latest_versions(list(locked))
        dues = _FilingDues()
        for duty in duties:
            purpose = duty.purpose
            if duty.dossier is None:
                start = _started_at(purpose, duty.recipient)
                due_at, regime = dues.due(start)
                dossier = Dossier.objects.create(
                    kind=duty.kind,
                    purpose=purpose,
                    recipient=duty.recipient,
                    started_at=start,
                    due_at=due_at,
                )
                _version_add(
                    dossier,
                    previous=None,
                    facts=dossier_facts(dossier),
                    cause=DossierVersion.Cause.CREATED,
                    note="",
                    actor=actor,
                    now=now,
                )
                audit_record(
                    action="regulator.dossier.created",
                    actor=actor,
                    target=dossier,
                    now=now,
                    data={
                        "kind": dossier.kind,
                        "purpose": purpose.code,
                        "due_at": dossier.due_at.isoformat(),
                        "regime": regime,
                    },
                )
                created += 1
                continue
            dossier = locked[duty.dossier.pk]
            dossier.purpose = purpose
            dossier.recipient = duty.recipient
            _rescheduled(dossier, _started_at(purpose, duty.recipient), dues, actor=actor, now=now)
            facts = dossier_facts(dossier)
            latest = latest_versions.get(dossier.pk)
            if latest is not None and latest.fingerprint == fingerprint(facts):
                continue
            _version_add(
                dossier,
                previous=latest,
                facts=facts,
                cause=DossierVersion.Cause.CATALOGUE,
                note="",
                actor=actor,
                now=now,
            )
            versioned += 1
    return {"created": created, "versioned": versioned}


def dossier_edit(
    *, actor: Actor, dossier_id, assessment: str, note: str, now: datetime | None = None
) -> DossierVersion:
    """The DPO writes the risk assessment and safeguards: a new version with the DPO's note."""
    now = now or timezone.now()
    assessment = required_text(assessment, field="assessment", message=_("Write the assessment."))
    note = required_text(note, field="note", message=_("Say what changed in this version."))
    with transaction.atomic(durable=True):
        # of=("self",): the recipient is an outer join, which PostgreSQL cannot lock.
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("purpose", "recipient")
            .filter(pk=dossier_id)
            .first()
        )
        if dossier is None:
            raise NotFound(_("No dossier with this id."))
        previous = dossier.versions.order_by("-version").first()
        dossier.assessment = assessment
        version = _version_add(
            dossier,
            previous=previous,
            facts=dossier_facts(dossier),
            cause=DossierVersion.Cause.EDITED,
            note=note,
            actor=actor,
            now=now,
        )
    return version


# The one mover of a dossier: `Transition` checks `regulator.states.DOSSIER_MACHINE` (409 otherwise),
# saves the locked dossier with a `DossierStatusChange` row and the audit entry.
dossier_transition = Transition(
    DOSSIER_MACHINE,
    DossierStatusChange,
    of="dossier",
    refused=_("A dossier in status “%(status)s” cannot move to “%(new)s”."),
)


def dossier_file(
    *, actor: Actor, dossier_id, authority_reference: str = "", now: datetime | None = None
) -> Dossier:
    """Record that the current version was filed with the authority. A later version can be filed again.
    Refused while the processing changed since that version (`dossier_facts_changed`): the authority
    would be told of a processing that is no longer the bank's."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        dossier = locked_or_not_found(Dossier, dossier_id, _("No dossier with this id."))
        if not dossier.assessment:
            raise Conflict(
                _("Write the risk assessment before filing the dossier."),
                code="assessment_missing",
                field="assessment",
            )
        if dossier_facts_changed(dossier):
            raise Conflict(
                _("The processing changed since this version; update from the catalogue first."),
                code="dossier_facts_changed",
            )
        if dossier_current_version_filed(dossier):
            raise Conflict(_("This version is already filed."), code="already_filed")
        first_filing = dossier.status == DossierStatus.DRAFT
        dossier_transition(
            dossier,
            actor=actor,
            to=DossierStatus.FILED,
            now=now,
            changes={
                "filed_at": now,
                "filed_version": dossier.current_version,
                "authority_reference": (authority_reference or "").strip()[:100],
            },
            audit_action="regulator.dossier.filed",
            data={"version": dossier.current_version, "late": now > dossier.due_at},
        )
        if first_filing:
            # The 60 days bind the first filing: filed after them, the missed deadline is recorded now,
            # as the sweep would have had it run in between.
            deadline_missed_record(
                source=DOSSIER_SOURCE, clock=DOSSIER_CLOCK, item_id=dossier.pk, actor=actor, now=now
            )
    return dossier
