"""The systems inventory's forms: systems, data categories (with what each covers on the platform
itself) and retention rules. Split from dsr/forms.py along its seam; only the inventory pages use them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import ModelChoiceInVietnameseOrder
from deadlines.models import RequestType
from dsr.forms import UserChoiceField
from dsr.models import PlatformData, RetentionLaw, RetentionStart
from dsr.selectors import data_category_list, retention_rule_list
from dsr.services.inventory import field_label_problem

FIELD_LABEL_SEPARATOR = "|"


class FieldLabelsField(forms.CharField):
    """A system's field labels as a person types them, one line per field, "card_count | Số thẻ |
    Number of cards"; the stored map shows as those lines. A bad line is refused by its number."""

    widget = forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # the text posted, shown again as typed
        return "\n".join(
            f" {FIELD_LABEL_SEPARATOR} ".join((key, entry.get("vi", ""), entry.get("en", "")))
            for key, entry in value.items()
        )

    def to_python(self, value: Any) -> dict[str, dict[str, str]]:
        labels, lines, errors = {}, {}, []
        for number, line in enumerate((super().to_python(value) or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(FIELD_LABEL_SEPARATOR)]
            if len(parts) != 3:
                problem = gettext(
                    "write the field's code, its Vietnamese label and its English label, "
                    "separated by %(sep)s."
                ) % {"sep": FIELD_LABEL_SEPARATOR}
            elif parts[0] in lines:
                problem = gettext("%(key)s is already labelled on line %(line)s.") % {
                    "key": parts[0], "line": lines[parts[0]]
                }
            else:
                problem = field_label_problem(*parts)
            if problem:
                errors.append(forms.ValidationError(
                    _("Line %(number)s: %(problem)s"), params={"number": number, "problem": problem}
                ))
                continue
            lines[parts[0]] = number
            labels[parts[0]] = {"vi": parts[1], "en": parts[2]}
        if errors:
            raise forms.ValidationError(errors)
        return labels


class SystemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    categories = forms.ModelMultipleChoiceField(
        label=_("Data categories"),
        queryset=data_category_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    request_types = forms.MultipleChoiceField(
        label=_("Request types it acts on"),
        choices=RequestType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    integration_client = UserChoiceField(label=_("Integration client"), required=False)
    is_processor = forms.BooleanField(label=_("Run by a processor or third party"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    field_labels = FieldLabelsField(
        label=_("Labels of its fields"),
        required=False,
        help_text=_(
            "One line per field the system returns, its code, Vietnamese label and English label: "
            "cards | Số thẻ | Number of cards. Customers read them in their data export's language."
        ),
    )

    def __init__(self, *args, client_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if client_queryset is not None:
            self.fields["integration_client"].queryset = client_queryset


class CategoryForm(forms.Form):
    """A new data category; correcting one (`CategoryEditForm`) leaves its code as it is."""

    code = forms.SlugField(label=_("Code"), max_length=50)
    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    sensitive = forms.BooleanField(label=_("Sensitive"), required=False)
    retention = ModelChoiceInVietnameseOrder(
        label=_("Kept by law under"), queryset=retention_rule_list(), required=False
    )
    platform_data = forms.ChoiceField(
        label=_("On this platform"), choices=[("", _("Not held by the platform")), *PlatformData.choices],
        required=False, help_text=_("The platform's own fields a deletion erases for this category."),
    )


class CategoryEditForm(CategoryForm):
    code = None


class RetentionRuleForm(forms.Form):
    """A retention rule; without a start event it runs from the end of the relationship (AML's)."""

    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=120)
    name_en = forms.CharField(
        label=_("Name (English)"),
        max_length=120,
        help_text=_("Customers read the name and the legal reference as the reason their data is kept."),
    )
    period_months = forms.IntegerField(label=_("Kept for (months)"), min_value=1, max_value=1200)
    starts = forms.CharField(label=_("Counted from"), max_length=120)
    start_event = forms.ChoiceField(
        label=_("Start event"),
        choices=RetentionStart.choices,
        initial=RetentionStart.RELATIONSHIP_END,
        required=False,
        help_text=_("A legal hold ends this many months after this event, not after the request."),
    )
    legal_reference_vi = forms.CharField(label=_("Legal reference (Vietnamese)"), max_length=200)
    legal_reference_en = forms.CharField(label=_("Legal reference (English)"), max_length=200)
    law = forms.ChoiceField(label=_("Kept under"), choices=RetentionLaw.choices, initial=RetentionLaw.OTHER)

    def clean_start_event(self) -> str:
        return self.cleaned_data["start_event"] or RetentionStart.RELATIONSHIP_END
