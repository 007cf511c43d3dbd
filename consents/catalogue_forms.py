"""The DPO's forms for the purpose catalogue: a purpose, a new notice version, a version in force before
the platform was set up."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consents.models import (
    AutomatedProcessing,
    DataCategory,
    LegalBasis,
    PurposeCategory,
    Recipient,
    TransferExemption,
)
from consents.selectors import recipients_active
from core.forms import ModelMultipleChoiceInVietnameseOrder, MomentFormField


def _effective_at_field(label, help_text) -> MomentFormField:
    """When a change takes effect: optional (empty means the service's default), picked in the
    browser's date-time input."""
    return MomentFormField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=help_text,
    )


class PurposeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    description_vi = forms.CharField(
        label=_("Plain-language description (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Plain-language description (English)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=_("Category"), choices=PurposeCategory.choices)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    sensitive = forms.BooleanField(label=_("Uses sensitive personal data"), required=False)
    cross_border = forms.BooleanField(label=_("Transfers data abroad"), required=False)
    destination_country = forms.CharField(
        label=_("Destination country (ISO code)"), max_length=2, required=False
    )
    recipients = ModelMultipleChoiceInVietnameseOrder(
        label=_("Recipients"),
        queryset=Recipient.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Data categories"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A sensitive category (Law 91/2025, Decree 356/2025) makes the purpose sensitive."),
    )
    retention_months = forms.IntegerField(
        label=_("Retention (months)"), min_value=1, max_value=1200, required=False
    )
    transfer_exemption = forms.ChoiceField(
        label=_("Exemption from consent for transfers abroad or to third parties"),
        choices=[("", "—"), *TransferExemption.choices],
        required=False,
    )
    automated_processing = forms.ChoiceField(
        label=_("Profiling or decisions by automated means"),
        choices=[("", _("Neither")), *AutomatedProcessing.choices],
        required=False,
        help_text=_("Law 91/2025 and Decree 356/2025: the notice must say so, and customers may object."),
    )
    consequences_vi = forms.CharField(
        label=_("Consequences of withdrawing (Vietnamese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consequences_en = forms.CharField(
        label=_("Consequences of withdrawing (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    active = forms.BooleanField(
        label=_("Offered to customers"),
        required=False,
        initial=True,
        help_text=_(
            "Switching off a purpose customers consented to tells its recipients to stop using their data. "
            "Switching it back on tells no one to resume: a recipient told to stop stays stopped until the "
            "customer consents again."
        ),
    )
    notice_version = forms.CharField(
        label=_("First notice version"),
        max_length=32,
        required=False,
        help_text=_("e.g. 2026-01; the description is the notice text."),
    )
    effective_at = _effective_at_field(
        _("A change of scope takes effect on"),
        _(
            "Recipients, destinations, sensitivity, data categories, legal basis and retention make a new "
            "version. A widening takes effect 30 days ahead at the earliest and customers are asked again; "
            "a narrowing may take effect now (leave empty)."
        ),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients_active()
        if editing:
            del self.fields["code"], self.fields["notice_version"]
        else:
            del self.fields["effective_at"]


class NoticeForm(forms.Form):
    version = forms.CharField(label=_("Version"), max_length=32)
    text_vi = forms.CharField(label=_("Notice text (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 5}))
    text_en = forms.CharField(label=_("Notice text (English)"), widget=forms.Textarea(attrs={"rows": 5}))
    effective_at = _effective_at_field(
        _("Effective from"),
        _(
            "Leave empty for a purpose's first notice. A later version is announced to customers on "
            "publication and takes effect 7 days ahead at the earliest, 30 days when material."
        ),
    )
    material = forms.BooleanField(label=_("Material change: customers must consent again"), required=False)


class HistoricalNoticeForm(forms.Form):
    """A version in force before the platform was set up (`services.notice_record_historical`)."""

    prefix = "history"
    version = forms.CharField(label=_("Version"), max_length=32)
    text_vi = forms.CharField(label=_("Notice text (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 4}))
    text_en = forms.CharField(label=_("Notice text (English)"), widget=forms.Textarea(attrs={"rows": 4}))
    effective_at = MomentFormField(
        label=_("In force from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_(
            "The date this wording came into force, before every version listed: record past versions "
            "from the newest back. It is never announced and cannot be changed afterwards."
        ),
    )
