"""Whose data went to one recipient abroad: the consents to a transfer to it that were in force during a
period, for the DPO answering "whose data did the head office in Tokyo receive this quarter?"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from consents.models import NEVER_IN_FORCE, Consent, NoticeVersion, Recipient, ends_at
from consents.scope import HOME_COUNTRY
from consents.selectors.catalogue import NOTICE_TEXTS


def _notices() -> QuerySet[NoticeVersion]:
    return (
        NoticeVersion.objects.select_related("purpose")
        .defer(*NOTICE_TEXTS)
        .prefetch_related("purpose__recipients")
    )


def _named_by(notice: NoticeVersion) -> list[int]:
    """The recipients a notice version's agreement names: its scope's (a version from before scopes named
    recipients: its purpose's)."""
    listed = (notice.scope or {}).get("recipients")
    if listed is not None:
        return [entry["id"] for entry in listed]
    return [r.pk for r in notice.purpose.recipients.all()]


def _notices_transferring_to(recipient: Recipient) -> list[int]:
    """The notice versions whose agreement sends data abroad to `recipient`: they name it (`_named_by`), and
    either the recipient is abroad or the purpose is a cross-border one (as
    `regulator.selectors.transfer_recipients` decides a dossier)."""
    notices = _notices()
    if recipient.country == HOME_COUNTRY:
        notices = notices.filter(purpose__cross_border=True)
    return [notice.pk for notice in notices if recipient.pk in _named_by(notice)]


def recipients_transferred_to(recipients: Iterable[Recipient]) -> set[int]:
    """Of these recipients, the ones `consents_transferring_to` can list anyone for: abroad, or named by a
    version of a cross-border purpose (the recipients page links only those). One read of the versions."""
    ids = {recipient.pk for recipient in recipients if recipient.country != HOME_COUNTRY}
    for notice in _notices().filter(purpose__cross_border=True):
        ids.update(_named_by(notice))
    return ids & {recipient.pk for recipient in recipients}


def consents_transferring_to(recipient: Recipient, *, since: datetime, until: datetime) -> QuerySet[Consent]:
    """The consents to a transfer to `recipient` in force at some moment of [since, until): given before
    `until`, not ended (withdrawn, expired, replaced, its term run out even if not yet swept) by `since`.
    A refusal or a record voided as made in error never was in force. Oldest grant first, by a unique key,
    with the customer, purpose and notice version each row shows."""
    return (
        Consent.objects.filter(notice_id__in=_notices_transferring_to(recipient), granted_at__lt=until)
        .exclude(status__in=NEVER_IN_FORCE)
        .alias(ended=ends_at())
        .filter(ended__gt=since)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=since))
        .select_related("subject", "purpose", "notice")
        .defer(*(f"notice__{text}" for text in NOTICE_TEXTS))
        .order_by("granted_at", "pk")
    )
