"""The DPO's form for a disclosure to a competent authority on the customer page (`dsr.views.disclosures`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayFormField, MomentFormField
from dsr.models import AuthorityKind


class AuthorityDisclosureForm(forms.Form):
    """Shown on the customer page beside other forms: its ids are its own."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_disclosure_%s")
        super().__init__(*args, **kwargs)

    authority_kind = forms.ChoiceField(label=_("Kind of authority"), choices=AuthorityKind.choices)
    authority_name = forms.CharField(label=_("Authority that asked (agency and unit)"), max_length=300)
    document_number = forms.CharField(label=_("Number of its written request"), max_length=100)
    document_date = DayFormField(label=_("Date of its written request"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.CharField(label=_("Legal basis (law and article)"), max_length=300)
    data_disclosed = forms.CharField(label=_("What was disclosed (which data, which period)"),
                                     max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    disclosed_to = forms.CharField(label=_("Disclosed to (the official and how it was handed over)"),
                                   max_length=1000)
    disclosed_at = MomentFormField(label=_("Disclosed at (empty: now)"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    customer_may_be_told = forms.BooleanField(
        label=_("The customer may be told of it"), required=False,
        help_text=_("Only where no law and no request of the authority forbids it (never for an "
                    "anti-money-laundering or police request under secrecy). The customer's data export "
                    "then lists it: to whom, when, which data, under which law."),
    )
