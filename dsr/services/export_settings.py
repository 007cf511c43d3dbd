"""The parts of an access or copy export about the customer's settings and their third parties, read from
the platform's own records (`export_content` in `dsr.services.exports` puts them beside the rest): the
channels they chose to be reached on, a new e-mail or phone they typed and are still confirming, and the
history of each third-party authorisation with the reason they gave for revoking it.

Stored as codes and ISO times in Vietnam time with their offset (`local_isoformat`), as the rest of the
export; the readable forms add labels (`dsr.services.export_formats`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from authorisations.models import AuthorisationEvent
from authorisations.selectors import authorisations_export
from authorisations.services import revoke_reason_is_customers
from deadlines.policy import local_isoformat
from dsr.models import ContactChange, ContactChangeStatus
from notifications.models import NotificationPreference
from subjects.models import DataSubject


def settings_entries(subject: DataSubject, *, now: datetime) -> dict[str, Any]:
    """`notification_channels`, the channels the customer chose, in their order (None: they chose none,
    and the bank's default applies); `contact_changes_pending`, each new e-mail or phone they typed
    whose code is still awaited (a confirmed one is on their profile, a lapsed one was never theirs to
    keep). Two queries."""
    chosen = NotificationPreference.objects.filter(subject=subject).values_list("channels", flat=True).first()
    pending = ContactChange.objects.filter(
        subject=subject, status=ContactChangeStatus.PENDING, expires_at__gt=now
    ).order_by("created_at")
    return {
        "notification_channels": list(chosen) if chosen is not None else None,
        "contact_changes_pending": [
            {
                "field": change.field,
                "value": change.value,
                "started_at": local_isoformat(change.created_at),
                "expires_at": local_isoformat(change.expires_at),
            }
            for change in pending
        ],
    }


def third_party_entries(subject: DataSubject) -> list[dict[str, Any]]:
    """The customer's authorisations (`authorisations_export`), each with its `events`: granted,
    paused, resumed, revoked, expired, used, when, through which channel, and the reason the customer
    gave for revoking it (`revoke_reason_is_customers`; the platform's own reasons, a request's
    reference, are no one's words and stay out). One query more than the authorisations'."""
    events = defaultdict(list)
    history = AuthorisationEvent.objects.filter(authorisation__subject=subject).order_by("at", "pk")
    for event in history.only(
        "authorisation_id", "kind", "at", "channel", "actor_kind", "evidence", "reason"
    ):
        events[str(event.authorisation_id)].append(
            {
                "event": event.kind,
                "at": local_isoformat(event.at),
                "channel": event.channel,
                "reason": event.reason if revoke_reason_is_customers(event) else None,
            }
        )
    return [{**entry, "events": events.get(entry["id"], [])} for entry in authorisations_export(subject)]
