"""The recipients' duty list's query parameters in one FilterSet, read by the API list and the portal's
recipient notices page alike: `status` (open, acknowledged), `kind` (withdrawal, rectification,
restriction, erasure) and `subject` (the customer's CIF); a bad value is a 400 naming the parameter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from consents.models import WithdrawalDuty
from subjects.filters import SubjectStatusFilterSet


class DutyFilterSet(SubjectStatusFilterSet):
    status_choices = WithdrawalDuty.Status.choices
    kind = django_filters.ChoiceFilter(choices=WithdrawalDuty.Kind.choices)
    messages = {
        **SubjectStatusFilterSet.messages,
        "kind": _("Choose withdrawal, rectification, restriction or erasure."),
    }
