"""Input and output shapes of the purpose catalogue API: recipients, notices and purposes."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Language
from consents.catalogue import purpose_entry
from consents.models import (
    AutomatedProcessing,
    DataCategory,
    LegalBasis,
    NoticeVersion,
    Purpose,
    PurposeCategory,
    Recipient,
    TransferExemption,
)
from consents.selectors import recipient_list, scopes_in_force
from core.api.inputs import ChangeSerializer, MomentField
from integrations.selectors import webhook_endpoint_list


class RecipientOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recipient
        fields = ["id", "name", "name_en", "kind", "country", "language", "active"]
        read_only_fields = fields


class RecipientEndSerializer(serializers.Serializer):
    # Length and blankness are the service's to judge (`recipient_end`), the page's and the API's alike.
    reason = serializers.CharField(
        allow_blank=True, trim_whitespace=False,
        help_text="Why the bank no longer works with the recipient, e.g. the contract ended on 30/11/2026.",
    )


class RecipientCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The Vietnamese name, the one receipts quote.")
    # Optional (the default makes it so): blank, customers reading English are shown `name`.
    name_en = serializers.CharField(
        max_length=200, allow_blank=True, default="", help_text="What customers reading English see."
    )
    kind = serializers.ChoiceField(choices=Recipient.Kind.choices)
    country = serializers.CharField(max_length=2, default="VN")
    endpoint = serializers.PrimaryKeyRelatedField(
        queryset=webhook_endpoint_list(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Webhook endpoint for withdrawal notices; its integration client acknowledges them.",
    )
    contact_email = serializers.EmailField(
        allow_blank=True, default="",
        help_text="Where the recipient is reminded a day before the deadline of a duty it has not "
        "confirmed.",
    )
    language = serializers.ChoiceField(choices=Language.choices, default=Language.VI,
                                       help_text="The language of its reminders.")


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
    historical = serializers.BooleanField(
        default=False,
        help_text="A version in force before the platform was set up, to import the consents given under it: "
        "`effective_at` in the past and before every version the purpose has; never announced.",
    )


# Where a list keeps the scopes in force of the purposes it shows, read once for all of them.
SCOPES_IN_FORCE = "scopes_in_force"


class PurposeListOutputSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        purposes = list(data.all() if hasattr(data, "all") else data)
        self.context[SCOPES_IN_FORCE] = scopes_in_force(purposes, now=timezone.now())
        return super().to_representation(purposes)


# The scope fields `PurposeOutputSerializer` reads from the row, then gives as the version in force has
# them; `destinations`, `cross_border` (derived from it) and `recipients` (read live) are read from the
# version in force alone.
IN_FORCE_FIELDS = (
    "legal_basis",
    "category",
    "sensitive",
    "destination_country",
    "data_categories",
    "retention_months",
    "transfer_exemption",
    "automated_processing",
)


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
    # Blank when the purpose neither profiles the customer nor decides about them by automated means.
    automated_processing = serializers.ChoiceField(
        choices=AutomatedProcessing.choices, allow_blank=True, read_only=True
    )
    recipients = serializers.SerializerMethodField()
    # Read from `destinations`, so where the data goes is worked out once.
    cross_border = serializers.SerializerMethodField(
        help_text="Whether the data leaves Vietnam: the DPO's flag, or any recipient abroad."
    )
    destinations = serializers.SerializerMethodField(
        help_text="The countries outside Vietnam the data goes to (ISO 3166-1 alpha-2)."
    )

    class Meta:
        model = Purpose
        list_serializer_class = PurposeListOutputSerializer
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
            "destinations",
            "data_categories",
            "retention_months",
            "transfer_exemption",
            "automated_processing",
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

    def get_destinations(self, purpose) -> list[str]:
        return self._scope(purpose)["destinations"]

    def get_cross_border(self, purpose) -> bool:
        return bool(self._scope(purpose)["destinations"])

    @extend_schema_field(RecipientOutputSerializer(many=True, read_only=True))
    def get_recipients(self, purpose) -> list[dict]:
        return RecipientOutputSerializer(self._scope(purpose)["recipients"], many=True).data

    def _scope(self, purpose) -> dict:
        """The scope of the purpose's version in force (`scopes_in_force`), as a list read it for all its
        purposes at once; a single purpose is read alone, once, and kept beside the list's."""
        scopes = self.context.setdefault(SCOPES_IN_FORCE, {})
        if purpose.pk not in scopes:
            scopes.update(scopes_in_force([purpose], now=timezone.now()))
        return scopes[purpose.pk]

    def to_representation(self, purpose):
        data = super().to_representation(purpose)
        # Every scope field as the version in force has it, as the consent check and grants judge by:
        # the row's lag it until the versions job copies them onto it.
        scope = self._scope(purpose)
        for name in IN_FORCE_FIELDS:
            data[name] = scope[name]
        return data

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
    automated_processing = serializers.ChoiceField(
        choices=AutomatedProcessing.choices, required=False, allow_blank=True, default=""
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
    `description` are the Vietnamese text (as `name_vi`, which wins when both are given): the English
    text changes only through its own field, or English readers would get Vietnamese and the English
    wording would be lost. (`POST` fills a language not given from them: a new purpose has no text.)"""

    name = serializers.CharField(max_length=200, required=False, help_text="The Vietnamese name.")
    description = serializers.CharField(required=False, help_text="The Vietnamese description.")
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
    automated_processing = serializers.ChoiceField(
        choices=AutomatedProcessing.choices, required=False, allow_blank=True
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
                attrs.setdefault(f"{field}_vi", attrs.pop(field))
        return attrs

    @staticmethod
    def representation():
        return PurposeOutputSerializer()
