"""The breach register: record a breach, notify the authority in phases, close it.

The 72-hour clock comes from the deadline policy (request type `breach_notification`): each regime's
row says whether it counts from the detection (Law 91) or from the violation (Decree 13), and the
earlier of the bank's and the law's deadlines is the one the breach must be notified by. Reminders and
the breach-of-deadline mark come from the shared deadline machinery (`core.clocks`) through the
regulator's clock source (`regulator.clock_sources`). Telling the affected customers is
`regulator.services.breach_mailing`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from audit.transitions import Transition
from core.actors import Actor
from core.db import value_locked
from core.errors import Conflict, InvalidInput
from deadlines.clocks import deadline_missed_record
from dsr.models import DataCategory, System
from regulator.clock_sources import BREACH_CLOCK, BREACH_SOURCE
from regulator.documents import form08
from regulator.models import (
    AFFECTED_COUNT_MAX,
    BREACH_TO_FOLLOW_ITEMS,
    Breach,
    BreachNotification,
    BreachStatus,
    BreachStatusChange,
)
from regulator.selectors import (
    breach_affected_subjects,
    breach_customers_mailing_live,
    breach_customers_untold,
    breach_needs_customer_notice,
)
from regulator.services._lookup import breach_for_update, codes_lookup
from regulator.services.breach_times import (
    before_after,
    breach_clocks,
    breach_times_check,
    breach_times_correct,
)
from regulator.states import BREACH_MACHINE

_TEXT_FIELDS = (
    "title", "description", "measures_taken", "likely_consequences",
    "measures_taken_en", "likely_consequences_en", "customer_description", "customer_description_en",
)
_COUNT_FIELDS = ("subjects_affected", "records_affected")


def _clean(fields: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name in fields:
            clean[name] = (fields[name] or "").strip()
    for name in ("title", "description"):
        if (not partial or name in clean) and not clean.get(name):
            raise InvalidInput(_("This field is required."), field=name)
    if len(clean.get("title", "")) > 200:
        raise InvalidInput(_("Keep the title under 200 characters."), field="title")
    for name in _COUNT_FIELDS:
        if name in fields:
            try:
                value = int(fields[name] or 0)
            except (TypeError, ValueError):
                raise InvalidInput(_("Give a whole number."), field=name) from None
            if value < 0:
                raise InvalidInput(_("Give a whole number."), field=name)
            if value > AFFECTED_COUNT_MAX:
                raise InvalidInput(_("Give a number no greater than %(largest)s."), field=name,
                                   largest=AFFECTED_COUNT_MAX)
            clean[name] = value
    return clean


def _next_reference(year: int) -> str:
    """The next reference of the year's sequence (`BR-2026-0001`), in the caller's transaction."""
    # The year's sequence is locked until the recording commits: two DPOs recording at once both counted
    # before either committed (READ COMMITTED), took one number, and the unique reference refused the
    # second with a 500. The second now waits, counts the first, and takes the next number.
    value_locked(Breach, f"BR-{year}")
    count = Breach.objects.filter(reference__startswith=f"BR-{year}-").count()
    return f"BR-{year}-{count + 1:04d}"


def breach_record(
    *,
    actor: Actor,
    title: str,
    description: str,
    occurred_at: datetime,
    detected_at: datetime,
    systems: list[str],
    categories: list[str],
    subjects_affected: int = 0,
    records_affected: int = 0,
    measures_taken: str = "",
    likely_consequences: str = "",
    measures_taken_en: str = "",
    likely_consequences_en: str = "",
    customer_description: str = "",
    customer_description_en: str = "",
    now: datetime | None = None,
) -> Breach:
    """Record a breach when detected. The notification deadline is the earliest that applies: 72 hours
    from `detected_at` (Law 91, the bank's policy), from `occurred_at` for a violation under Decree 13.
    A deadline already past when the breach is recorded stands: the breach is overdue at once."""
    now = now or timezone.now()
    fields = _clean(
        {
            "title": title,
            "description": description,
            "measures_taken": measures_taken,
            "likely_consequences": likely_consequences,
            "measures_taken_en": measures_taken_en,
            "likely_consequences_en": likely_consequences_en,
            "customer_description": customer_description,
            "customer_description_en": customer_description_en,
            "subjects_affected": subjects_affected,
            "records_affected": records_affected,
        },
        partial=False,
    )
    breach_times_check(occurred_at, detected_at, now=now)
    system_rows = codes_lookup(System, systems, "systems")
    category_rows = codes_lookup(DataCategory, categories, "categories")
    if not system_rows:
        raise InvalidInput(_("Name at least one affected system."), field="systems")
    if not category_rows:
        raise InvalidInput(_("Name at least one affected data category."), field="categories")
    clocks = breach_clocks(occurred_at, detected_at)
    with transaction.atomic(durable=True):
        breach = Breach.objects.create(
            reference=_next_reference(timezone.localtime(detected_at).year),
            occurred_at=occurred_at,
            detected_at=detected_at,
            notify_due_at=clocks.answer_by,
            statutory_due_at=clocks.statutory_due_at,
            statutory_regime=clocks.regime,
            recorded_by_label=actor.label[:150],
            **fields,
        )
        breach.systems.set(system_rows)
        breach.categories.set(category_rows)
        audit_record(
            action="regulator.breach.recorded",
            actor=actor,
            target=breach,
            now=now,
            data={
                "reference": breach.reference,
                "systems": [s.code for s in system_rows],
                "categories": [c.code for c in category_rows],
                "subjects_affected": breach.subjects_affected,
                "notify_due_at": breach.notify_due_at.isoformat(),
                "statutory_due_at": breach.statutory_due_at.isoformat() if breach.statutory_due_at else None,
                "statutory_regime": breach.statutory_regime,
            },
        )
    return breach


# The one mover of a breach: `Transition` checks `regulator.states.BREACH_MACHINE` (409 otherwise),
# saves the locked breach with a `BreachStatusChange` row and, when `audit_action` is given, the audit entry.
breach_transition = Transition(
    BREACH_MACHINE,
    BreachStatusChange,
    of="breach",
    refused=_("A breach in status “%(status)s” cannot move to “%(new)s”."),
)


def breach_update(
    *,
    actor: Actor,
    breach_id,
    changes: dict[str, Any],
    now: datetime | None = None,
) -> Breach:
    """Correct or complete the facts (e.g. counts known later); the next phase reports them.

    `changes` holds only what changes: texts, counts, `systems` and `categories` as lists of codes, and
    until the authority is notified the times, with `correction_reason` (`breach_times_correct`: the
    deadlines follow). The audit entry gives the old and new value of every changed field but the free
    texts, which may hold personal data: those it only names."""
    now = now or timezone.now()
    fields = _clean({k: v for k, v in changes.items() if k in _TEXT_FIELDS + _COUNT_FIELDS}, partial=True)
    with transaction.atomic(durable=True):
        breach = breach_for_update(breach_id)
        if breach.status in BREACH_MACHINE.terminal:
            raise Conflict(_("A closed breach cannot change."), code="breach_closed")
        values, reason = breach_times_correct(breach, changes, now=now)
        changed = [name for name, value in fields.items() if getattr(breach, name) != value]
        for name in changed:
            if name in _COUNT_FIELDS:
                values[name] = before_after(getattr(breach, name), fields[name])
            setattr(breach, name, fields[name])
        changed += list(values.keys() - set(changed))
        if changed:
            breach.save(update_fields=changed)
        for name, model in (("systems", System), ("categories", DataCategory)):
            if changes.get(name) is not None:
                rows = codes_lookup(model, changes[name], name)
                related = getattr(breach, name)
                before = sorted(related.values_list("code", flat=True))
                after = sorted({row.code for row in rows})
                if before != after:
                    related.set(rows)
                    changed.append(name)
                    values[name] = before_after(before, after)
        if changed:
            audit_record(
                action="regulator.breach.updated",
                actor=actor,
                target=breach,
                now=now,
                data={
                    "reference": breach.reference,
                    "changed": sorted(changed),
                    "values": values,
                    **({"reason": reason} if reason else {}),
                },
            )
    return breach


def phase_late(*, breach: Breach, initial: BreachNotification | None, at: datetime) -> bool:
    """Whether a notification phase submitted at `at` is late (Law 91/2025/QH15 Art. 23; Decree
    13/2023 Art. 23). The 72 hours bind the notification as a whole; when its content cannot all be
    given at once it may be given in phases, and the law sets no separate period for the later ones:

    * the initial phase (`initial` is None) is late when submitted after the law's deadline
      (`Breach.authority_due_at`): the bank's stricter commitment drives reminders, not what A05 is told;
    * a follow-up completes the initial notification and shares its lateness: it is late exactly
      when the initial phase was late (it is then also after the deadline), and like the initial
      phase its Form 08 must say why;
    * a follow-up to an initial notification made in time is never late, however long the facts
      took to arrive.
    """
    if not breach.is_late(at):
        return False
    return initial is None or initial.late


def _unknown_items(breach: Breach) -> list[str]:
    """The items of `BREACH_TO_FOLLOW_ITEMS` the breach's facts do not give yet."""
    given = {
        "counts": breach.subjects_affected > 0 and breach.records_affected > 0,
        "likely_consequences": bool(breach.likely_consequences),
        "measures_taken": bool(breach.measures_taken),
    }
    return [item for item in BREACH_TO_FOLLOW_ITEMS if not given[item]]


def _items_to_follow(breach: Breach, to_follow: Collection[str], *, initial: bool) -> list[str]:
    """The unknown items this phase says follow later. The initial phase must give every item or say
    it follows: Form 08 with its sections 4-6 empty would tell A05 nothing of the harm."""
    unknown = _unknown_items(breach)
    unannounced = [item for item in unknown if item not in to_follow]
    if initial and unannounced:
        raise InvalidInput(
            _(
                "Form 08 needs %(items)s: complete the facts, or tick what is not yet known and follows "
                "later."
            ),
            field="to_follow",
            items=", ".join(str(BREACH_TO_FOLLOW_ITEMS[item]) for item in unannounced),
        )
    return [item for item in unknown if item in to_follow]


def breach_notify(
    *,
    actor: Actor,
    breach_id,
    late_reason: str = "",
    new_facts: str = "",
    authority_reference: str = "",
    to_follow: Collection[str] = (),
    now: datetime | None = None,
) -> BreachNotification:
    """Submit the next phase of the notification to A05: the Form 08 document as of now.

    Phase 1 is the initial notification; later phases add facts that arrived after it (Law 91 Art. 23
    allows notifying in phases). A late phase (see `phase_late`) must say why: the initial one when
    sent after the 72 hours, and every follow-up of a late initial notification. `to_follow` names the
    items of `BREACH_TO_FOLLOW_ITEMS` not yet known; the initial phase gives or names each
    (`_items_to_follow`).
    """
    now = now or timezone.now()
    late_reason = (late_reason or "").strip()
    new_facts = (new_facts or "").strip()
    with transaction.atomic(durable=True):
        breach = breach_for_update(breach_id)
        if breach.status in BREACH_MACHINE.terminal:
            raise Conflict(_("A closed breach cannot be notified again."), code="breach_closed")
        phases = list(breach.phases.order_by("phase"))
        phase = len(phases) + 1
        initial = phases[0] if phases else None
        kind = BreachNotification.Kind.INITIAL if initial is None else BreachNotification.Kind.FOLLOW_UP
        late = phase_late(breach=breach, initial=initial, at=now)
        if late and not late_reason:
            if initial is None:
                message = _("The 72 hours have passed: give the reason for the late notification.")
            else:
                message = _("The initial notification was late: give the reason for lateness again.")
            raise InvalidInput(message, field="late_reason")
        if initial is not None and not new_facts:
            raise InvalidInput(_("Say which facts this follow-up adds."), field="new_facts")
        following = _items_to_follow(breach, to_follow, initial=initial is None)
        customers = None
        if breach_needs_customer_notice(breach):
            customers = breach_affected_subjects(breach).count()
        # The phase as Form 08 states it is the phase as recorded.
        phase_facts = {
            "phase": phase,
            "kind": kind,
            "submitted_at": now,
            "late": late,
            "late_reason": late_reason if late else "",
            "new_facts": new_facts,
        }
        notification = BreachNotification.objects.create(
            breach=breach,
            authority_reference=(authority_reference or "").strip()[:100],
            document=form08(
                breach,
                earlier_phases=phases,
                customers_to_notify=customers,
                to_follow=following,
                **phase_facts,
            ),
            submitted_by_label=actor.label[:150],
            **phase_facts,
        )
        if phase == 1:
            breach_transition(
                breach, actor=actor, to=BreachStatus.NOTIFIED, now=now, changes={"notified_at": now}
            )
        audit_record(
            action="regulator.breach.notified",
            actor=actor,
            target=breach,
            now=now,
            data={"reference": breach.reference, "phase": phase, "kind": kind, "late": late},
        )
        if phase == 1:
            # Notified after the deadline that binds the bank: the missed deadline is recorded now, as the
            # sweep would have had it run in between (register, audit entry, the DPO's e-mail, the mark).
            deadline_missed_record(
                source=BREACH_SOURCE, clock=BREACH_CLOCK, item_id=breach.pk, actor=actor, now=now
            )
    return notification


def breach_close(*, actor: Actor, breach_id, now: datetime | None = None) -> Breach:
    """Close the breach once no more facts are expected. Customers the policy or the DPO says are to be
    told must have been told (their mailing finished) or the DPO must have recorded why not: a closed
    breach with its customers neither told nor decided about would hide the duty (Law 91 Art. 23)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        breach = breach_for_update(breach_id)
        if breach_customers_mailing_live(breach):
            raise Conflict(
                _("The mailing to the affected customers is still running: close the breach once it ends."),
                code="customers_mailing_live",
            )
        if breach_customers_untold(breach):
            raise Conflict(
                _(
                    "The affected customers have not been told: e-mail them, or record why they are not "
                    "told, before closing the breach."
                ),
                code="customers_not_told",
            )
        breach_transition(
            breach,
            actor=actor,
            to=BreachStatus.CLOSED,
            now=now,
            changes={"closed_at": now},
            audit_action="regulator.breach.closed",
            data={"reference": breach.reference},
        )
    return breach
