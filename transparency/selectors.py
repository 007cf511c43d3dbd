"""Reads for the transparency pages: the current texts, the privacy notice's versions, the purpose
notices (`consents`' own versions, not copied) and the rights a customer can exercise online."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from consents.models import NoticeVersion, notices_in_force_by
from deadlines.models import RequestType
from transparency.defaults import SEEDED_BY
from transparency.models import TextKind, TransparencyText


def text_current(kind: str) -> TransparencyText | None:
    return TransparencyText.objects.filter(kind=kind).order_by("-version").first()


def text_still_placeholder(kind: str) -> bool:
    """Whether customers still read the version a fresh database started with (the demo bank's words
    and contacts), the DPO having published none of the bank's own."""
    current = text_current(kind)
    return current is not None and current.published_by_label == SEEDED_BY


def texts_current() -> dict[str, TransparencyText | None]:
    return {kind: text_current(kind) for kind in TextKind.values}


def text_versions(kind: str) -> QuerySet[TransparencyText]:
    return TransparencyText.objects.filter(kind=kind).order_by("-version")


def purpose_notices(*, now: datetime | None = None) -> QuerySet[NoticeVersion]:
    """The versions of every active purpose's notice in force or past, newest first per purpose."""
    now = now or timezone.now()
    return (
        NoticeVersion.objects.filter(notices_in_force_by(now), purpose__active=True)
        .select_related("purpose")
        .order_by("purpose__code", "-effective_at")
    )


@dataclass(frozen=True)
class RightLink:
    type: str
    label: str
    url: str


def rights_links() -> list[RightLink]:
    """Every right a customer exercises online, each with the self-service page that starts it."""
    new = reverse("dsr:me_new")
    return [RightLink(t.value, str(t.label), f"{new}?type={t.value}") for t in RequestType]
