"""The recipients' duty list's query parameters in one FilterSet, read by the API list and the portal's
recipient notices page alike: `status` (open, acknowledged, called off), `kind` (withdrawal, rectification,
restriction, erasure, purpose change), `subject` (the customer's CIF), `recipient` (its id: every notice
one recipient was sent and how it answered, what the DPO shows an inspector about it) and the period the
notice was received in, `since` and `until` (not included), a date or an ISO moment (an inspector's "every
withdrawal last quarter"), and `late` (true: only the recipients that missed their due time); a bad value is
a 400 naming the parameter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from consents.models import Recipient, WithdrawalDuty
from core.forms import MomentFormField
from core.moments import period_check
from subjects.filters import SubjectStatusFilterSet


class MomentFilter(django_filters.Filter):
    field_class = MomentFormField


class DutyFilterSet(SubjectStatusFilterSet):
    status_choices = WithdrawalDuty.Status.choices
    kind = django_filters.ChoiceFilter(choices=WithdrawalDuty.Kind.choices)
    recipient = django_filters.ModelChoiceFilter(queryset=Recipient.objects.all())
    since = MomentFilter(field_name="received_at", lookup_expr="gte")
    until = MomentFilter(field_name="received_at", lookup_expr="lt")
    # Confirmed after the due time, or still open past it (`withdrawal_duties`' annotation): "which
    # recipients missed the 72 hours last quarter" with `since` and `until`.
    late = django_filters.TypedChoiceFilter(
        field_name="late", choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
    )
    messages = {
        **SubjectStatusFilterSet.messages,
        "kind": _("Choose withdrawal, rectification, restriction, erasure or purpose_change."),
        "recipient": _("Unknown recipient."),
        "since": _("Give a real date as YYYY-MM-DD."),
        "until": _("Give a real date as YYYY-MM-DD."),
        "late": _("Give true or false."),
    }

    def filter_queryset(self, queryset):
        # Two dates swapped would answer "no notice in that period"; refused as the report refuses them.
        period_check(self.form.cleaned_data.get("since"), self.form.cleaned_data.get("until"))
        return super().filter_queryset(queryset)
