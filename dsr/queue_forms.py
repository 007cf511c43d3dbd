"""The staff queue's filter form: who and what (the API list's `dsr.filters.RequestFilterSet` judges
them), the deadline and the closed-date period."""

from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MomentFormField
from deadlines.models import RequestType
from dsr.forms import BLANK, AssigneeChoicesMixin, UserChoiceField
from dsr.states import RequestStatus
from subjects.models import SubjectRelationship
from subjects.non_customers import SUBJECT_REFERENCE_LABEL


class ClosedDateInput(forms.DateInput):
    """A date picker for the queue's closed-date filters. The report's links carry exact ISO moments
    ("2026-03-09T00:00:00+07:00"); the picker shows their day, which a date input can hold."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, datetime):
            return (timezone.localtime(value) if timezone.is_aware(value) else value).date().isoformat()
        if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
            return value[:10]
        return super().format_value(value)


class QueueFilterForm(AssigneeChoicesMixin, forms.Form):
    reference = forms.CharField(
        label=_("Request reference"),
        max_length=60,
        required=False,
        help_text=_("As on the receipt or in the e-mail, e.g. YC-261202-CDE639"),
    )
    type = forms.ChoiceField(label=_("Type"), choices=BLANK + RequestType.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + RequestStatus.choices, required=False)
    # The customer page's link to all of one customer's requests.
    subject = forms.CharField(label=SUBJECT_REFERENCE_LABEL, max_length=64, required=False)
    relationship = forms.ChoiceField(
        label=_("Relationship with the bank"), choices=BLANK + SubjectRelationship.choices, required=False
    )
    # With a customer: also the requests they filed as guardian for a ward, as the customer page counts.
    as_guardian = forms.BooleanField(label=_("Include those filed as guardian"), required=False)
    assignee = UserChoiceField(label=_("Assigned to"), required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=BLANK
        + [
            ("soon", _("Due in 24 hours")),
            ("overdue", _("Overdue")),
            ("acknowledgement", _("Past the acknowledgement deadline")),
            ("attention", _("Overdue, past the acknowledgement deadline or due in 24 hours")),
        ],
    )
    closed = forms.ChoiceField(
        label=_("Answered"),
        required=False,
        choices=BLANK + [("late", _("Closed late")), ("on_time", _("Closed on time")),
                         ("late_by_law", _("Closed after the statutory deadline"))],
    )
    # Dates or the exact ISO moments the report's links carry (its period need not start at midnight).
    since = MomentFormField(label=_("Closed from"), required=False, widget=ClosedDateInput)
    until = MomentFormField(label=_("until (not included)"), required=False, widget=ClosedDateInput)
