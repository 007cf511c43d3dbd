"""What the proof bundle's sections share: the period asked for, and times in Hà Nội time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Period:
    """From `since` (included) to `until`: included, or excluded when `until_excluded` (a date-only
    `to` ends at 00:00 local the next day, so the whole day is in, 23:59:59.5 as well). Either end may
    be open."""

    since: datetime | None = None
    until: datetime | None = None
    until_excluded: bool = False

    def holds(self, moment: datetime) -> bool:
        if self.since is not None and moment < self.since:
            return False
        if self.until is None:
            return True
        return moment < self.until if self.until_excluded else moment <= self.until

    def ended_by(self, field: str) -> Q:
        """The rows whose `field` falls before the period's end."""
        if self.until is None:
            return Q()
        return Q(**{f"{field}__{'lt' if self.until_excluded else 'lte'}": self.until})

    def filter(self, queryset: QuerySet, field: str) -> QuerySet:
        if self.since is not None:
            queryset = queryset.filter(**{f"{field}__gte": self.since})
        return queryset.filter(self.ended_by(field))

