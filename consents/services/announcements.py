"""Announcing a new notice version to the customers it affects (domain notes: a change is announced
7 days before it takes effect, 30 when it significantly affects customers; where the scope grew, the
customers are asked for fresh consent from the effective date).

Customer messages go through the notifier (`notifications.services.notify_many`, in chunks): on each
customer's preferred channels (e-mail, SMS, the in-app inbox as the last resort), queued in the service's
transaction, in each customer's language, and deduplicated per announcement and customer.

The hourly job that runs the steps whose time has come, and keeps count of their failures, is
`consents.services.announcement_runs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import per_language
from audit.services import audit_record
from audit.transitions import Transition
from consents.catalogue import catalogue_invalidate
from consents.models import (
    AnnouncementStatusChange,
    Consent,
    LegalBasis,
    NoticeAnnouncement,
    NoticeVersion,
)
from consents.selectors import (
    consents_on_notice_older_than,
    consents_said_no,
    consents_widened,
    notice_leaves_consent,
    notice_widenings_in_words,
)
from consents.states import ANNOUNCEMENT_MACHINE
from core.actors import Actor
from core.errors import Conflict, InvalidTransition, NotFound
from core.moments import moment_for_people, next_whole_minute
from integrations.links import absolute_urls_by_language
from notifications.services import notify_many
from subjects.models import DataSubject

# Domain notes ("Notices are versioned"): how many days ahead of the effective date a change is told.
LEAD_DAYS = 7
LEAD_DAYS_SIGNIFICANT = 30
# The hourly job (`run-notice-announcements` in config/celery.py) sends up to an hour after `send_at`:
# a send within that hour is on time and keeps the version's date, so routine scheduling does not move
# every widening by minutes and audit it as late.
SEND_GRACE = timedelta(hours=1)
# Customers read and queued per round trip when a notice goes to everyone concerned.
CUSTOMER_CHUNK = 2000
# A step that went through starts the next one with no failure behind it.
FAILURES_CLEARED = {"attempts": 0, "last_error": "", "last_failed_at": None, "next_attempt_at": None}


@dataclass(frozen=True)
class Mailing:
    """A message an announcement sends to the customers it concerns."""

    topic: str
    template: str
    dedupe: str  # the prefix of its dedupe keys
    count_field: str  # the announcement's field counting the customers reached
    audit_action: str


# The mailing that goes out when an announcement reaches each of these statuses.
MAILINGS = {
    NoticeAnnouncement.Status.SENT: Mailing(
        "consents.notice.announced", "consents/email/notice_announced", "announce", "customers_told",
        "consents.announcement.sent",
    ),
    NoticeAnnouncement.Status.ASKED: Mailing(
        "consents.notice.fresh_consent_requested", "consents/email/fresh_consent", "fresh", "customers_asked",
        "consents.announcement.fresh_consent_asked",
    ),
}


def lead_days_for(*, significant: bool) -> int:
    return LEAD_DAYS_SIGNIFICANT if significant else LEAD_DAYS


def announcement_affected(notice: NoticeVersion) -> QuerySet[Consent]:
    """Live consents to an older version of this notice's purpose: the customers to tell. A version
    moving the purpose off consent processes those who refused or withdrew too: they are told as well."""
    live = consents_on_notice_older_than(purpose_id=notice.purpose_id, effective_at=notice.effective_at)
    if notice_leaves_consent(notice):
        return live | consents_said_no(purpose_id=notice.purpose_id)
    return live


def announcement_schedule(*, actor: Actor, notice_id, now: datetime | None = None) -> NoticeAnnouncement:
    """Schedule the announcement of a published notice version `lead_days` before it takes effect
    (30 days when the version is material: significance follows the change, it is not chosen).
    A version that takes effect too soon for the lead time is refused with the earliest date."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        notice = (
            NoticeVersion.objects.select_for_update().select_related("purpose").filter(pk=notice_id).first()
        )
        if notice is None:
            raise NotFound(_("No notice version with this id."))
        if NoticeAnnouncement.objects.filter(notice=notice).exists():
            raise Conflict(_("This notice version is already announced."), code="already_announced")
        return announcement_create_locked(actor=actor, notice=notice, now=now)


def announcement_create_locked(
    *, actor: Actor, notice: NoticeVersion, now: datetime
) -> NoticeAnnouncement:
    """The announcement of `notice`, inside the caller's transaction (publishing a version creates it)."""
    significant = notice.material
    lead = lead_days_for(significant=significant)
    send_at = notice.effective_at - timedelta(days=lead)
    if send_at < now:
        earliest = next_whole_minute(now + timedelta(days=lead))
        raise Conflict(
            _(
                "Customers must be told %(days)s days before the change takes effect; this version takes "
                "effect too soon. Publish a version taking effect on %(earliest)s or later."
            )
            % {"days": lead, "earliest": moment_for_people(earliest)},
            code="announcement_too_late",
            field="effective_at",
            data={"earliest_effective_at": timezone.localtime(earliest).isoformat()},
        )
    if significant:
        # Not in force on any date until the customers are told (`announcement_send_locked`).
        notice.awaiting_announcement = True
        notice.save(update_fields=["awaiting_announcement"])
    announcement = NoticeAnnouncement.objects.create(
        notice=notice,
        significant=significant,
        lead_days=lead,
        send_at=send_at,
        scheduled_by_label=actor.label[:150],
    )
    audit_record(
        action="consents.announcement.scheduled",
        actor=actor,
        target=announcement,
        now=now,
        data={
            "purpose": notice.purpose.code,
            "version": notice.version,
            "significant": significant,
            "lead_days": lead,
            "send_at": send_at.isoformat(),
        },
    )
    return announcement


def announcement_locked(announcement_id) -> NoticeAnnouncement:
    """The announcement, locked for the caller's transaction, with its notice and purpose; NotFound."""
    announcement = (
        NoticeAnnouncement.objects.select_for_update()
        .select_related("notice__purpose")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None:
        raise NotFound(_("No announcement with this id."))
    return announcement


# The one mover of an announcement: `Transition` checks `consents.states.ANNOUNCEMENT_MACHINE` (409
# otherwise), saves the locked announcement with an `AnnouncementStatusChange` row and, when
# `audit_action` is given, the audit entry.
announcement_transition = Transition(
    ANNOUNCEMENT_MACHINE,
    AnnouncementStatusChange,
    of="announcement",
    refused=_("This announcement is already “%(status)s”."),
)


def announcement_send(*, actor: Actor, announcement_id, now: datetime | None = None) -> NoticeAnnouncement:
    """Send the new notice to every customer with a live consent to an older version (once each)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        announcement = announcement_locked(announcement_id)
        announcement_send_locked(announcement, actor=actor, now=now)
    return announcement


def announcement_send_locked(
    announcement: NoticeAnnouncement, *, actor: Actor, now: datetime
) -> None:
    """Mark the locked announcement sent and tell the customers (caller's transaction)."""
    if announcement.sent_at is not None:
        # Told already: a parked fresh-consent step goes back to "sent" by `announcement_retry`, which the
        # table allows, never by telling the customers again.
        raise InvalidTransition(announcement_transition.refused, status=announcement.get_status_display())
    announcement_transition(
        announcement,
        actor=actor,
        to=NoticeAnnouncement.Status.SENT,
        now=now,
        changes={"sent_at": now, **FAILURES_CLEARED},
    )
    notice = announcement.notice
    if notice.awaiting_announcement:
        _notice_release(announcement, actor=actor, now=now)
    # The purpose's name and the notice text in each customer's language (`name`/`text` follow
    # the active language).
    leaves_consent = notice_leaves_consent(notice)
    context = per_language(lambda: {
        "purpose_name": notice.purpose.name,
        "version": notice.version,
        "effective_at": notice.effective_at.isoformat(),
        "fresh_consent_needed": notice.material and not leaves_consent,
        "legal_basis": str(LegalBasis(notice.scope["legal_basis"]).label) if leaves_consent else "",
        "text": notice.text,
        "changes": notice_widenings_in_words(notice),
    })
    _mail(
        announcement,
        announcement_affected(notice),
        context=context,
        actor=actor,
        now=now,
    )


def _notice_release(announcement: NoticeAnnouncement, *, actor: Actor, now: datetime) -> None:
    """The material version the announcement just told the customers of may take effect: on its date
    if they were told `lead_days` ahead or within `SEND_GRACE` of the send date, else `lead_days` from
    now (the job did not run in time, or the send was parked). Later versions of the purpose that would
    come first are held to the same date, so that no version is in force before the one it follows. A
    late release is audited and kept on the announcement (`planned_effective_at`) for the DPO's
    announcements page."""
    notice = announcement.notice
    notice.awaiting_announcement = False
    notice_period_end = now + timedelta(days=announcement.lead_days)
    planned = notice.effective_at
    if planned >= notice_period_end or now <= announcement.send_at + SEND_GRACE:
        notice.save(update_fields=["awaiting_announcement"])
        catalogue_invalidate()
        return
    notice.effective_at = notice_period_end
    notice.save(update_fields=["awaiting_announcement", "effective_at"])
    held = NoticeVersion.objects.filter(
        purpose_id=notice.purpose_id, effective_at__gt=planned, effective_at__lt=notice_period_end
    )
    later = list(held.order_by("effective_at").values_list("version", flat=True))
    held.update(effective_at=notice_period_end)
    announcement.planned_effective_at = planned
    announcement.save(update_fields=["planned_effective_at"])
    audit_record(
        action="consents.announcement.sent_late",
        actor=actor,
        target=announcement,
        now=now,
        data={
            "purpose": notice.purpose.code,
            "version": notice.version,
            "lead_days": announcement.lead_days,
            "planned_effective_at": planned.isoformat(),
            "effective_at": notice_period_end.isoformat(),
            "later_versions_held": later,
        },
    )
    catalogue_invalidate()


def announcement_ask_fresh_consent(
    *, actor: Actor, announcement_id, now: datetime | None = None
) -> NoticeAnnouncement:
    """From the effective date: ask the customers still on an older version for fresh consent where
    the scope grew (a material version); otherwise the announcement is simply complete."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        announcement = announcement_locked(announcement_id)
        announcement_ask_locked(announcement, actor=actor, now=now)
    return announcement


def announcement_ask_locked(
    announcement: NoticeAnnouncement, *, actor: Actor, now: datetime
) -> None:
    """Ask for fresh consent, or complete a minor change, on the locked announcement (caller's
    transaction)."""
    notice = announcement.notice
    if notice.effective_at > now:
        raise Conflict(_("The new notice is not in effect yet."), code="not_effective")
    # A version resting on another basis than consent asks nobody for a consent it no longer takes.
    if not notice.material or notice.scope.get("legal_basis") != LegalBasis.CONSENT:
        # This puts the new version in force for the customers already told: whoever took the step, and
        # when, belongs in the trail as the sending and a material change's ask do.
        announcement_transition(
            announcement,
            actor=actor,
            to=NoticeAnnouncement.Status.DONE,
            now=now,
            changes=FAILURES_CLEARED,
            audit_action="consents.announcement.completed",
            data={"purpose": notice.purpose.code, "version": notice.version},
        )
        return
    announcement_transition(
        announcement,
        actor=actor,
        to=NoticeAnnouncement.Status.ASKED,
        now=now,
        changes={"asked_at": now, **FAILURES_CLEARED},
    )
    context = per_language(lambda: {"purpose_name": notice.purpose.name, "version": notice.version})
    _mail(
        announcement,
        consents_widened(notice.purpose, now=now),
        context=context,
        actor=actor,
        now=now,
    )


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _mail(
    announcement: NoticeAnnouncement,
    consents: QuerySet[Consent],
    *,
    context: Callable[[str], dict[str, Any]],
    actor: Actor,
    now: datetime,
) -> None:
    """Send the mailing of the status the announcement just reached (`MAILINGS`) through the
    notifier, in their language and on their channels, to each customer with one of these consents (at
    most once per customer: `<dedupe>:<announcement>:<subject id>`), keep the number of customers
    reached on the announcement and audit it. `context` is a function of the language
    (`accounts.languages.per_language`); each e-mail links to the customer's consents page, where
    they withdraw or confirm (an SMS, which carries no link, says where to read it once signed in).

    A notice may reach the whole bank: the customers are streamed in chunks, reading (and decrypting)
    only the columns needed, and each chunk is queued in a few set-based queries."""
    mailing = MAILINGS[announcement.status]
    subjects = (
        DataSubject.objects.filter(pk__in=consents.values("subject_id"))
        .only("pk", "email", "phone", "preferred_language")
        .order_by("external_ref")
        .iterator(chunk_size=CUSTOMER_CHUNK)
    )
    links = absolute_urls_by_language("consents:me_consents")
    reached = 0
    for chunk in _chunks(subjects, CUSTOMER_CHUNK):
        notify_many(
            chunk,
            template=mailing.template,
            context=lambda language: {**context(language), "link": links[language]},
            topic=mailing.topic,
            dedupe_prefix=f"{mailing.dedupe}:{announcement.pk}",
            now=now,
        )
        reached += len(chunk)
    setattr(announcement, mailing.count_field, reached)
    announcement.save(update_fields=[mailing.count_field])
    notice = announcement.notice
    audit_record(
        action=mailing.audit_action,
        actor=actor,
        target=announcement,
        now=now,
        data={"purpose": notice.purpose.code, "version": notice.version, "customers": reached},
    )
