"""Input and output shapes of the consents API. Input serializers validate only; services write."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from consents.catalogue import purpose_entry
from consents.models import (
    Channel,
    Consent,
    ConsentImport,
    LegalBasis,
    NoticeVersion,
    Purpose,
    PurposeCategory,
    Recipient,
    WithdrawalDuty,
)
from integrations.models import WebhookEndpoint


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
        queryset=WebhookEndpoint.objects.all(),
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
    effective_at = serializers.DateTimeField(required=False)
    material = serializers.BooleanField(default=False)


class PurposeOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    notice_version = serializers.SerializerMethodField()
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
            "notice_version",
            "recipients",
            "active",
        ]
        read_only_fields = fields

    def get_notice_version(self, purpose) -> str | None:
        entry = purpose_entry(purpose.code)
        notice = entry.current_notice(timezone.now()) if entry else None
        return notice.version if notice else None


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
    notice_version = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    notice_text_vi = serializers.CharField(required=False, allow_blank=True, default="")
    notice_text_en = serializers.CharField(required=False, allow_blank=True, default="")
    recipients = serializers.PrimaryKeyRelatedField(
        queryset=Recipient.objects.all(), many=True, required=False
    )
    active = serializers.BooleanField(default=True)

    def validate(self, attrs):
        for field in ("name", "description"):
            fallback = attrs.pop(field, "")
            for lang in ("vi", "en"):
                attrs.setdefault(f"{field}_{lang}", fallback)
        return attrs


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
    evidence = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    guardian = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text="For a child under 16: the guardian's CIF.",
    )
    sensitive_acknowledged = serializers.BooleanField(default=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


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

    class Meta:
        model = WithdrawalDuty
        fields = [
            "id",
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
            "already_imported",
            "refused",
            "errors",
        ]
        read_only_fields = fields
