"""Input and output shapes of the consents API. Input serializers validate only; services write."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consents.api.catalogue_serializers import RecipientOutputSerializer
from consents.api.served import reads_consent_proof
from consents.models import (
    Channel,
    Consent,
    ConsentImport,
    ConsentStatus,
    WithdrawalDuty,
)
from consents.selectors import (
    consent_latest_event_id,
    consent_status_as_read,
    duty_allowed_actions,
    duty_fields_masked_for,
)
from core.actors import actor_for_user
from core.api.actions import ActingRight, AllowedActionsField
from core.api.inputs import MomentField

# Who acknowledges a withdrawal duty through the API (staff, or the recipient's integration client).
DUTY_ACKNOWLEDGE_RIGHT = ActingRight("consents.acknowledge_withdrawalduty", "consents:write")


class ConsentOutputSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.external_ref", read_only=True)
    purpose = serializers.CharField(source="purpose.code", read_only=True)
    notice_version = serializers.CharField(source="notice.version", read_only=True)
    guardian = serializers.CharField(
        source="guardian.external_ref", read_only=True, allow_null=True, default=None
    )
    recorded_by = serializers.CharField(source="recorded_by_label", read_only=True)
    status = serializers.SerializerMethodField()
    # Blank until the consent is withdrawn.
    withdrawal_channel = serializers.ChoiceField(choices=Channel.choices, allow_blank=True, read_only=True)
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "subject",
            "purpose",
            "notice_version",
            "status",
            "channel",
            "evidence",
            "guardian",
            "child_agreed",
            "child_evidence",
            "sensitive_acknowledged",
            "recorded_by",
            "granted_at",
            "expires_at",
            "withdrawn_at",
            "withdrawal_channel",
            "receipt",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ConsentStatus.choices))
    def get_status(self, consent) -> str:
        """"expired" from the moment the term ended, as the check answers, before the sweep records it."""
        return consent_status_as_read(consent, at=timezone.now())

    def get_receipt(self, consent) -> str:
        """The receipt of the event this answer reports, so a stored link keeps giving the same bytes
        (the plain path gives the latest event's, which a later withdrawal changes)."""
        receipt = f"/api/v1/consents/{consent.pk}/receipt/"
        event_id = consent_latest_event_id(consent)
        return f"{receipt}?event={event_id}" if event_id else receipt

    def to_representation(self, consent):
        data = super().to_representation(consent)
        if not reads_consent_proof(self.context.get("request"), consent):
            # The fields stay, emptied: a processor's parser reads the same shape as core banking's.
            return {
                **data, "evidence": "", "child_evidence": "", "guardian": None,
                "recorded_by": consent.recorded_by_kind,
            }
        return data


def _evidence_reference_field(help_text: str) -> serializers.CharField:
    """An evidence reference, optional in the body (a grant's is required by channel, in the service)."""
    return serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text=help_text
    )


class ConsentCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=64, help_text="The customer's CIF (external_ref).")
    purpose = serializers.CharField(max_length=64, help_text="The purpose code.")
    notice_version = serializers.CharField(
        max_length=32, help_text="The notice version the customer was shown."
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    evidence = _evidence_reference_field(
        "Required for branch, paper_form and call_centre: form number, scanned document id or "
        "call recording id."
    )
    guardian = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text="For a child under 16: the guardian's CIF.",
    )
    child_agreed = serializers.BooleanField(
        default=False, help_text="From 7 to under 16: the child agreed too (with `child_evidence`)."
    )
    child_evidence = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    session = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The app or internet-banking session the customer agreed in.",
    )
    device = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    notice_language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        allow_blank=True,
        default="",
        help_text="The language the customer read the notice in (`vi` or `en`); the receipt keeps it "
        "as `notice.shown_in`.",
    )
    sensitive_acknowledged = serializers.BooleanField(default=False)
    expires_at = MomentField(required=False, allow_null=True, default=None)
    answered_at = MomentField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the customer answered, if before this request: an answer the app captured offline "
        "and sends on reconnecting. The consent and its receipt are dated then. At most 7 days old (else "
        "400); a clock up to 5 minutes ahead is read as now; 409 `answered_since` when the customer "
        "answered this purpose again after it. Omitted: the time the request is received.",
    )
    outcome = serializers.ChoiceField(
        choices=[("granted", "granted"), ("refused", "refused")],
        required=False,
        help_text="The customer's answer: `granted`, or `refused` for the customer's explicit no (same "
        "proof as a grant; the consent check then answers `refused` until a later grant). Send it: "
        "omitted, a grant is recorded, and its audit entry says `outcome_defaulted: true` (the client "
        "never stated the customer's answer).",
    )


class WithdrawSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    # Optional, beside the contract's fields: the withdrawal's own proof (a call recording's id).
    evidence = _evidence_reference_field(
        "Optional: the withdrawal's own evidence reference (a call recording's id, a signed "
        "form's number). The grant's evidence is never borrowed for it."
    )
    answered_at = MomentField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the customer withdrew, if before this request: a withdrawal the app captured "
        "offline. The consent ends then; the recipients' 72 hours to stop run from this request. Bounds as "
        "for a grant's `answered_at` (400); 409 `answered_since` when the consent was given or changed "
        "after it. Omitted: the time the request is received.",
    )
    representative = serializers.UUIDField(
        required=False, allow_null=True, default=None,
        help_text="Staff and integration clients, optional: the id of the customer's representative on "
        "record (power of attorney, court-appointed guardian) who asked for the withdrawal at the bank. "
        "400 unless their authority covers consents when the withdrawal was said and is this customer's; "
        "a customer's own token names none.",
    )


class SubjectWithdrawSerializer(WithdrawSerializer):
    # A representative is named on one consent's withdrawal, where the authority is checked for it.
    representative = None
    answered_at = MomentField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the customer withdrew, if before this request: a withdrawal the app captured "
        "offline. Every consent withdrawn ends then; the recipients' 72 hours to stop run from this request. "
        "Bounds as for a grant's `answered_at` (400); 409 `answered_since` when any of the consents was "
        "given or changed after it (nothing is withdrawn). Omitted: the time the request is received.",
    )
    subject = serializers.CharField(max_length=64)
    purposes = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        allow_empty=False,
        help_text="Purpose codes; omit to withdraw every consent.",
    )


class CheckOutputSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField()
    consent = serializers.UUIDField(allow_null=True)
    checked_at = serializers.DateTimeField()
    notice_version = serializers.CharField(
        required=False, allow_null=True, help_text="With `at`: the notice version of the consent then."
    )


class BulkCheckInputSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=64)
    subjects = serializers.ListField(
        child=serializers.CharField(max_length=64), allow_empty=False, max_length=10_000
    )


class DutyOutputSerializer(serializers.ModelSerializer):
    recipient = RecipientOutputSerializer(read_only=True)
    consent = serializers.UUIDField(
        source="consent_id",
        read_only=True,
        allow_null=True,
        help_text="Null when the duty comes from a purpose that rests on no consent (public interest, vital "
        "interest, a public authority's task): a correction passed on, or a restriction's stop.",
    )
    subject = serializers.CharField(source="subject.external_ref", read_only=True)
    purpose = serializers.CharField(source="purpose_shared.code", read_only=True)
    fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="A rectification's corrected fields, by name (never their values); empty for a withdrawal.",
    )
    notice_status = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The notice's state in the outbox: pending, sent, parked, cancelled (a confirmation "
        "cancels the notice still waiting); null when no notice was sent (`notice_withheld` says why).",
    )
    notice_withheld = serializers.CharField(
        read_only=True,
        allow_null=True,
        source="notice_withheld_or_none",
        help_text="Why no notice was sent, recorded when the duty was opened: no_endpoint, "
        "recipient_inactive, endpoint_off (switched off or not taking the topic), purpose_not_served (the "
        "recipient's client does not serve the purpose); null when one was.",
    )
    told_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the notice reached the recipient's endpoint, before it confirmed; null if it "
        "never did.",
    )
    learnt_how = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Recorded at the confirmation: notice (delivered at `told_at`), api (no notice "
        "delivered: the recipient's own client acknowledged), by_hand (no notice delivered: staff "
        "recorded it, see the note).",
    )
    confirmed_through = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="recipient_api (the recipient's own API client) or staff (with `acknowledgement_note`); "
        "null while open.",
    )
    late_reason = serializers.CharField(
        read_only=True,
        allow_null=True,
        source="late_reason_or_none",
        help_text="Why the recipient confirmed after `due_at`, as staff recorded it; null when none was "
        "recorded (on a late duty: no reason recorded), and always null to the recipient's own client.",
    )
    allowed_actions = AllowedActionsField(
        duty_allowed_actions,
        right=DUTY_ACKNOWLEDGE_RIGHT,
        help_text="What the caller may do with the duty now, as the duties page offers it: acknowledge "
        "(an integration client only its own recipients' duties). Empty for a reader, a token without "
        "`consents:write` and an acknowledged duty.",
    )

    class Meta:
        model = WithdrawalDuty
        fields = [
            "id",
            "kind",
            "fields",
            "consent",
            "subject",
            "notice_withheld",
            "purpose",
            "recipient",
            "status",
            "received_at",
            "due_at",
            "acknowledged_at",
            "acknowledged_by_label",
            "acknowledgement_note",
            "acknowledgement_reference",
            "notice_status",
            "told_at",
            "learnt_how",
            "confirmed_through",
            "reminded_at",
            "reminder_channels",
            "late_reason",
            "allowed_actions",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "reminded_at": {
                "help_text": "When the recipient itself was reminded of the duty still open a day before its "
                "deadline (once); null while it was not."
            },
            "reminder_channels": {
                "help_text": "How the reminder went: email, webhook; empty when none took it."
            },
            "acknowledged_by_label": {
                "help_text": "Who confirmed: `staff` for the recipient's own client on a confirmation staff "
                "recorded (which colleague is the bank's internal fact)."
            },
            "acknowledgement_note": {
                "help_text": "Empty for the recipient's own client on a confirmation staff recorded: the "
                "bank's working note, not the recipient's to read."
            },
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Blank until the recipient confirms: null in the answer, as the help texts say.
        for name in ("learnt_how", "confirmed_through"):
            data[name] = data[name] or None
        request = self.context.get("request")
        if request is not None:
            # Law 91/2025: a recipient's client reads no more than it needs.
            return {**data, **duty_fields_masked_for(instance, actor_for_user(request.user))}
        return data


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    reference = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The recipient's reference for its confirmation (a letter's number), no personal data: "
        "kept after the customer's erasure, which erases the note.",
    )


class ImportOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentImport
        fields = [
            "id",
            "filename",
            "started_at",
            "finished_at",
            "rows",
            "imported",
            "refusals_recorded",
            "withdrawals_recorded",
            "already_imported",
            "refused",
            "errors",
            "notes",
        ]
        read_only_fields = fields
