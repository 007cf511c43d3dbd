"""The recipients' duty list's query parameters in one FilterSet, read by the API list and the portal's
recipient notices page alike: `status` (open, acknowledged, called off), `kind` (withdrawal, rectification,
restriction, erasure, purpose change), `subject` (the customer's CIF) and `recipient` (its id: every notice
one recipient was sent and how it answered, what the DPO shows an inspector about it); a bad value is a
400 naming the parameter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from consents.models import Recipient, WithdrawalDuty
from subjects.filters import SubjectStatusFilterSet


class DutyFilterSet(SubjectStatusFilterSet):
    status_choices = WithdrawalDuty.Status.choices
    kind = django_filters.ChoiceFilter(choices=WithdrawalDuty.Kind.choices)
    recipient = django_filters.ModelChoiceFilter(queryset=Recipient.objects.all())
    messages = {
        **SubjectStatusFilterSet.messages,
        "kind": _("Choose withdrawal, rectification, restriction, erasure or purpose_change."),
        "recipient": _("Unknown recipient."),
    }
