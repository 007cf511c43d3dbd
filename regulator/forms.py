"""Forms of the regulator pages: validation of shape only; the rules are in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayFormField, MomentFormField
from dsr.selectors import data_category_list, system_list
from regulator.models import AFFECTED_COUNT_MAX, BREACH_TO_FOLLOW_ITEMS
from regulator.services.breach_times import CORRECTION_REASON_MAX_LENGTH
from regulator.services.reviews import FINDINGS_MAX_LENGTH
from subjects.forms import AccessReasonForm

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"})


def _chosen_by_code(label, queryset, *, required: bool = True) -> forms.ModelMultipleChoiceField:
    """Systems or data categories ticked in a list, each known by its code."""
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=queryset,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


class _SystemsAndCategoriesForm(forms.Form):
    """A form naming the systems and data categories something touches (a breach, an activity)."""

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["systems"] = [s.code for s in data["systems"]]
        data["categories"] = [c.code for c in data["categories"]]
        return data


class BreachForm(_SystemsAndCategoriesForm):
    title = forms.CharField(label=_("What happened (short)"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = MomentFormField(label=_("Occurred at"), widget=_WHEN)
    detected_at = MomentFormField(
        label=_("Detected at"),
        widget=_WHEN,
        help_text=_("The 72 hours to notify the authority run from here."),
    )
    systems = _chosen_by_code(_("Systems"), system_list())
    categories = _chosen_by_code(_("Data categories"), data_category_list())
    subjects_affected = forms.IntegerField(
        label=_("Number of data subjects affected"), min_value=0, max_value=AFFECTED_COUNT_MAX, initial=0
    )
    records_affected = forms.IntegerField(
        label=_("Number of records affected"), min_value=0, max_value=AFFECTED_COUNT_MAX, initial=0
    )
    likely_consequences = forms.CharField(
        label=_("Likely consequences"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures_taken = forms.CharField(
        label=_("Measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    likely_consequences_en = forms.CharField(
        label=_("Likely consequences, in English"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the affected customers who read English; left empty, they read the Vietnamese."),
    )
    measures_taken_en = forms.CharField(
        label=_("Measures taken, in English"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the affected customers who read English; left empty, they read the Vietnamese."),
    )
    customer_description = forms.CharField(
        label=_("What happened, for the customers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "In plain words for the affected customers, apart from the description for the authority. "
            "Needed before they are e-mailed."
        ),
    )
    customer_description_en = forms.CharField(
        label=_("What happened, for the customers, in English"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the affected customers who read English; left empty, they read the Vietnamese."),
    )


class BreachFactsForm(BreachForm):
    """Facts known later (counts, consequences, measures, more systems), and the times corrected with a
    reason until the authority is notified (`times_correctable`: shown but fixed after)."""

    correction_reason = forms.CharField(
        label=_("Why the times are corrected"),
        required=False,
        max_length=CORRECTION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you change when the breach occurred or was detected."),
    )

    def __init__(self, *args, times_correctable: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not times_correctable:
            for name in ("occurred_at", "detected_at"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("The authority has been notified: the times stand.")
            del self.fields["correction_reason"]

    def service_kwargs(self) -> dict:
        # A time the page showed and got back unchanged is no correction: it goes as it was recorded,
        # not as the field holds it (to the minute or second), which would ask for a reason.
        data = super().service_kwargs()
        for name in ("occurred_at", "detected_at"):
            if name not in self.changed_data:
                data.pop(name, None)
        return data


class ActivityForm(_SystemsAndCategoriesForm):
    systems = _chosen_by_code(_("Systems"), system_list(), required=False)
    categories = _chosen_by_code(_("Data categories"), data_category_list(), required=False)
    data_subjects = forms.CharField(label=_("Whose data"), max_length=200, initial="customers")
    security_measures = forms.CharField(
        label=_("Security measures"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    started_at = MomentFormField(
        label=_("Processing started"),
        widget=_WHEN,
        required=False,
        help_text=_("The 60 days to file the impact assessment run from here."),
    )


class PhaseReferenceForm(forms.Form):
    """The authority's reference of a phase submitted without one (A05 issues it afterwards)."""

    authority_reference = forms.CharField(label=_("Authority's reference"), max_length=100)


class NotifyForm(forms.Form):
    new_facts = forms.CharField(
        label=_("Facts added in this phase"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a follow-up phase."),
    )
    late_reason = forms.CharField(
        label=_("Reason for lateness"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the initial notification is sent after the 72 hours, and then in each follow-up."
        ),
    )
    authority_reference = forms.CharField(label=_("Authority's reference"), required=False, max_length=100)
    to_follow = forms.MultipleChoiceField(
        label=_("Not yet known, to follow in a later phase"),
        required=False,
        choices=list(BREACH_TO_FOLLOW_ITEMS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The initial notification gives each of these, or says here that it follows; Form 08 says so."
        ),
    )


class CustomerNoticeDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the customers are not told"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept on record for the authority, e.g. the data leaked encrypted and the key is safe."),
    )


class DossierEditForm(forms.Form):
    assessment = forms.CharField(
        label=_("Risk assessment and safeguards"), widget=forms.Textarea(attrs={"rows": 8})
    )
    note = forms.CharField(label=_("What changed in this version"), max_length=500)


class DossierFileForm(forms.Form):
    authority_reference = forms.CharField(label=_("Authority's reference"), required=False, max_length=100)


class ProofBundleForm(AccessReasonForm):
    """Why the DPO or auditor takes a customer's proof bundle (recorded), for which period, in which form."""

    since = DayFormField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave both dates empty for the whole history."),
    )
    until = DayFormField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        label=_("Download as"),
        choices=[("html", _("Printable page")), ("json", _("JSON file"))],
        initial="html",
        widget=forms.RadioSelect,
    )


class TransferPeriodForm(forms.Form):
    """The period a recipient's transfers are listed for: Vietnam days, both included."""

    since = DayFormField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = DayFormField(
        label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Days in Vietnam time; the customers whose consent was in force on any day of the period."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned["since"] > cleaned["until"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return cleaned


class RecordReviewForm(forms.Form):
    findings = forms.CharField(
        label=_("What the review found"),
        help_text=_(
            "Purposes no longer used, stale consents, recipients and transfers abroad that ended, what was "
            "changed or is to be changed."
        ),
        max_length=FINDINGS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
