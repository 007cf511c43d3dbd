"""What a new version of a purpose changes, read against the version before it: whether it moves the
purpose off consent, and what it reaches further than before, in words a customer reads (the
announcement of the change says them: a version's notice text may carry over unchanged)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import (
    ConsentState,
    ConsentStatus,
    DataCategory,
    LegalBasis,
    NoticeAnnouncement,
    NoticeVersion,
    PurposeCategory,
    TransferExemption,
)
from consents.scope import (
    automated_processing_named,
    scope_recipients_in_reader_language,
    scope_widenings,
    told_destinations,
)
from consents.selectors.catalogue import SAID_NO, consents_on_notice_older_than_counts, recipient_names_en


def _version_before(notice: NoticeVersion) -> NoticeVersion | None:
    earlier = notice.purpose.notices.filter(effective_at__lt=notice.effective_at)
    return earlier.order_by("-effective_at").first()


def _leaves_consent(basis_before: str | None, basis: str | None) -> bool:
    return basis_before == LegalBasis.CONSENT and basis != LegalBasis.CONSENT


def _versions_before(notices: list[NoticeVersion]) -> dict[int, NoticeVersion | None]:
    """The version before each of these (`_version_before`), by version id, in one query for all of them."""
    versions: dict[int, list[NoticeVersion]] = defaultdict(list)
    every_version = NoticeVersion.objects.filter(purpose_id__in={n.purpose_id for n in notices})
    for version in every_version.order_by("-effective_at", "-pk"):
        versions[version.purpose_id].append(version)
    before: dict[int, NoticeVersion | None] = {}
    for notice in notices:
        earlier = (older for older in versions[notice.purpose_id] if older.effective_at < notice.effective_at)
        before[notice.pk] = next(earlier, None)
    return before


def _leaves_consent_after(before: NoticeVersion | None, notice: NoticeVersion) -> bool:
    basis_before = before.scope.get("legal_basis") if before is not None else None
    return _leaves_consent(basis_before, notice.scope.get("legal_basis"))


def notice_leaves_consent(notice: NoticeVersion) -> bool:
    """Whether this version moves its purpose off consent: from its date the bank processes every
    customer's data on another legal basis, whatever they answered."""
    return _leaves_consent_after(_version_before(notice), notice)


def notices_leaving_consent(notices: list[NoticeVersion]) -> set[int]:
    """The ids of those of these versions that move their purpose off consent (`notice_leaves_consent`),
    in one query for all of them."""
    before = _versions_before(notices)
    return {notice.pk for notice in notices if _leaves_consent_after(before[notice.pk], notice)}


def announcement_affected_counts(notices: list[NoticeVersion]) -> dict[int, int]:
    """How many consents an announcement of each of these versions would tell (`announcement_affected`),
    by version id, in three queries for all of them: the live consents to an older version, and for a
    version leaving consent those who said no as well (`consents_said_no`)."""
    live = consents_on_notice_older_than_counts((n.purpose_id, n.effective_at) for n in notices)
    leaving = notices_leaving_consent(notices)
    said_no = dict(
        ConsentState.objects.filter(
            purpose_id__in={n.purpose_id for n in notices if n.pk in leaving}, status__in=SAID_NO
        )
        .order_by()
        .values_list("purpose_id")
        .annotate(count=Count("pk"))
    )
    return {
        n.pk: live[(n.purpose_id, n.effective_at)] + (said_no.get(n.purpose_id, 0) if n.pk in leaving else 0)
        for n in notices
    }


def notice_widenings_in_words(notice: NoticeVersion) -> list[str]:
    """What this version reaches further than the one before it (`consents.scope.scope_widenings`), one
    sentence each, in the active language: new recipients (named as the reader reads them), destinations
    abroad, kinds of data, sensitivity, a longer retention, another legal basis, category or exemption,
    profiling or decisions by automated means."""
    return _widenings_in_words(_version_before(notice), notice, names_en=None)


def _widenings_in_words(
    before: NoticeVersion | None, notice: NoticeVersion, *, names_en: dict[int, str] | None
) -> list[str]:
    """`notice_widenings_in_words` against the version `before` it; `names_en` are the recipients'
    English names when the caller read them already (`recipient_names_en`), else read when needed."""
    if before is None:
        return []
    old, new = before.scope, notice.scope
    known = set(old["data_categories"])
    widened = scope_widenings(old, new)
    lines = []
    if "recipients" in widened:
        told = {entry["id"] for entry in old["recipients"]}
        added = [entry for entry in new["recipients"] if entry["id"] not in told]
        names_en = recipient_names_en() if names_en is None else names_en
        names = [entry["name"] for entry in scope_recipients_in_reader_language(added, names_en)]
        lines.append(_("New recipients of your data: %(names)s.") % {"names": ", ".join(names)})
    if "destination_country" in widened:
        countries = [c for c in told_destinations(new) if c not in told_destinations(old)]
        lines.append(_("Your data is sent abroad to: %(countries)s.") % {"countries": ", ".join(countries)})
    if "data_categories" in widened:
        kinds = [str(DataCategory(c).label) for c in new["data_categories"] if c not in known]
        lines.append(_("New kinds of data: %(categories)s.") % {"categories": ", ".join(kinds)})
    if "sensitive" in widened:
        lines.append(_("Sensitive personal data is processed."))
    if "retention_months" in widened and new["retention_months"] is None:
        lines.append(_("Your data is kept as long as the purpose needs it, no longer for a set period."))
    elif "retention_months" in widened:
        lines.append(
            _("Your data is kept longer: %(months)s months instead of %(before)s.")
            % {"months": new["retention_months"], "before": old["retention_months"]}
        )
    if "legal_basis" in widened:
        lines.append(_("New legal basis: %(basis)s.") % {"basis": LegalBasis(new["legal_basis"]).label})
    if "category" in widened:
        category = PurposeCategory(new["category"]).label
        lines.append(_("New kind of purpose: %(category)s.") % {"category": category})
    if "transfer_exemption" in widened:
        exemption = TransferExemption(new["transfer_exemption"]).label
        lines.append(_("New exemption from consent: %(exemption)s.") % {"exemption": exemption})
    if "automated_processing" in widened:
        lines.append(automated_processing_named(new["automated_processing"]))
    return lines


@dataclass(frozen=True)
class ChangeInWords:
    """An announced change as its e-mail tells it: what it widens, and whether it leaves consent."""

    announcement: NoticeAnnouncement
    changes: list[str]
    leaves_consent: bool


def announcements_in_words(announcements: Iterable[NoticeAnnouncement]) -> list[ChangeInWords]:
    """Each announced change with the words of its e-mail, for every page that lists it to the customer
    (the consents page's banner, *Upcoming changes*), in the active language; in the same queries
    whatever their number."""
    announcements = list(announcements)
    if not announcements:
        return []
    before = _versions_before([announcement.notice for announcement in announcements])
    names_en = recipient_names_en()
    return [
        ChangeInWords(
            announcement=announcement,
            changes=_widenings_in_words(
                before[announcement.notice_id], announcement.notice, names_en=names_en
            ),
            leaves_consent=_leaves_consent_after(before[announcement.notice_id], announcement.notice),
        )
        for announcement in announcements
    ]


def announcements_upcoming_for_subject(subject, *, now: datetime | None = None) -> list[NoticeAnnouncement]:
    """Announced changes not yet in effect that concern this customer, as `announcement_affected` finds
    them: to purposes they have a live consent to, and those moving a purpose they said no to off consent."""
    now = now or timezone.now()
    answers = dict(ConsentState.objects.filter(subject=subject).values_list("purpose_id", "status"))
    upcoming = NoticeAnnouncement.objects.filter(
        status=NoticeAnnouncement.Status.SENT, notice__effective_at__gt=now, notice__purpose_id__in=answers
    ).select_related("notice__purpose").order_by("notice__effective_at", "pk")
    leaving = notices_leaving_consent([a.notice for a in upcoming if answers[a.notice.purpose_id] in SAID_NO])
    return [
        announcement
        for announcement in upcoming
        if answers[announcement.notice.purpose_id] == ConsentStatus.GRANTED
        or (answers[announcement.notice.purpose_id] in SAID_NO and announcement.notice.pk in leaving)
    ]
