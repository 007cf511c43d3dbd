"""The request list's query parameters in one FilterSet: `status`, `subject` (CIF), `type`, `assignee`,
and the deadline flags `overdue` and `due_soon`; a bad value is a 400 naming the parameter."""

from __future__ import annotations

import django_filters
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api.filters import FLAG_MESSAGE, FlagFilter, SubjectStatusFilterSet
from dsr.selectors import DUE_SOON, requests_by_deadline
from dsr.states import RequestStatus


class RequestFilterSet(SubjectStatusFilterSet):
    type = django_filters.CharFilter(field_name="type")
    # A user id is a positive 64-bit integer; longer digit strings overflow the database driver.
    assignee = django_filters.CharFilter(
        field_name="assignee_id", validators=[RegexValidator(r"^[0-9]{1,18}\Z")]
    )
    # Read together by `filter_queryset`: both at once ask for either, which no filter alone can say.
    overdue = FlagFilter()
    due_soon = FlagFilter()
    status_choices = RequestStatus.choices
    messages = {
        **SubjectStatusFilterSet.messages,
        "assignee": _("Give the assignee as a user id."),
        "overdue": FLAG_MESSAGE,
        "due_soon": FLAG_MESSAGE,
    }
    deadline_flags = ("overdue", "due_soon")

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in self.deadline_flags:
                queryset = self.filters[name].filter(queryset, value)
        return requests_by_deadline(
            queryset,
            overdue=bool(data["overdue"]),
            due_within=DUE_SOON if data["due_soon"] else None,
            now=self.now,
        )
