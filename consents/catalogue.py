"""A small in-process cache of the purpose catalogue for the consent check.

The check runs before every marketing send and card transaction, so it must not re-read purposes
and notice versions each time. The catalogue is tiny and changes rarely (a DPO edits it), so each
worker keeps a copy for `TTL_SECONDS`; the services that change it drop the copy at once in this
process and again on commit. Other workers see a change within `TTL_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import CharField, Prefetch, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from consents.models import NoticeVersion, Purpose, notices_in_force_by
from core.worker_cache import WorkerCache

TTL_SECONDS = 5.0


@dataclass(frozen=True)
class NoticeEntry:
    id: int
    version: str
    effective_at: datetime
    material: bool
    # The purpose's legal basis and category under this version (its `scope`); the category is None
    # for a version stored while it was wording.
    legal_basis: str
    category: str | None = None
    # A material version whose announcement has not gone out yet is in force on no date.
    awaiting_announcement: bool = False
    # The version's whole scope as stored (`consents.scope.purpose_scope`): what the purpose API shows
    # while the version is in force. Empty for an entry built without it.
    scope: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def in_force_by(self, now: datetime) -> bool:
        return self.effective_at <= now and not self.awaiting_announcement


@dataclass(frozen=True)
class PurposeEntry:
    id: int
    code: str
    legal_basis: str
    category: str
    sensitive: bool
    active: bool
    notices: tuple[NoticeEntry, ...] = field(default=())  # oldest first
    data_categories: tuple[str, ...] = ()
    # Whether it profiles the customer or decides about them by automated means (an `AutomatedProcessing`
    # code, blank for neither).
    automated_processing: str = ""

    @property
    def consent_based(self) -> bool:
        return self.legal_basis == "consent"

    def current_notice(self, now: datetime) -> NoticeEntry | None:
        effective = [n for n in self.notices if n.in_force_by(now)]
        return effective[-1] if effective else None

    def in_force(self, now: datetime) -> PurposeEntry:
        """The purpose as the version in force at `now` has it: its legal basis, category, data
        categories and automated processing, which the job copies onto the purpose row up to five minutes
        after the version takes effect. A version stored before the catalogue recorded automated
        processing reads as neither, as its customers were told."""
        notice = self.current_notice(now)
        if notice is None:
            return self
        legal_basis, category = notice.legal_basis or self.legal_basis, notice.category or self.category
        data_categories = tuple(notice.scope.get("data_categories", self.data_categories))
        scope = notice.scope or {"automated_processing": self.automated_processing}
        automated = scope.get("automated_processing", "")
        if (legal_basis, category, data_categories, automated) == (
            self.legal_basis,
            self.category,
            self.data_categories,
            self.automated_processing,
        ):
            return self
        return replace(
            self,
            legal_basis=legal_basis,
            category=category,
            data_categories=data_categories,
            automated_processing=automated,
        )

    def scope_in_force(self, now: datetime) -> Mapping[str, Any]:
        """The scope of the version in force at `now` as stored (empty without one): what the purpose
        row gets only when the versions job runs."""
        notice = self.current_notice(now)
        return notice.scope if notice is not None else {}

    def legal_bases_between(self, since: datetime, until: datetime) -> set[str]:
        """The legal bases the purpose rested on at any moment from `since` to `until`, by its versions in
        force then: what a past span of time (a breach's exposure) is judged by."""
        moments = [since, *(n.effective_at for n in self.notices if since < n.effective_at <= until)]
        return {self.in_force(moment).legal_basis for moment in moments}

    def notice(self, notice_id: int) -> NoticeEntry | None:
        return next((n for n in self.notices if n.id == notice_id), None)

    def outdates(self, notice_id: int, now: datetime) -> bool:
        """True when a material change took effect after the notice version consented to."""
        given = self.notice(notice_id)
        if given is None:
            return False
        return any(
            n.material and given.effective_at < n.effective_at and n.in_force_by(now) for n in self.notices
        )




def purpose_entry_of(purpose: Purpose) -> PurposeEntry:
    """The entry of a purpose read with its notice versions (prefetched, or one query): what the cache
    holds, built the same way for a page that has just read the purposes and answers from those rows."""
    notices = sorted(purpose.notices.all(), key=lambda n: (n.effective_at, n.pk))
    return PurposeEntry(
        id=purpose.pk,
        code=purpose.code,
        legal_basis=purpose.legal_basis,
        category=purpose.category,
        sensitive=purpose.sensitive,
        active=purpose.active,
        data_categories=tuple(purpose.data_categories),
        automated_processing=purpose.automated_processing,
        notices=tuple(
            NoticeEntry(
                id=n.pk,
                version=n.version,
                effective_at=n.effective_at,
                material=n.material,
                legal_basis=n.scope.get("legal_basis"),
                category=n.scope.get("category"),
                awaiting_announcement=n.awaiting_announcement,
                scope=n.scope,
            )
            for n in notices
        ),
    )


def purpose_in_force(purpose: Purpose, now: datetime) -> PurposeEntry:
    """The purpose as its version in force at `now` has it (legal basis, category), whether or not the
    job has copied that version onto the purpose row yet. The consent check judges by it, so whatever
    decides by a purpose's basis (a withdrawal, a restriction's reach, the purposes a form offers) must
    too, or for up to five minutes it contradicts the check. Reads the versions `with_versions`
    prefetched, else one query."""
    return purpose_entry_of(purpose).in_force(now)


def with_versions(purposes: QuerySet[Purpose]) -> QuerySet[Purpose]:
    """The purposes with their versions prefetched for `purpose_in_force` (one query for all)."""
    return purposes.prefetch_related(versions_prefetch())


def versions_prefetch(lookup: str = "notices") -> Prefetch:
    """The prefetch of `with_versions` along `lookup` (`purpose__notices` from consents): only the
    columns an entry needs, as the notices' texts are long and no judgement reads them."""
    notices = NoticeVersion.objects.only(
        "id", "purpose_id", "version", "effective_at", "material", "scope", "awaiting_announcement"
    )
    return Prefetch(lookup, notices)


def scope_in_force(
    name: str, *, at: datetime | Combinable, purpose: Combinable, otherwise: Combinable
) -> Coalesce:
    """`purpose_in_force` in SQL, for a query that filters or groups purposes by their basis or category:
    the scope field `name` (`legal_basis`, `category`) of the version of `purpose` (an outer reference)
    in force at `at` (a time, or an outer reference), else `otherwise` (the purpose row's field), as for
    a version stored while the category was wording, which has none."""
    in_force = (
        NoticeVersion.objects.filter(notices_in_force_by(at), purpose=purpose)
        .order_by("-effective_at")
        .values(value=KT(f"scope__{name}"))[:1]
    )
    return Coalesce(Subquery(in_force), otherwise, output_field=CharField())


def _load() -> dict[str, PurposeEntry]:
    purposes = Purpose.objects.only(
        "id", "code", "legal_basis", "category", "sensitive", "active", "data_categories",
        "automated_processing",
    )
    return {p.code: purpose_entry_of(p) for p in with_versions(purposes)}


purpose_catalogue_cache: WorkerCache[dict[str, PurposeEntry]] = WorkerCache(_load, ttl_seconds=TTL_SECONDS)


def catalogue() -> dict[str, PurposeEntry]:
    return purpose_catalogue_cache.get()


def purpose_entry(code: str) -> PurposeEntry | None:
    return catalogue().get(code)


def catalogue_invalidate() -> None:
    """Drop this worker's copy now (so the writer's own transaction reads fresh) and again on commit."""
    purpose_catalogue_cache.invalidate()
