"""The request page's identity check: each method asks for what its check needs, and a request not
received at a branch asks for the customer's visit with a document. Split from dsr/forms.py along its
seam; only the request page's verify action uses it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dsr.models import STAFF_IDENTITY_METHODS, IdentityDocument, IdentityMethod


class VerifyIdentityForm(forms.Form):
    """Each method asks for what its check needs; the service checks it against the customer record.
    No method is pre-chosen: the officer says how they checked. A request not received at a branch asks,
    with a document, for the customer's visit (`identity_document_needs_visit`); else those fields go."""

    method = forms.ChoiceField(
        label=_("How is the identity verified?"),
        choices=STAFF_IDENTITY_METHODS,
        widget=forms.RadioSelect,
    )
    document_type = forms.ChoiceField(
        label=_("Document shown"),
        choices=IdentityDocument.choices,
        initial=IdentityDocument.CCCD,
        required=False,
    )
    document_number = forms.CharField(
        label=_("Number printed on the document"),
        max_length=32,
        required=False,
        help_text=_("Checked against the citizen ID on the customer record."),
    )
    otp_code = forms.CharField(
        label=_("Code the customer received"),
        max_length=12,
        required=False,
        help_text=_("Send the code first: it goes to the phone on the customer record, valid 10 minutes."),
    )
    reference = forms.CharField(label=_("eKYC session reference"), max_length=100, required=False)
    customer_present = forms.BooleanField(
        label=_("The customer is at the counter and the original document was seen"),
        required=False,
        help_text=_(
            "This request did not come in at a branch: a number read out by phone or written on a form "
            "proves nothing. Otherwise verify by a code to the registered phone or by eKYC."
        ),
    )
    seen_at_branch = forms.CharField(
        label=_("Branch and staff member who saw the original"), max_length=100, required=False
    )

    # Which fields each method shows (the page hides the others; the service ignores them).
    FIELDS_BY_METHOD = {
        "document_type": IdentityMethod.BRANCH_DOCUMENTS,
        "document_number": IdentityMethod.BRANCH_DOCUMENTS,
        "customer_present": IdentityMethod.BRANCH_DOCUMENTS,
        "seen_at_branch": IdentityMethod.BRANCH_DOCUMENTS,
        "otp_code": IdentityMethod.OTP_PHONE,
        "reference": IdentityMethod.EKYC,
    }
    VISIT_FIELDS = ("customer_present", "seen_at_branch")

    def __init__(self, *args, needs_visit: bool = True, methods: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if methods is not None:
            # Offered: only what this person may record for this request (`identity_methods_recordable`).
            # Accepted: any, so a page left open before the rule hears the service say why it is refused.
            self.fields["method"].widget.choices = [c for c in STAFF_IDENTITY_METHODS if c[0] in methods]
        if not needs_visit:
            for name in self.VISIT_FIELDS:
                del self.fields[name]
