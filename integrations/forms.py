"""The DPO's webhook-endpoint form: validation of the shape only; the rules are the services'."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import DayFormField, ModelChoiceField
from integrations.recipients import recipient_directory
from integrations.selectors import integration_clients, staff_logins


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(label=_("Address (URL)"), max_length=500,
                          help_text=_("https:// only (plain http:// is allowed in the demo)."))
    client = ModelChoiceField(label=_("Integration client"), queryset=get_user_model().objects.none())
    recipient = forms.TypedChoiceField(label=_("Recipient it serves"), required=False, coerce=int,
                                       empty_value=None)
    events = forms.CharField(label=_("Events"), required=False,
                             help_text=_("Event names separated by commas; empty means every event."))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = integration_clients()
        self.fields["recipient"].choices = [("", "—"), *recipient_directory().choices()]
        if editing:
            del self.fields["client"]
        else:
            del self.fields["active"]

    def clean_events(self) -> list[str]:
        return [e.strip() for e in self.cleaned_data["events"].split(",") if e.strip()]


class AuditorTokenForm(forms.Form):
    login = ModelChoiceField(label=_("Auditor's login"), queryset=get_user_model().objects.none(),
                             help_text=_("A login whose one role is auditor."))
    last_day = DayFormField(label=_("Last day"),
                            help_text=_("The token works through the end of this day; at most 90 days away."))
    name = forms.CharField(label=_("What it is for"), max_length=100, required=False,
                           help_text=_("For example: external audit 2026, Nguyễn Văn A."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].queryset = staff_logins()
