"""Forms of the request pages. They validate input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.selectors import purposes_active
from consents.services.rules import witnessed_channel_choices
from core.forms import NO_CHOICE, DayFormField, ModelChoiceField, email_input, phone_input
from deadlines.models import (
    OCCURRENCE_TYPES,
    PERIOD_MAX,
    PERIOD_MIN,
    CalendarDay,
    DeadlinePolicy,
    RequestType,
)
from dsr.models import OutcomeReason
from dsr.selectors import request_refusal_reasons
from dsr.services.policy import POLICY_FIELDS
from dsr.states import LiftReason, RequestStatus
from subjects.non_customers import SUBJECT_REFERENCE_LABEL

BLANK = [("", NO_CHOICE)]
CUSTOMER_TYPES = [(value, label) for value, label in RequestType.choices]


class UserChoiceField(ModelChoiceField):
    """A choice of user accounts (staff, integration clients), each shown by its user name; no choices
    until the page gives the form its queryset."""

    def __init__(self, **kwargs):
        super().__init__(queryset=get_user_model().objects.none(), **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.get_username()


class AssigneeChoicesMixin:
    """A form with an `assignee` field whose choices are the staff the page passes as `staff_queryset`."""

    def __init__(self, *args, staff_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff_queryset is not None:
            self.fields["assignee"].queryset = staff_queryset


class PurposeChoiceField(forms.MultipleChoiceField):
    """Purposes for a restriction, objection or withdrawal; none ticked means every purpose."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=_purpose_choices, required=False, **kwargs)


def _purpose_choices():

    return [(p.code, p.name) for p in purposes_active()]


class CorrectionFields(forms.Form):
    """What both intake forms share: the corrected values a rectification request carries."""

    new_phone = forms.CharField(
        label=_("Correct phone number (rectification)"), max_length=20, required=False, widget=phone_input()
    )
    new_email = forms.CharField(
        label=_("Correct e-mail (rectification)"), max_length=254, required=False, widget=email_input()
    )
    new_address = forms.CharField(label=_("Correct address (rectification)"), max_length=500, required=False)
    # A wrong phone or e-mail with no correct one to give is removed only when said (a box left empty
    # corrects nothing): the service's `REMOVABLE_FIELDS`.
    remove_phone = forms.BooleanField(
        label=_("Remove the phone number on file: it is wrong and there is no correct one"), required=False
    )
    remove_email = forms.BooleanField(
        label=_("Remove the e-mail on file: it is wrong and there is no correct one"), required=False
    )

    def clean(self):
        data = super().clean()
        for name in ("phone", "email"):
            if data.get(f"remove_{name}") and (data.get(f"new_{name}") or "").strip():
                self.add_error(f"remove_{name}", _("Either give the correct value or remove it, not both."))
        return data

    def corrections(self) -> dict[str, str | None]:
        """The corrected values typed, and None for each value to remove."""
        data = self.cleaned_data
        pairs = {
            "phone": data.get("new_phone"),
            "email": data.get("new_email"),
            "address": data.get("new_address"),
        }
        typed = {name: value.strip() for name, value in pairs.items() if value and value.strip()}
        removed = {name: None for name in ("phone", "email") if data.get(f"remove_{name}")}
        return {**typed, **removed}

    def request_fields(self) -> dict[str, Any]:
        """The request as `request_create` takes it from either intake form (type, details, purposes
        and corrections); the page adds who, through which channel."""
        data = self.cleaned_data
        return {
            "type": data["type"],
            "details": data["details"],
            "purposes": data["purposes"] or None,
            "corrections": self.corrections() or None,
        }


def _blank_then_witnessed_channels() -> list[tuple[str, str]]:
    return BLANK + witnessed_channel_choices()


class StaffIntakeForm(CorrectionFields):
    field_order = ["subject_ref", "type", "channel", "received_on", "details", "purposes", "guardian_ref",
                   "representative_id_number", "repeat_confirmed"]

    subject_ref = forms.CharField(label=SUBJECT_REFERENCE_LABEL, max_length=64)
    # Both chosen, never pre-selected: an officer in a hurry would otherwise record a phone call as a
    # branch visit, a deletion as an access request. Staff profiles carry no desk to default from.
    type = forms.ChoiceField(label=_("Request type"), choices=BLANK + RequestType.choices)
    channel = forms.ChoiceField(label=_("Received through"), choices=_blank_then_witnessed_channels)
    # The day only: `request_create` is given the moment it stands for (`received_on_moment`).
    received_on = DayFormField(
        label=_("Received on"),
        required=False,
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the bank received the form, if earlier than today."),
    )
    details = forms.CharField(
        label=_("Details"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    purposes = PurposeChoiceField(
        label=_("Purposes"),
        help_text=_("For restriction, objection or withdrawal; none ticked means all purposes."),
    )
    guardian_ref = forms.CharField(
        label=_("Guardian acting for a child (CIF)"), max_length=64, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Representative of an adult customer, recorded on their page: citizen ID or passport number"),
        max_length=30, required=False,
    )
    repeat_confirmed = forms.BooleanField(
        label=_("The customer asks again on purpose"),
        required=False,
        help_text=_("Tick only if the customer wants a new request although the same one is still open; "
                    "otherwise the open request is named and nothing is recorded twice."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff type the customer's details: the browser must not offer the staff member's own.
        for name in ("new_phone", "new_email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"


class CustomerRequestForm(CorrectionFields):
    type = forms.ChoiceField(
        label=_("What do you ask for?"), choices=CUSTOMER_TYPES, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    purposes = PurposeChoiceField(
        label=_("Which purposes? (restriction, objection or withdrawal)"),
        help_text=_("Tick none to cover every purpose."),
    )


class AssignForm(AssigneeChoicesMixin, forms.Form):
    assignee = UserChoiceField(label=_("Assign to"), required=False)


class ReasonForm(forms.Form):
    """A refusal (or, as `CompleteForm`, an answer) with its legal reason, the customer's answer and why it
    is late. Given the request, it offers only the reasons that fit its answer (`answer`)."""

    answer = RequestStatus.REJECTED
    # Whether some legal reason fits the answer: a form for no request offers them all.
    offers_reason = True
    reason = forms.ChoiceField(
        label=_("Legal reason (shown to the customer)"), choices=BLANK + OutcomeReason.choices, required=False
    )
    note = forms.CharField(
        label=_("Answer to the customer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    overdue_reason = forms.CharField(
        label=_("Reason for the delay"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the request is past its deadline."),
    )

    def __init__(self, *args, for_request=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if for_request is not None:
            # Only the offer narrows: a reason that stopped fitting since the page was shown (the
            # request moved on) reaches the service, which says why it does not fit.
            offered = {"", *request_refusal_reasons(for_request, to=self.answer)}
            field = self.fields["reason"]
            field.widget.choices = [(value, label) for value, label in field.choices if value in offered]
            self.offers_reason = len(offered) > 1


class CancelForm(forms.Form):
    """Staff recording that the customer asked to cancel: a late one says why, as any late close."""

    overdue_reason = ReasonForm.base_fields["overdue_reason"]


class OverdueReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the delay"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompleteForm(ReasonForm):
    # A reason is given only when the answer is partial: where none fits (a withdrawal of consent), the
    # page offers no partial answer; one posted anyway reaches the service, which refuses it.
    answer = RequestStatus.PARTIALLY_COMPLETED
    partial = forms.BooleanField(label=_("Only partly fulfilled"), required=False)


class TaskDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.CharField(
        label=_("Evidence reference"),
        max_length=300,
        required=False,
        help_text=_("Where the proof is kept: a ticket number, a file, a log id."),
    )


class CustomerReplyForm(forms.Form):
    """The customer's answer to the question the bank asked (shown just above the form)."""

    text = forms.CharField(
        label=_("Your answer to the bank's question above"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your answer to the bank's question.")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Message to the customer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LiftForm(forms.Form):
    """Why a restriction or objection is lifted (`request_restriction_lift`): the customer is told."""

    reason = forms.ChoiceField(
        label=_("Why is it lifted? (the customer is told)"),
        choices=BLANK + LiftReason.choices,
        error_messages={"required": _("Choose why the restriction is lifted.")},
    )
    note = forms.CharField(
        label=_("Explanation to the customer"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for another reason. The customer reads it."),
    )


class ExtendForm(forms.Form):
    note = forms.CharField(
        label=_("Why more time is needed (the customer is told)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class _PeriodField(forms.IntegerField):
    """A policy row's period: the limit of its unit is the service's (`PERIOD_MAX`); the form stops
    what no unit allows, a period of 0 too."""

    def __init__(self, **kwargs):
        # Over the model field's own lower bound of 0.
        super().__init__(**{**kwargs, "min_value": PERIOD_MIN, "max_value": max(PERIOD_MAX.values())})


class DeadlinePolicyForm(forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        # The page edits exactly what the service lets change.
        fields = list(POLICY_FIELDS)
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "effective_to": forms.DateInput(attrs={"type": "date"}),
        }
        field_classes = {
            "effective_from": DayFormField,
            "effective_to": DayFormField,
            **dict.fromkeys(
                ("period", "processor_period", "acknowledge_period", "extension_period"), _PeriodField
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a clock with an event before it (a breach's violation) has a start to choose.
        if self.instance.request_type not in OCCURRENCE_TYPES:
            del self.fields["clock_start"]


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        field_classes = {"date": DayFormField}


class ProfileForm(forms.Form):
    """The customer's own contact details; a new phone or e-mail is confirmed by a code."""

    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=phone_input())
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False, widget=email_input())
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContactCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
