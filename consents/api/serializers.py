"""Input and output shapes of the consents API. Input serializers validate only; services write."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from rest_framework import serializers

from consents.catalogue import purpose_entry
from consents.models import (
    Channel,
    Consent,
    ConsentImport,
    DataCategory,
    LegalBasis,
    NoticeVersion,
    Purpose,
    PurposeCategory,
    Recipient,
    TransferExemption,
    WithdrawalDuty,
)
from consents.selectors import duty_allowed_actions, recipient_list
from core.api.actions import ActingRight, AllowedActionsField
from core.api.inputs import ChangeSerializer, MomentField
from integrations.selectors import webhook_endpoint_list

# Who acknowledges a withdrawal duty through the API (staff, or the recipient's integration client).
DUTY_ACKNOWLEDGE_RIGHT = ActingRight("consents.acknowledge_withdrawalduty", "consents:write")


class RecipientOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recipient
        fields = ["id", "name", "kind", "country", "active"]
        read_only_fields = fields


class RecipientCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Recipient.Kind.choices)
    country = serializers.CharField(max_length=2, default="VN")
    endpoint = serializers.PrimaryKeyRelatedField(
        queryset=webhook_endpoint_list(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Webhook endpoint for withdrawal notices; its integration client acknowledges them.",
    )


class NoticeOutputSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)

    class Meta:
        model = NoticeVersion
        fields = ["version", "effective_at", "material", "text", "text_vi", "text_en"]
        read_only_fields = fields


class NoticeCreateSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=32)
    text_vi = serializers.CharField()
    text_en = serializers.CharField()
    effective_at = MomentField(required=False)
    material = serializers.BooleanField(default=False)


class PurposeOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    consequences = serializers.CharField(read_only=True)
    notice_version = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField(
        help_text="The number of the latest version (perhaps scheduled: see `version_effective_at`)."
    )
    version_effective_at = serializers.SerializerMethodField()
    # Blank when the purpose relies on consent or shares nothing.
    transfer_exemption = serializers.ChoiceField(
        choices=TransferExemption.choices, allow_blank=True, read_only=True
    )
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), read_only=True
    )
    recipients = RecipientOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Purpose
        fields = [
            "code",
            "name",
            "description",
            "name_vi",
            "name_en",
            "description_vi",
            "description_en",
            "category",
            "legal_basis",
            "sensitive",
            "cross_border",
            "destination_country",
            "data_categories",
            "retention_months",
            "transfer_exemption",
            "consequences",
            "consequences_vi",
            "consequences_en",
            "notice_version",
            "version",
            "version_effective_at",
            "recipients",
            "active",
        ]
        read_only_fields = fields

    def get_notice_version(self, purpose) -> str | None:
        entry = purpose_entry(purpose.code)
        notice = entry.current_notice(timezone.now()) if entry else None
        return notice.version if notice else None

    def get_version(self, purpose) -> int:
        entry = purpose_entry(purpose.code)
        return len(entry.notices) if entry else 0

    def get_version_effective_at(self, purpose) -> datetime | None:
        entry = purpose_entry(purpose.code)
        return entry.notices[-1].effective_at if entry and entry.notices else None


class PurposeCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200, required=False, help_text="Used for a language not given.")
    description = serializers.CharField(required=False)
    name_vi = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False)
    description_vi = serializers.CharField(required=False)
    description_en = serializers.CharField(required=False)
    category = serializers.ChoiceField(choices=PurposeCategory.choices)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    sensitive = serializers.BooleanField(default=False)
    cross_border = serializers.BooleanField(default=False)
    destination_country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), required=False, default=list
    )
    retention_months = serializers.IntegerField(min_value=1, max_value=1200, required=False, allow_null=True)
    transfer_exemption = serializers.ChoiceField(
        choices=TransferExemption.choices, required=False, allow_blank=True, default=""
    )
    consequences_vi = serializers.CharField(required=False, allow_blank=True, default="")
    consequences_en = serializers.CharField(required=False, allow_blank=True, default="")
    notice_version = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    notice_text_vi = serializers.CharField(required=False, allow_blank=True, default="")
    notice_text_en = serializers.CharField(required=False, allow_blank=True, default="")
    recipients = serializers.PrimaryKeyRelatedField(
        queryset=recipient_list(), many=True, required=False
    )
    active = serializers.BooleanField(default=True)

    def validate(self, attrs):
        for field in ("name", "description"):
            fallback = attrs.pop(field, "")
            for lang in ("vi", "en"):
                attrs.setdefault(f"{field}_{lang}", fallback)
        return attrs


class PurposeUpdateSerializer(ChangeSerializer):
    """A change to a purpose: wording applies at once; scope fields make a new version. `name` and
    `description` mean what they mean in `POST`: the text for each language not given on its own."""

    name = serializers.CharField(max_length=200, required=False, help_text="Used for a language not given.")
    description = serializers.CharField(required=False, help_text="Used for a language not given.")
    name_vi = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False)
    description_vi = serializers.CharField(required=False)
    description_en = serializers.CharField(required=False)
    consequences_vi = serializers.CharField(required=False, allow_blank=True)
    consequences_en = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=PurposeCategory.choices, required=False)
    active = serializers.BooleanField(required=False)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, required=False)
    sensitive = serializers.BooleanField(required=False)
    cross_border = serializers.BooleanField(required=False)
    destination_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), required=False
    )
    retention_months = serializers.IntegerField(min_value=1, max_value=1200, required=False, allow_null=True)
    transfer_exemption = serializers.ChoiceField(
        choices=TransferExemption.choices, required=False, allow_blank=True
    )
    recipients = serializers.PrimaryKeyRelatedField(
        queryset=recipient_list(), many=True, required=False
    )
    effective_at = MomentField(
        required=False,
        help_text="When the new version takes effect: a widening at least 30 days ahead; a narrowing may "
        "take effect at once (leave empty) or at least 7 days ahead.",
    )
    notice_version = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    notice_text_vi = serializers.CharField(required=False, allow_blank=True, default="")
    notice_text_en = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        for field in ("name", "description"):
            if field in attrs:
                both = attrs.pop(field)
                for lang in ("vi", "en"):
                    attrs.setdefault(f"{field}_{lang}", both)
        return attrs

    @staticmethod
    def representation():
        return PurposeOutputSerializer()


class ConsentOutputSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.external_ref", read_only=True)
    purpose = serializers.CharField(source="purpose.code", read_only=True)
    notice_version = serializers.CharField(source="notice.version", read_only=True)
    guardian = serializers.CharField(
        source="guardian.external_ref", read_only=True, allow_null=True, default=None
    )
    recorded_by = serializers.CharField(source="recorded_by_label", read_only=True)
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

    def get_receipt(self, consent) -> str:
        return f"/api/v1/consents/{consent.pk}/receipt/"


class ConsentCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=64, help_text="The customer's CIF (external_ref).")
    purpose = serializers.CharField(max_length=64, help_text="The purpose code.")
    notice_version = serializers.CharField(
        max_length=32, help_text="The notice version the customer was shown."
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    evidence = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for branch, paper_form and call_centre: form number, scanned document id or "
        "call recording id.",
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
    sensitive_acknowledged = serializers.BooleanField(default=False)
    expires_at = MomentField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(
        choices=[("granted", "granted"), ("refused", "refused")],
        default="granted",
        help_text="`refused` records the customer's explicit no (same proof as a grant); the consent "
        "check then answers `refused` until a later grant.",
    )


class WithdrawSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SubjectWithdrawSerializer(WithdrawSerializer):
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
    consent = serializers.UUIDField(source="consent_id", read_only=True)
    subject = serializers.CharField(source="subject.external_ref", read_only=True)
    purpose = serializers.CharField(source="consent.purpose.code", read_only=True)
    fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="A rectification's corrected fields, by name (never their values); empty for a withdrawal.",
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
            "purpose",
            "recipient",
            "status",
            "received_at",
            "due_at",
            "acknowledged_at",
            "acknowledged_by_label",
            "acknowledgement_note",
            "allowed_actions",
        ]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


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
            "already_imported",
            "refused",
            "errors",
        ]
        read_only_fields = fields
