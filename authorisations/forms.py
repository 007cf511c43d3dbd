"""Forms of the authorisations pages: the consent screen, staff revocation, the registry."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm

from authorisations.models import FetchType
from authorisations.scopes import DATA_SCOPES
from authorisations.states import MAX_DURATION_DAYS
from consents.services.rules import witnessed_channel_choices

# The durations a customer may shorten an authorisation to, in days (never beyond what was asked).
DURATION_CHOICES_DAYS = (7, 30, 90, 180, MAX_DURATION_DAYS)


# The consent screen's refusal of an approval whose `requested_days` is not the one the screen was shown with.
ASK_CHANGED = "requested_days_changed"


def requested_days_seal(request: dict, days: int) -> str:
    """The keyed seal of the duration a third party's authorisation request asked for (`days`), bound to
    that request (`request`'s client and PKCE challenge, as the form's fields name them): the hidden
    field travels through the customer's browser, which may shorten the duration (`duration_days`)
    but not raise the ask."""
    bound = f"{request.get('client_id') or ''}\n{request.get('code_challenge') or ''}\n{days}"
    return salted_hmac(ASK_CHANGED, bound).hexdigest()


class ConsentScreenForm(AllowForm):
    requested_days = forms.IntegerField(widget=forms.HiddenInput(), min_value=1, max_value=MAX_DURATION_DAYS)
    requested_days_seal = forms.CharField(widget=forms.HiddenInput(), required=False)
    duration_days = forms.IntegerField(
        label=_("For how long"), min_value=1, max_value=MAX_DURATION_DAYS, required=False
    )
    cross_border = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        requested, chosen = data.get("requested_days"), data.get("duration_days")
        seal = data.get("requested_days_seal") or ""
        sealed = constant_time_compare(seal, requested_days_seal(data, requested))
        if data.get("allow") and requested and not sealed:
            self.add_error(None, forms.ValidationError(
                _("The duration the application asked for was changed after the page was shown; nothing "
                  "was granted. Go back to the application and start again."),
                code=ASK_CHANGED,
            ))
        elif data.get("allow") and requested and chosen and chosen > requested:
            self.add_error("duration_days", _("You can shorten the duration, not lengthen it."))
        return data

    @property
    def ask_changed(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, code=ASK_CHANGED)


class StaffRevokeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=witnessed_channel_choices,
    )
    evidence = forms.CharField(label=_("Evidence of the customer's instruction"), max_length=500)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ThirdPartyForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    tax_code = forms.CharField(label=_("Tax code"), max_length=20)
    licence_ref = forms.CharField(label=_("Registration or licence reference"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, initial="VN")
    purpose = forms.CharField(label=_("Purpose (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 3}))
    purpose_en = forms.CharField(
        label=_("Purpose (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to customers reading in English; the Vietnamese is shown when blank."),
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URIs (one per line)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    scopes = forms.MultipleChoiceField(
        label=_("Data scopes"), choices=list(DATA_SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )
    fetch_type = forms.ChoiceField(label=_("Fetch type"), choices=FetchType.choices)
    frequency_per_day = forms.IntegerField(
        label=_("Reads per day at most"), min_value=1, max_value=96, initial=4
    )
    max_duration_days = forms.IntegerField(
        label=_("Longest authorisation (days)"),
        min_value=1,
        max_value=MAX_DURATION_DAYS,
        initial=MAX_DURATION_DAYS,
    )
    confidential = forms.BooleanField(
        label=_("Confidential client (has a server that keeps a secret)"), required=False, initial=True
    )
    webhook_url = forms.URLField(label=_("Webhook URL"), required=False, assume_scheme="https")

    def clean_redirect_uris(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines() if line.strip()]


class ThirdPartySecretForm(forms.Form):
    revoke_tokens = forms.BooleanField(
        label=_("Also revoke the tokens already issued to it"),
        required=False,
        help_text=_(
            "Tick it when the leaked secret may have been used to obtain tokens. Every customer's access "
            "through this third party then stops until it obtains new tokens with the new secret."
        ),
    )
