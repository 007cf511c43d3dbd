"""The withdrawal duty list's query parameters in one FilterSet, read by the API list and the portal's
withdrawal notices page alike: `status` (open, acknowledged) and `subject` (the customer's CIF); a bad
value is a 400 naming the parameter."""

from __future__ import annotations

from consents.models import WithdrawalDuty
from core.api.filters import SubjectStatusFilterSet


class DutyFilterSet(SubjectStatusFilterSet):
    status_choices = WithdrawalDuty.Status.choices
