"""The part of a consent form staff record that says who gave the answers and how the notice was given
(`consents.services.who_answered`). Validation of shape only; the service holds the rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consents.services.who_answered import (
    MAX_AUTHORITY_LENGTH,
    AnsweredBy,
    AskedBy,
    NoticeGiven,
    authority_missing_error,
)
from subjects.selectors import representative_document_masked, representative_initials


def _authority_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reference of the written authority (power of attorney)"),
        max_length=MAX_AUTHORITY_LENGTH,
        required=False,
        help_text=_(
            "Only when someone else acted for the customer: the document's number and who certified it."
        ),
    )


def _authority_checked(form: forms.Form, data: dict, who_field: str) -> None:
    """The service's rule on a written authority (`authority_missing_error`), shown on the field."""
    if who_field not in data:
        return
    missing = authority_missing_error(data[who_field], data.get("authority", ""), data.get("representative"))
    if missing is not None:
        form.add_error("authority", missing.text)


class _RepresentativeChoice(forms.Form):
    """The customer's representatives on record whose authority covers consents today, to pick the one who
    acted: an id, so that one revoked since the page was shown gets the service's refusal, in words. Named by
    initials and a masked reference, as outside the representatives page (`representative_initials`)."""

    representative = forms.UUIDField(
        label=_("Representative on record (power of attorney, guardian appointed by a court)"),
        required=False,
        widget=forms.Select,
        help_text=_(
            "Only when someone else acted for the customer: those whose authority covers consents today. "
            "Record a new one on the customer's page, from the document."
        ),
    )

    def __init__(self, *args, representatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].widget.choices = [("", "—")] + [
            (str(r.pk), f"{representative_initials(r)} ({r.relationship}; {r.get_authority_display()}: "
                        f"{representative_document_masked(r)})")
            for r in representatives
        ]


class WhoAnsweredForm(_RepresentativeChoice):
    # Asked, never pre-selected: an elderly customer's son who answers for her is not "the customer agreed".
    answered_by = forms.ChoiceField(
        label=_("Who gave the answers?"), choices=AnsweredBy.choices, widget=forms.RadioSelect
    )
    authority = _authority_field()
    notice_given = forms.ChoiceField(
        label=_("How was each notice given?"), choices=NoticeGiven.choices, widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        _authority_checked(self, data, "answered_by")
        return data


class WhoAskedForm(_RepresentativeChoice):
    """Who asked for a withdrawal staff record: the customer, or someone on their written authority."""

    asked_by = forms.ChoiceField(
        label=_("Who asked for the withdrawal?"), choices=AskedBy.choices, widget=forms.RadioSelect
    )
    authority = _authority_field()

    def clean(self):
        data = super().clean()
        _authority_checked(self, data, "asked_by")
        return data
