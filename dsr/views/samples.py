"""The auditor's sample page: the same reproducible draw as `GET /api/v1/audit-samples/`, each record
linked to its evidence on the portal (a consent's receipt, a request's page) and to its audit entries."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.access import staff_required
from core.actors import actor_for_user
from core.errors import InvalidInput
from core.forms import DayFormField
from core.sampling import SEED_MAX
from dsr.selectors.samples import SAMPLE_SIZE_MAX
from dsr.services.samples import audit_sample_draw


# Here rather than in dsr/forms.py, which is at the size a module may have.
class AuditSampleForm(forms.Form):
    population = forms.ChoiceField(
        label=_("Records"), choices=[("consents", _("Consent records")), ("requests", _("Requests"))]
    )
    since = DayFormField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    until = DayFormField(label=_("until (not included)"),
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    size = forms.IntegerField(label=_("How many"), min_value=1, max_value=SAMPLE_SIZE_MAX, initial=25)
    seed = forms.CharField(
        label=_("Seed"), max_length=SEED_MAX, required=False,
        help_text=_("Any text. The same seed draws the same sample again; left empty, one is chosen and "
                    "shown."),
    )


@staff_required("audit.view_auditentry")
def audit_sample_page(request):
    form = AuditSampleForm(request.GET if "population" in request.GET else None)
    sample, error = None, None
    if form.is_valid():
        try:
            sample = audit_sample_draw(actor=actor_for_user(request.user), **form.cleaned_data)
        except InvalidInput as refusal:
            error = refusal.text
    return render(request, "dsr/audit_sample.html", {"form": form, "sample": sample, "error": error})
