"""Forms of the consents pages. Validation of shape only; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from consents.desk_forms import WhoAnsweredForm, WhoAskedForm
from consents.models import (
    Recipient,
    VoidReason,
)
from consents.services.import_columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from consents.services.rules import (
    evidence_missing_error,
    sensitive_unacknowledged_error,
    withdrawal_evidence_missing_error,
    witnessed_channel_choices,
)
from core.forms import ModelChoiceField
from integrations.selectors import webhook_endpoints_active

ANSWER_CHOICES = [("", _("Not asked")), ("yes", _("Yes, agrees")), ("no", _("No, refuses"))]


def _witnessed_channel_choices_blank_first() -> list[tuple[str, str]]:
    # Blank first and required: an agent who leaves the field alone is asked, where a pre-selected
    # "branch" recorded a phone call as a branch visit (the proof said what did not happen).
    return [("", "—"), *witnessed_channel_choices()]


def _witnessed_channel_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Channel"), choices=_witnessed_channel_choices_blank_first)


class StaffGrantForm(WhoAnsweredForm):
    """A consent form as the customer filled it in: for each purpose whose notice was read or handed
    over, yes or no (or not asked). Every answer is recorded with the notice version in force."""

    channel = _witnessed_channel_field()
    evidence = forms.CharField(
        label=_("Evidence reference"),
        max_length=300,
        required=False,
        help_text=_(
            "Required at a branch, on paper and by phone: the signed form's number, the scanned "
            "document's id or the call recording's id."
        ),
    )
    guardian_ref = forms.CharField(
        label=_("Guardian's customer number (for a child under 16)"), max_length=64, required=False
    )
    child_evidence = forms.CharField(
        label=_("Evidence of the child's agreement"), max_length=300, required=False
    )

    CHILD_FIELDS = ("guardian_ref", "child_evidence")

    def __init__(self, *args, notices=(), may_be_child: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices = list(notices)
        # An adult's form asks nothing about a guardian or a child's agreement; one posted with them
        # anyway keeps them, so the service answers them as it does for any customer.
        self.asks_about_child = may_be_child or (
            self.is_bound and any(name.startswith(("guardian_ref", "child_")) for name in self.data)
        )
        if not self.asks_about_child:
            for name in self.CHILD_FIELDS:
                del self.fields[name]
        for notice in self.notices:
            code = notice.purpose.code
            self.fields[f"answer_{code}"] = forms.ChoiceField(
                # Each purpose's yes/no set is named by its purpose: a screen reader says the group's name.
                label=_("The customer's answer: %(purpose)s") % {"purpose": notice.purpose.name},
                choices=ANSWER_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            # The version the page showed (and the officer read or handed over): the grant records it
            # only while it is still the one in force, so a version that changed meanwhile is refused.
            self.fields[f"version_{code}"] = forms.CharField(
                max_length=32, required=False, widget=forms.HiddenInput
            )
            # From 7 to under 16 the child agrees beside the guardian, purpose by purpose: one box for
            # the whole form would bundle the child's agreement.
            if self.asks_about_child:
                self.fields[f"child_agreed_{code}"] = forms.BooleanField(
                    label=_("From 7 to under 16: the child agreed to “%(purpose)s” too, beside the guardian")
                    % {"purpose": notice.purpose.name},
                    required=False,
                )
            if notice.scope.get("sensitive"):
                self.fields[f"sensitive_{code}"] = forms.BooleanField(
                    # Named by its purpose: with two sensitive purposes, the boxes and their errors differ.
                    label=_("The customer was told “%(purpose)s” uses sensitive data and explicitly agreed")
                    % {"purpose": notice.purpose.name},
                    required=False,
                )

    def common_fields(self):
        names = ("channel", "evidence", "answered_by", "authority", "representative", "notice_given",
                 *self.CHILD_FIELDS)
        return [self[name] for name in names if name in self.fields]

    def answers(self) -> list[tuple]:
        """(notice in force, agreed, sensitive acknowledged, version shown, child agreed) for each
        purpose answered yes or no."""
        data = self.cleaned_data
        return [
            (
                n,
                data[f"answer_{n.purpose.code}"] == "yes",
                bool(data.get(f"sensitive_{n.purpose.code}")),
                data.get(f"version_{n.purpose.code}") or "",
                bool(data.get(f"child_agreed_{n.purpose.code}")),
            )
            for n in self.notices
            if data.get(f"answer_{n.purpose.code}")
        ]

    def clean(self):
        """Every error the form can know before the service runs, all at once (not one per submit)."""
        data = super().clean()
        if not self.answers():
            self.add_error(None, _("Mark yes or no for at least one purpose."))
        if "channel" in data and "evidence" in data:
            missing = evidence_missing_error(data["channel"], data["evidence"])
            if missing is not None:
                self.add_error("evidence", missing.text)
        for notice, agreed, acknowledged, _shown, _child_agreed in self.answers():
            if agreed and notice.scope.get("sensitive") and not acknowledged:
                self.add_error(f"sensitive_{notice.purpose.code}", sensitive_unacknowledged_error().text)
        return data


class WithdrawForm(WhoAskedForm):
    """A withdrawal staff record: its channel and its own proof, asked as the grant form asks them."""

    channel = _witnessed_channel_field()
    evidence = forms.CharField(
        label=_("Evidence reference"),
        max_length=300,
        required=False,
        help_text=_(
            "The withdrawal's own proof, required at a branch, on paper and by phone as for giving "
            "consent: the call recording's id or the signed form's number."
        ),
    )
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if "channel" in data and "evidence" in data:
            missing = withdrawal_evidence_missing_error(data["channel"], data["evidence"])
            if missing is not None:
                self.add_error("evidence", missing.text)
        return data


class VoidForm(forms.Form):
    """The confirmation of a void: why the record is wrong, and the voider's own account of it."""

    reason = forms.ChoiceField(
        label=_("Why is the record wrong?"), choices=VoidReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What went wrong"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For the DPO and an inspector. It is kept encrypted with the correction and erased if the "
            "customer's data is erased: write no more of anyone's personal data than the correction needs."
        ),
    )

    def __init__(self, *args, reasons: list[str], **kwargs):
        """`reasons`: those this record may be voided for (`consents.selectors.void_reasons`)."""
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (code, label) for code, label in VoidReason.choices if code in reasons
        ]


def _english_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Name in English"),
        max_length=200,
        required=False,
        help_text=_("What customers reading English are shown; left blank, they are shown the name above."),
    )


def _contact_email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("Contact e-mail for reminders"), required=False,
        help_text=_("Reminded a day before a duty's deadline when the recipient has not confirmed it."),
    )


def _reminder_language_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Language of its reminders"), choices=Language.choices, required=False,
        empty_value=Language.VI,
    )


class RecipientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = _english_name_field()
    kind = forms.ChoiceField(label=_("Kind"), choices=Recipient.Kind.choices)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, initial="VN")
    endpoint = ModelChoiceField(
        label=_("Webhook endpoint for withdrawal notices"),
        queryset=webhook_endpoints_active(),
        required=False,
        help_text=_("The integration client that owns it acknowledges the notices by API."),
    )
    contact_email = _contact_email_field()
    language = _reminder_language_field()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = format_html(
            "{} <code>{}</code>. {} <code>{}</code>.",
            _("Required columns:"),
            ", ".join(REQUIRED_COLUMNS),
            _("Optional:"),
            ", ".join(OPTIONAL_COLUMNS),
        )


class RecipientContactForm(forms.Form):
    contact_email = _contact_email_field()
    language = _reminder_language_field()


class RecipientEnglishNameForm(forms.Form):
    """Only the English name: the Vietnamese one is quoted frozen by scopes and receipts."""

    name_en = _english_name_field()


class RecipientEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the bank no longer works with this recipient"),
        help_text=_("For example: the contract ended on 30/11/2026."),
        max_length=200,
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("How the recipient confirmed"), max_length=500, required=False)
    # Checked by the service (`duty_reference_checked`); kept after the customer's erasure.
    reference = forms.CharField(label=_("The recipient's reference"), max_length=200, required=False)


class LateReasonForm(forms.Form):
    late_reason = forms.CharField(label=_("Why the recipient confirmed late"), max_length=500)

