"""The shape the consent, duty, request and authorisation lists share: narrowed to one customer by
the customer number (CIF) as typed, and to a status from the machine's table.

`subject` finds the customer as every other list's and the audit trail's look-up of a typed CIF does
(`subject_id_subquery_for_cif`: in any case, the one stored as typed first, else the customer who left
that number), inside the list's own query.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from core.api.filters import ListFilterSet
from subjects.selectors import subject_id_subquery_for_cif


class SubjectStatusFilterSet(ListFilterSet):
    """`subject` (CIF) and `status`; a subclass sets the status choices of its machine."""

    subject = django_filters.CharFilter(method="of_subject")
    status = django_filters.ChoiceFilter(choices=())
    messages = {"status": _("Unknown status.")}

    status_choices: list[tuple[str, str]] = []  # the machine's `TextChoices.choices`

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["status"].extra["choices"] = self.status_choices

    def of_subject(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(subject_id=Subquery(subject_id_subquery_for_cif(value)))
