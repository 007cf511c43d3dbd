"""What a customer whose relationship with the bank just ended is told: the consents the platform stopped
for it, and what the bank keeps from then on, why and until when (domain notes, "Retention and deletion":
a retention period runs from its own start event, the end of the relationship among them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from consents.models import Consent
from core.labels import in_language
from dsr.models import RetentionRule, RetentionStart
from dsr.selectors.deletions import hold_ends_on
from subjects.follow_ups import LIFE_END_SOURCES
from subjects.models import DataSubject

_FROM_RELATIONSHIP_END = (RetentionStart.RELATIONSHIP_END, RetentionStart.ACCOUNTING_YEAR_END)


def rules_counted_from_relationship_end() -> QuerySet[RetentionRule]:
    """The retention rules an active system holds data under that are counted from the end of the
    relationship (or of the accounting year it ended in)."""
    return RetentionRule.objects.filter(
        categories__systems__active=True, start_event__in=_FROM_RELATIONSHIP_END
    )


def consents_stopped_for_relationship_end(subject: DataSubject, *, now: datetime) -> list[Consent]:
    """The consents the platform's stop ended at `now` because the relationship ended
    (`consents.services.relationship_stops`), with their purposes."""
    return list(
        Consent.objects.filter(
            subject=subject, withdrawn_at=now, events__source=LIFE_END_SOURCES["relationship_ended_on"]
        )
        .select_related("purpose")
        .distinct()
        .order_by("purpose__code")
    )


def kept_after_relationship_end(*, ended_on: date, language: str) -> list[dict[str, Any]]:
    """Each retention rule counted from the relationship's end that an active system holds data under: the
    rule's name and law in `language`, the data categories it keeps and the last day kept."""
    rules = (
        rules_counted_from_relationship_end()
        .distinct()
        .prefetch_related("categories")
        .order_by("period_months", "pk")
    )
    return [
        {
            "why": in_language(rule.name_vi, rule.name_en, language=language),
            "law": in_language(rule.legal_reference_vi, rule.legal_reference_en, language=language),
            "what": [
                in_language(category.name_vi, category.name_en, language=language)
                for category in sorted(rule.categories.all(), key=lambda category: category.code)
            ],
            "kept_until": hold_ends_on(
                start_event=rule.start_event, period_months=rule.period_months, relationship_ended_on=ended_on
            ),
        }
        for rule in rules
    ]
