"""What the proof bundle's sections share: the period asked for, and times in Hà Nội time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from deadlines.policy import LOCAL_TZ


@dataclass(frozen=True)
class Period:
    """[since, until]; either end may be open."""

    since: datetime | None
    until: datetime | None

    def holds(self, moment: datetime) -> bool:
        return (self.since is None or moment >= self.since) and (self.until is None or moment <= self.until)

    def filter(self, queryset: QuerySet, field: str) -> QuerySet:
        if self.since is not None:
            queryset = queryset.filter(**{f"{field}__gte": self.since})
        if self.until is not None:
            queryset = queryset.filter(**{f"{field}__lte": self.until})
        return queryset


def local(moment: datetime | None) -> str | None:
    return moment.astimezone(LOCAL_TZ).isoformat() if moment else None
