"""A purpose's notice versions over the years, as the DPO shows them to an inspector: each version's
dates, both texts, the scope customers were told of and how many consents name it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from consents.models import (
    Consent,
    ConsentStatus,
    DataCategory,
    LegalBasis,
    NoticeVersion,
    Purpose,
    PurposeCategory,
)
from consents.scope import scope_recipients_in_reader_language, told_destinations
from consents.selectors.catalogue import notice_versions, recipient_names_en


@dataclass(frozen=True)
class VersionInHistory:
    """One notice version with what it told customers. `until` is when the next version took (or takes)
    effect, None for the last one; `consents` counts every consent record naming it, `live` those still
    in force."""

    notice: NoticeVersion
    until: datetime | None
    in_force: bool
    category: str
    legal_basis: str
    recipients: list[str]
    data_categories: list[str]
    destinations: list[str]
    sensitive: bool
    retention: str
    consents: int
    live: int


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "—")


def notice_version_history(purpose: Purpose, *, now: datetime) -> list[VersionInHistory]:
    """Every version of the purpose's notice, the earliest first, in three queries whatever their number
    (the versions, the consents counted per version, the recipients' English names)."""
    versions = list(notice_versions(purpose))
    counts = {
        notice_id: (total, live)
        for notice_id, total, live in Consent.objects.filter(notice__purpose=purpose)
        .order_by()
        .values_list("notice_id")
        .annotate(total=Count("pk"), live=Count("pk", filter=Q(status=ConsentStatus.GRANTED)))
    }
    names_en = recipient_names_en()
    in_force = max((n for n in versions if n.in_force_by(now)), key=lambda n: n.effective_at, default=None)
    history = []
    for position, notice in enumerate(versions):
        scope = notice.scope
        months = scope.get("retention_months")
        total, live = counts.get(notice.pk, (0, 0))
        history.append(
            VersionInHistory(
                notice=notice,
                until=versions[position + 1].effective_at if position + 1 < len(versions) else None,
                in_force=notice == in_force,
                category=_label(PurposeCategory, scope.get("category")),
                legal_basis=_label(LegalBasis, scope.get("legal_basis")),
                recipients=[
                    entry["name"]
                    for entry in scope_recipients_in_reader_language(scope.get("recipients", []), names_en)
                ],
                data_categories=[_label(DataCategory, c) for c in scope.get("data_categories", [])],
                # A version stored before scopes were recorded told of no destination.
                destinations=told_destinations(scope) if scope.keys() & {"destinations", "cross_border"}
                else [],
                sensitive=bool(scope.get("sensitive")),
                retention=_("%(months)s months") % {"months": months} if months else _("As long as needed"),
                consents=total,
                live=live,
            )
        )
    return history
