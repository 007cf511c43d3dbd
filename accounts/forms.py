"""The form of the two-factor step: one 6-digit code."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class OTPTokenForm(forms.Form):
    otp_token = forms.RegexField(
        label=_("6-digit code"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("Enter the 6 digits shown in your authenticator app."),
                        "required": _("Enter the 6 digits shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "data-testid": "otp-token"}),
    )

    def clean_otp_token(self) -> str:
        return self.cleaned_data["otp_token"].strip()


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=150)
