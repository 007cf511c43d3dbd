"""The DPO's forms for a hold for a dispute on the customer page (`dsr.views.disputes`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayFormField


class DisputeHoldForm(forms.Form):
    """Shown on the customer page beside other forms asking a reason: its ids are its own."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_dispute_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(label=_("What the dispute is"), max_length=1000, widget=forms.Textarea(
        attrs={"rows": 2}))
    reference = forms.CharField(label=_("Reference (case, inspection or request number)"), max_length=200)
    starts_on = DayFormField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DayFormField(label=_("Until (included; empty: until lifted)"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))


class DisputeLiftForm(forms.Form):
    reason = forms.CharField(label=_("Why the hold is lifted"), max_length=1000)
