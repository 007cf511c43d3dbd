from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TextForm(forms.Form):
    body_vi = forms.CharField(label=_("Text (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 12}))
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 12}))
    changes_vi = forms.CharField(
        label=_("What changed (Vietnamese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    changes_en = forms.CharField(
        label=_("What changed (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
