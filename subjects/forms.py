from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from core.forms import DayFormField, LanguageSelect
from core.references import names_request_of_subject
from subjects.models import (
    GuardianDocument,
    RepresentativeAuthority,
    RepresentativeScope,
    SubjectRelationship,
)


class SubjectSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Customer number (CIF), citizen ID, passport, phone or e-mail"), max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "placeholder": _("e.g. CIF0001, 0912345678 or passport B1234567")}
        ),
    )


class SubjectCreateForm(forms.Form):
    relationship = forms.ChoiceField(
        label=_("Who is this person to the bank?"), choices=SubjectRelationship.choices,
        initial=SubjectRelationship.CUSTOMER, required=False,
        help_text=_("People who are not customers (a guarantor, a corporate client's director or signatory, "
                    "a prospect) have the same rights over their data."),
    )
    external_ref = forms.CharField(
        label=_("Customer number (CIF)"), max_length=64, required=False,
        help_text=_("Required for a customer. Leave it empty for a person who is not a customer: the "
                    "platform gives them a reference."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    national_id = forms.CharField(label=_("Citizen ID (CCCD)"), max_length=20, required=False)
    date_of_birth = DayFormField(label=_("Date of birth"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    guardian_ref = forms.CharField(
        label=_("Guardian's customer number (for a child)"), max_length=64, required=False
    )
    adult_verified = forms.BooleanField(
        label=_("eKYC verified the customer is an adult"), required=False,
        help_text=_("Without a date of birth or this check, the customer cannot consent to marketing, "
                    "sensitive-data or cross-border purposes."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=Language.choices, initial=Language.VI, widget=LanguageSelect,
        help_text=_("The bank writes to the customer in this language."),
    )

    def clean_relationship(self) -> str:
        # A form sent without the choice (an older page still open in a tab) registers a customer.
        return self.cleaned_data["relationship"] or SubjectRelationship.CUSTOMER


class RelationshipEndForm(forms.Form):
    """Staff record the day the customer relationship ended (retention periods run from it) and the day
    the customer died, each ending their consents; and correct what the person is to the bank when it was
    registered by mistake (never to a customer: `relationship_corrected`)."""

    relationship = forms.ChoiceField(
        label=_("Correct the relationship with the bank"), required=False,
        choices=[("", _("Unchanged")), *((value, label) for value, label in SubjectRelationship.choices
                                          if value != SubjectRelationship.CUSTOMER)],
        help_text=_("Only to correct a mistake (a guarantor recorded as a payee)."),
    )

    relationship_ended_on = DayFormField(
        label=_("Relationship ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Legal holds (e.g. 5 years under the AML law) run from this day; empty while open."),
    )
    deceased_on = DayFormField(
        label=_("Deceased on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("From the death certificate you saw. The customer's consents stop; their family's "
                    "consent is needed to process their data (Law 91/2025)."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("relationship"):
            cleaned.pop("relationship", None)  # left unchanged: no correction asked
        return cleaned


class GuardianVerifyForm(forms.Form):
    """Staff record the document they saw that proves the guardian's authority over the child; the
    signed-in officer is the one who verified it (the audit entry names them)."""

    document = forms.ChoiceField(
        label=_("Document you saw"), choices=GuardianDocument.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of document that proves the guardian's authority.")},
    )
    evidence = forms.CharField(
        label=_("Its number or the id of its scanned copy"), max_length=300,
        error_messages={"required": _("Give the reference of the document you saw.")},
        help_text=_("Kept encrypted on the child's record; the audit trail notes only that it was given."),
    )


class LanguagePreferenceForm(forms.Form):
    """A customer's choice of the language the bank writes to them in (self-service)."""

    language = forms.ChoiceField(
        label=_("Language of our e-mails"), choices=Language.choices, widget=LanguageSelect
    )


class AccessReasonForm(forms.Form):
    """Why a staff member needs to see a customer's personal values (need to know); recorded."""

    REASONS = [
        ("request", _("A data-subject request or complaint (give its number)")),
        ("customer_present", _("Serving this customer at the counter or on the phone")),
        ("investigation", _("Fraud or anti-money-laundering investigation (give the case number)")),
        ("other", _("Another reason (explain)")),
    ]
    NEEDS_NOTE = ("request", "investigation", "other")

    reason = forms.ChoiceField(label=_("Why do you need to see it?"), choices=REASONS)
    note = forms.CharField(label=_("Number or explanation"), max_length=300, required=False)

    def __init__(self, *args, subject=None, **kwargs):
        """`subject`: the customer whose values the reason would show; a request given as the reason
        must then be one of theirs, not any number typed."""
        super().__init__(*args, **kwargs)
        self.subject = subject

    def clean(self):
        data = super().clean()
        note = (data.get("note") or "").strip()
        if data.get("reason") in self.NEEDS_NOTE and not note:
            self.add_error("note", _("Give the request, complaint or case number, or explain."))
        elif data.get("reason") == "request" and self.subject is not None and not names_request_of_subject(
            self.subject.pk, note
        ):
            self.add_error("note", _(
                "This is not one of this customer's requests or complaints: give the reference of the one "
                "you are working on (as on its page, e.g. YC-260315-3F9A1C), or choose another reason."
            ))
        return data

    def reason_text(self) -> str:
        return " — ".join(filter(None, [self.cleaned_data["reason"], self.cleaned_data["note"].strip()]))


def _day_field(label, *, required: bool = True, help_text: str = "") -> DayFormField:
    return DayFormField(label=label, required=required, help_text=help_text,
                        widget=forms.DateInput(attrs={"type": "date"}))


class RepresentativeForm(forms.Form):
    """The document staff saw that lets an adult act for the customer (`subjects.representatives`)."""

    full_name = forms.CharField(label=_("Representative's full name"), max_length=200)
    id_number = forms.CharField(
        label=_("Representative's citizen ID or passport number"), max_length=30,
        help_text=_("Kept encrypted; the list shows only its last digits."),
    )
    relationship = forms.CharField(
        label=_("Relationship to the customer"), max_length=100, help_text=_("e.g. son, daughter, lawyer")
    )
    authority = forms.ChoiceField(
        label=_("Kind of authority"), choices=RepresentativeAuthority.choices, widget=forms.RadioSelect
    )
    document_reference = forms.CharField(
        label=_("Document's reference"), max_length=300,
        help_text=_("Its number and the notary, the commune or the court that made or certified it."),
    )
    document_date = _day_field(_("Document's date"))
    scope = forms.ChoiceField(label=_("What it covers"), choices=RepresentativeScope.choices,
                              widget=forms.RadioSelect)
    valid_from = _day_field(_("Valid from"))
    valid_until = _day_field(_("Valid until"), required=False,
                             help_text=_("Empty when the document sets no end: until revoked."))


class RepresentativeRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the authority ends"), max_length=500,
        help_text=_("e.g. the customer revoked it at the branch, a court decision ended the guardianship"),
    )
