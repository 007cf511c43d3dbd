"""The purpose catalogue: purposes, their notice versions and the announcements of a change, who
must be asked again after one, and the recipients purposes share data with.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import reduce
from typing import Any, Literal

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.catalogue import purpose_entry, purpose_entry_of, purpose_in_force, scope_in_force
from consents.models import (
    Consent,
    ConsentState,
    ConsentStatus,
    LegalBasis,
    NoticeAnnouncement,
    NoticeVersion,
    Purpose,
    Recipient,
    notices_in_force_by,
)
from consents.scope import destinations_of, purpose_scope, scope_sensitive
from consents.selectors.rule import GUARDIAN_ALONE, own_agreement_due
from consents.states import ANNOUNCEMENT_MACHINE, ANNOUNCEMENT_RETRY_TO
from core.actors import Actor
from core.errors import NotFound
from core.text import vietnamese_sort_key


def purpose_by_code(
    code: str, *, active_only: bool = False, queryset: QuerySet[Purpose] | None = None
) -> Purpose | None:
    """The purpose with this code (only an active one with `active_only`), read through `queryset`
    (to lock or prefetch), or None."""
    purposes = Purpose.objects.all() if queryset is None else queryset
    return (purposes.filter(active=True) if active_only else purposes).filter(code=code).first()


def purpose_for_code(code: str, queryset: QuerySet[Purpose] | None = None) -> Purpose:
    """`purpose_by_code` for the API and services: NotFound (404) when there is none."""
    purpose = purpose_by_code(code, queryset=queryset)
    if purpose is None:
        raise NotFound(_("No purpose with this code."))
    return purpose


def purpose_list(*, active: bool | None = None) -> QuerySet[Purpose]:
    """Purposes by code with their recipients; only the active or inactive ones when `active` is given."""
    purposes = Purpose.objects.prefetch_related("recipients").order_by("code")
    return purposes if active is None else purposes.filter(active=active)


def scopes_in_force(purposes: Iterable[Purpose], *, now: datetime) -> dict[int, dict[str, Any]]:
    """Each purpose's scope as its version in force at `now` has it, by purpose id: what grants,
    receipts and the consent check read, which the purpose row gets only when the versions job runs
    (minutes later; never while beat is down). Every scope field, with `destinations` derived
    (`destinations_of`), `sensitive` counting the data categories (`scope_sensitive`), and `recipients`
    the recipients the version names, read live (their English names and whether they are active are
    no scope), by name. Reads the cached catalogue and the purposes' prefetched recipients, plus one
    query for every recipient a version names that its purpose row does not have yet."""
    purposes = list(purposes)
    scopes = {}
    for purpose in purposes:
        entry = purpose_entry(purpose.code) or purpose_entry_of(purpose)
        in_force = entry.in_force(now)
        scope = {**purpose_scope(purpose), **entry.scope_in_force(now)}
        scope.update(
            legal_basis=in_force.legal_basis,
            category=in_force.category,
            data_categories=sorted(set(scope["data_categories"])),
            sensitive=scope_sensitive(scope["sensitive"], scope["data_categories"]),
            destinations=destinations_of(
                scope["cross_border"], scope["destination_country"], scope["recipients"]
            ),
        )
        scopes[purpose.pk] = scope
    on_rows = {recipient.pk: recipient for purpose in purposes for recipient in purpose.recipients.all()}
    named = {entry["id"] for scope in scopes.values() for entry in scope["recipients"]}
    known = on_rows | (Recipient.objects.in_bulk(named - on_rows.keys()) if named - on_rows.keys() else {})
    for purpose in purposes:
        scope = scopes[purpose.pk]
        ids = [entry["id"] for entry in scope["recipients"] if entry["id"] in known]
        on_row = list(purpose.recipients.all())
        same = {r.pk for r in on_row} == set(ids)
        scope["recipients"] = (
            on_row if same else sorted((known[pk] for pk in ids), key=lambda r: (r.name, r.pk))
        )
    return scopes


def purposes_active() -> QuerySet[Purpose]:
    return (
        Purpose.objects.filter(active=True)
        .prefetch_related("recipients", "notices")
        .order_by("legal_basis", "code")
    )


def purposes_offered_none() -> bool:
    """Whether the bank offers no purpose yet (a fresh database without the demo): nothing for
    customers to consent to, and every consent an integration client records is refused."""
    return not Purpose.objects.filter(active=True).exists()


# A notice version's full texts, in both languages: long, and read only by the pages that show them.
NOTICE_TEXTS = ("text_vi", "text_en")


def purposes_catalogue(*, notice_texts: bool = True, now: datetime | None = None) -> QuerySet[Purpose]:
    """The catalogue page's purposes, by the legal basis of their version in force at `now` (as the page
    shows it and the consent check judges by: the row's lags it by minutes; `scope_in_force`) then code,
    with recipients and notice versions; the versions without their texts unless `notice_texts` (the
    check reads only dates and scopes)."""
    notices = NoticeVersion.objects.all() if notice_texts else NoticeVersion.objects.defer(*NOTICE_TEXTS)
    at = now or timezone.now()
    basis = scope_in_force("legal_basis", at=at, purpose=OuterRef("pk"), otherwise=F("legal_basis"))
    return Purpose.objects.prefetch_related("recipients", Prefetch("notices", notices)).order_by(
        basis, "code"
    )


def notice_versions(purpose: Purpose, *, newest_first: bool = False) -> QuerySet[NoticeVersion]:
    return purpose.notices.order_by("-effective_at" if newest_first else "effective_at")


def notice_current(purpose: Purpose, *, now: datetime) -> NoticeVersion | None:
    """The version of the purpose's notice in force at `now`: the latest to have taken effect. A grant
    records this version (`consent_grant`), so every page that asks for agreement shows its text and
    its scope (recipients, sensitivity, destination), never the purpose row's: the row gets a new
    version's scope only when `consents.apply_purpose_versions` runs, minutes after it takes effect.

    Reads the purpose's prefetched notices when it has them (a page listing every purpose), else asks
    the database for that one version; both pick the same one."""
    return _latest_in_effect(purpose, now=now)


def _latest_in_effect(purpose: Purpose, *, now: datetime, material: bool = False) -> NoticeVersion | None:
    """The latest version of the purpose's notice to have taken effect by `now` (only a widening one with
    `material`), from the prefetched notices when the purpose has them."""
    if "notices" in getattr(purpose, "_prefetched_objects_cache", {}):
        effective = [
            n for n in purpose.notices.all() if n.in_force_by(now) and (n.material or not material)
        ]
        return max(effective, key=lambda n: (n.effective_at, n.pk), default=None)
    notices = purpose.notices.filter(notices_in_force_by(now))
    return (notices.filter(material=True) if material else notices).order_by("-effective_at", "-id").first()


def notices_in_force_for_consent(*, now: datetime) -> list[NoticeVersion]:
    """The notice in force of each active purpose consent-based by its version in force at `now` (the
    row's basis lags it until the job runs; a grant is judged by the version): what staff read or hand
    over."""
    notices = []
    for purpose in purposes_active():
        if purpose_in_force(purpose, now).legal_basis != LegalBasis.CONSENT:
            continue
        notice = notice_current(purpose, now=now)
        if notice is not None:
            notices.append(notice)
    return notices


def notice_summary_written_for(notice: NoticeVersion) -> bool:
    """Whether the purpose's plain description summarises `notice`: only its first version, the one it
    was written with (the first notice's text defaults to it). A later version may say something else
    (new recipients, a new use), and an agent reading the old summary aloud would tell the customer what
    the version in force does not say; its full text is then the only one read. Reads the purpose's
    prefetched notices when it has them."""
    first = min(notice.purpose.notices.all(), key=lambda version: version.effective_at, default=None)
    return first is None or first.pk == notice.pk


def announcement_allowed_actions(announcement: NoticeAnnouncement, actor: Actor) -> frozenset[str]:
    """What staff may do with the announcement now: "send" it before its date while it is scheduled
    (customers are told once: never again once sent), "retry" one the job parked after failing it
    again and again (pages ask this; the caller checks the staff member's permission)."""
    if not actor.is_staff:
        return frozenset()
    status, allowed = announcement.status, ANNOUNCEMENT_MACHINE.is_allowed
    actions = set()
    if announcement.sent_at is None and allowed(status, NoticeAnnouncement.Status.SENT):
        actions.add("send")
    if status in ANNOUNCEMENT_RETRY_TO and allowed(status, ANNOUNCEMENT_RETRY_TO[status]):
        actions.add("retry")
    return frozenset(actions)


def announcements_failing() -> dict[str, int]:
    """How many announcements the job cannot move: `parked` ones wait for the DPO, `retrying` ones
    failed lately and will be tried again (`consents.services.announcement_runs`). The parked ones are
    also counted by status, as their customers' plight differs: `send_failed` ones were never told of
    the new version, `ask_failed` ones were told and only the request for fresh consent is missing."""
    parked = Q(status__in=list(ANNOUNCEMENT_RETRY_TO))
    return NoticeAnnouncement.objects.aggregate(
        parked=Count("pk", filter=parked),
        retrying=Count("pk", filter=Q(attempts__gt=0) & ~parked),
        **{status: Count("pk", filter=Q(status=status)) for status in ANNOUNCEMENT_RETRY_TO},
    )


def _live_on_notice_older_than(purpose_id, effective_at: datetime) -> Q:
    return Q(purpose_id=purpose_id, status=ConsentStatus.GRANTED, notice__effective_at__lt=effective_at)


def consents_on_notice_older_than(*, purpose_id, effective_at: datetime) -> QuerySet[Consent]:
    """Live consents to this purpose given to a notice version that took effect before `effective_at`,
    by customer number. Nothing is joined: callers add what they read."""
    return Consent.objects.filter(_live_on_notice_older_than(purpose_id, effective_at)).order_by(
        "subject__external_ref"
    )


# The answers that let the bank not process for a consent-based purpose.
SAID_NO = (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED)


def consents_said_no(*, purpose_id) -> QuerySet[Consent]:
    """The current answers to this purpose that let the bank not process: refused, withdrawn or run out
    (a consent voided as made in error was never the customer's answer)."""
    answers = ConsentState.objects.filter(purpose_id=purpose_id, status__in=SAID_NO)
    return Consent.objects.filter(pk__in=answers.values("consent_id"))


def consents_on_notice_older_than_counts(
    moments: Iterable[tuple[int, datetime]],
) -> dict[tuple[int, datetime], int]:
    """How many consents `consents_on_notice_older_than` finds for each (purpose id, effective_at) given,
    in one grouped query for all of them (a page listing purposes or versions): each purpose's live
    consents are counted by when the version they were given to took effect, then summed per moment."""
    moments = list(moments)
    latest: dict[int, datetime] = {}
    for purpose_id, effective_at in moments:
        latest[purpose_id] = max(effective_at, latest.get(purpose_id, effective_at))
    if not latest:
        return {}
    older = reduce(operator.or_, (_live_on_notice_older_than(pk, at) for pk, at in latest.items()))
    by_version = (
        Consent.objects.filter(older).order_by()
        .values_list("purpose_id", "notice__effective_at").annotate(count=Count("pk"))
    )
    given: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for purpose_id, version_at, count in by_version:
        given[purpose_id].append((version_at, count))
    return {
        (purpose_id, at): sum(count for version_at, count in given[purpose_id] if version_at < at)
        for purpose_id, at in moments
    }


def _material_change_at(purpose: Purpose, *, now: datetime) -> datetime | None:
    """When the latest widening of the purpose in effect at `now` took effect: consents given to a version
    before it must be asked again. None while the version in force rests on another basis than consent:
    nobody is asked for a consent the purpose no longer takes, as the check answers `legal_basis`."""
    in_force = _latest_in_effect(purpose, now=now)
    if in_force is None or in_force.scope.get("legal_basis", purpose.legal_basis) != LegalBasis.CONSENT:
        return None
    material = _latest_in_effect(purpose, now=now, material=True)
    return material.effective_at if material is not None else None


def consents_widened(purpose: Purpose, *, now: datetime | None = None) -> QuerySet[Consent]:
    """Live consents given to a notice version older than a material change now in effect: the customers
    a widening's announcement asks again."""
    changed_at = _material_change_at(purpose, now=now or timezone.now())
    if changed_at is None:
        return Consent.objects.none()
    return consents_on_notice_older_than(purpose_id=purpose.pk, effective_at=changed_at)


def _consents_outgrown(purpose_ids: Iterable[int], *, now: datetime) -> dict[int, list[tuple]]:
    """{purpose id: (id, when its notice took effect) of each live consent to it a guardian gave alone for
    a customer now 7 or over} (`rule.guardian_consent_outgrown`), in one query: dates of birth are
    encrypted, so they are read (of consents a guardian gave only) and judged here, not filtered on."""
    on = timezone.localdate(now)
    outgrown: dict[int, list[tuple]] = defaultdict(list)
    rows = Consent.objects.filter(
        GUARDIAN_ALONE, purpose_id__in=list(purpose_ids), status=ConsentStatus.GRANTED
    ).values_list("pk", "purpose_id", "notice__effective_at", "subject__date_of_birth")
    for pk, purpose_id, notice_at, born in rows:
        if own_agreement_due(born, on):
            outgrown[purpose_id].append((pk, notice_at))
    return outgrown


def subjects_to_ask_again(purpose: Purpose, *, now: datetime | None = None) -> QuerySet[Consent]:
    """The live consents the consent check answers `reconsent_required` for, by customer number, each
    with why: given to a notice version older than a widening now in effect (`widened`,
    `consents_widened`), or given by a guardian alone for a customer now 7 or over, whose own agreement
    is due (`outgrown`)."""
    now = now or timezone.now()
    widened = consents_widened(purpose, now=now).values("pk")
    outgrown = [pk for pk, _notice_at in _consents_outgrown([purpose.pk], now=now)[purpose.pk]]
    return (
        Consent.objects.filter(Q(pk__in=widened) | Q(pk__in=outgrown))
        .annotate(
            widened=Exists(widened.filter(pk=OuterRef("pk"))),
            outgrown=Case(When(pk__in=outgrown, then=True), default=False, output_field=BooleanField()),
        )
        .select_related("subject", "notice")
        .order_by("subject__external_ref")
    )


def ask_again_count(purpose: Purpose, *, now: datetime | None = None) -> int:
    """How many customers `subjects_to_ask_again` lists for the purpose."""
    return subjects_to_ask_again(purpose, now=now).count()


def ask_again_counts(purposes: Iterable[Purpose], *, now: datetime) -> dict[int, int]:
    """`ask_again_count` of each purpose with consents to ask again, in two queries for all: the catalogue
    page. Reads each purpose's prefetched notices. A consent both widened and outgrown counts once."""
    purposes = list(purposes)
    changed = {
        purpose.pk: at for purpose in purposes if (at := _material_change_at(purpose, now=now)) is not None
    }
    counts = consents_on_notice_older_than_counts(changed.items())
    totals = {purpose_id: counts[(purpose_id, at)] for purpose_id, at in changed.items()}
    for purpose_id, outgrown in _consents_outgrown([p.pk for p in purposes], now=now).items():
        widened_at = changed.get(purpose_id)
        only_outgrown = sum(1 for _pk, notice_at in outgrown if widened_at is None or notice_at >= widened_at)
        if only_outgrown:
            totals[purpose_id] = totals.get(purpose_id, 0) + only_outgrown
    return totals


def recipient_list() -> QuerySet[Recipient]:
    """Every recipient, by name in the database's order (code points): the API pages through it, and
    serializers pick from it. What staff read is in Vietnamese order (`recipients_with_purposes`)."""
    return Recipient.objects.order_by("name")


def recipients_active() -> QuerySet[Recipient]:
    """The active recipients, a queryset for a form's choice (`core.forms.InVietnameseOrder` shows it
    in alphabetical order)."""
    return Recipient.objects.filter(active=True)


def recipients_with_purposes() -> list[Recipient]:
    """The recipients page's list, with each one's purposes, in Vietnamese alphabetical order ("Đông Á"
    after "Dương", not after "Zeta"): the catalogue is small, so it is sorted here rather than by the
    database, which orders by code point."""
    recipients = recipient_list().prefetch_related("purposes")
    return sorted(recipients, key=lambda recipient: vietnamese_sort_key(recipient.name))


def recipient_names_en(*, by: Literal["pk", "name"] = "pk") -> dict[Any, str]:
    """{recipient id: English name} of the recipients the bank gave one: how a page read in English names
    the recipients of a scope, which quotes only the Vietnamese name it was frozen with
    (`consents.scope.scope_recipients_in_reader_language`). One query for the whole page: they are few.
    `by="name"`: keyed by the Vietnamese name instead, for the documents that quote a recipient by that
    name alone (the regulator's dossier facts and record of processing activities): it is unique and
    never changes (`recipient_rename_en` changes only the English one)."""
    return dict(Recipient.objects.exclude(name_en="").values_list(by, "name_en"))


def recipient_by_id(pk: int) -> Recipient | None:
    return Recipient.objects.filter(pk=pk).first()


def recipients_by_ids(ids: Iterable[int]) -> list[Recipient]:
    return list(Recipient.objects.filter(pk__in=list(ids)))


def recipient_choices(*, active_only: bool = True) -> list[tuple[int, str]]:
    """Active recipients as (id, name in the reader's language), for a webhook endpoint's "serves"
    choice, in Vietnamese alphabetical order of that name; every recipient with `active_only=False`
    (the notices page's filter: the bank answers for what it sent one it no longer works with)."""
    recipients = Recipient.objects.filter(active=True) if active_only else Recipient.objects.all()
    names = [
        (recipient.pk, recipient.name_in_reader_language)
        for recipient in recipients.only("pk", "name", "name_en")
    ]
    return sorted(names, key=lambda row: vietnamese_sort_key(row[1]))


def recipients_served(endpoint_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """{webhook endpoint id: (recipient id, name in the reader's language)} of the recipients those
    endpoints serve."""
    served = Recipient.objects.filter(endpoint_id__in=list(endpoint_ids)).only("name", "name_en", "endpoint")
    return {recipient.endpoint_id: (recipient.pk, recipient.name_in_reader_language) for recipient in served}
