from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Language


class SubjectSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Customer number (CIF), citizen ID, phone or e-mail"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "placeholder": _("e.g. CIF0001 or 0912345678")}),
    )


class SubjectCreateForm(forms.Form):
    external_ref = forms.CharField(label=_("Customer number (CIF)"), max_length=64)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    national_id = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    guardian_ref = forms.CharField(
        label=_("Guardian's customer number (for a child)"), max_length=64, required=False
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=Language.choices, initial=Language.VI,
        help_text=_("The bank writes to the customer in this language."),
    )


class RelationshipEndForm(forms.Form):
    """Staff record the day the customer relationship ended: retention periods run from it."""

    relationship_ended_on = forms.DateField(
        label=_("Relationship ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Legal holds (e.g. 5 years under the AML law) run from this day; empty while open."),
    )


class LanguagePreferenceForm(forms.Form):
    """A customer's choice of the language the bank writes to them in (self-service)."""

    language = forms.ChoiceField(label=_("Language of our e-mails"), choices=Language.choices)
