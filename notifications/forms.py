"""The customer's choice of channels: a few sensible orders rather than a free ranking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

CHOICES = [
    ("email,sms,inbox", _("E-mail first, then SMS, then the in-app inbox")),
    ("sms,email,inbox", _("SMS first, then e-mail, then the in-app inbox")),
    ("email,inbox", _("E-mail, then the in-app inbox (no SMS)")),
    ("sms,inbox", _("SMS, then the in-app inbox (no e-mail)")),
    ("inbox", _("Only the in-app inbox")),
]


class ChannelPreferenceForm(forms.Form):
    channels = forms.ChoiceField(
        label=_("How should we reach you?"), choices=CHOICES, widget=forms.RadioSelect
    )

    @staticmethod
    def initial_for(channels: list[str]) -> str:
        value = ",".join(channels)
        return value if value in dict(CHOICES) else CHOICES[0][0]
