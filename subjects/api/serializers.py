"""Input and output shapes for data subjects. Input serializers validate only; services write."""
from __future__ import annotations

from rest_framework import serializers

from accounts.languages import LANGUAGE_CHOICE_MESSAGE
from accounts.models import Language
from core.api.inputs import ChangeSerializer
from subjects.models import CustomerNumberKind, DataSubject, GuardianDocument, SubjectRelationship
from subjects.selectors import PERSONAL_FIELDS, personal_value_masked


def preferred_language_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Language.choices, required=False,
        error_messages={"invalid_choice": LANGUAGE_CHOICE_MESSAGE},
        help_text="The language the bank writes to the customer in: `vi` (the default) or `en`.",
    )


# What a processor (`integrations.audience.is_processor`) is not told of a customer, even with
# `subjects:pii`: that they died or left the bank, or are a child under a guardian. The consent check
# tells it `not_allowed` for these; it needs no more to stop.
LIFE_FACTS = ("deceased_on", "relationship_ended_on", "guardian", "guardian_verified_at")


class SubjectOutputSerializer(serializers.ModelSerializer):
    """A subject; its personal values masked unless the view sets `reveal` in the context, its life facts
    null when it sets `processor`."""

    guardian = serializers.UUIDField(source="guardian_id", allow_null=True, read_only=True)
    masked = serializers.SerializerMethodField(help_text="True when the personal values are masked.")
    # A plain string: the address is optional and stored as "" when absent, which `format: email` rejects.
    email = serializers.CharField(read_only=True, help_text="E-mail address, or empty when none is on file.")

    class Meta:
        model = DataSubject
        fields = [
            "id", "external_ref", "full_name", "national_id", "passport_number", "date_of_birth", "phone",
            "email", "address", "guardian", "guardian_verified_at", "adult_verified", "preferred_language",
            "relationship_ended_on", "deceased_on", "relationship", "created_at", "updated_at", "masked",
        ]
        read_only_fields = fields

    def get_masked(self, subject) -> bool:
        return not self.context.get("reveal", False)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("reveal", False):
            for field in PERSONAL_FIELDS:
                data[field] = personal_value_masked(field, data[field])
        if self.context.get("processor", False):
            data = {**data, **dict.fromkeys(LIFE_FACTS)}
        return data


class SubjectCreateSerializer(serializers.Serializer):
    external_ref = serializers.CharField(
        max_length=64, required=False, allow_blank=True,
        help_text="Core-banking customer number (CIF); required for a customer. Leave it out for a person "
        "who is not a customer: the platform gives them a reference starting with NC-.",
    )
    relationship = serializers.ChoiceField(
        choices=SubjectRelationship.choices, required=False, default=SubjectRelationship.CUSTOMER,
        help_text="What the person is to the bank: a customer, or someone whose data it holds without their "
        "being one (a guarantor, a corporate client's director or signatory, a prospect...).",
    )
    full_name = serializers.CharField(max_length=200)
    national_id = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="CCCD, 12 digits."
    )
    passport_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    guardian = serializers.UUIDField(required=False, allow_null=True, help_text="The guardian's subject id.")
    preferred_language = preferred_language_field()
    adult_verified = serializers.BooleanField(
        required=False, default=False,
        help_text="eKYC verified the customer is an adult (no date of birth needed).",
    )
    relationship_ended_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the customer relationship ended, today or earlier; retention periods run from "
        "it (null or absent: open).",
    )


class SubjectRectifySerializer(ChangeSerializer):
    full_name = serializers.CharField(max_length=200, required=False)
    national_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    passport_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    guardian = serializers.UUIDField(required=False, allow_null=True)
    relationship = serializers.CharField(
        max_length=20, required=False,
        help_text="Corrects what the person is to the bank when it was registered by mistake (guarantor, "
        "payee...); audited with the old and new value. Not `customer`: use the became_customer number "
        "change.",
    )
    relationship_ended_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the customer relationship ended; retention periods run from it (null: open).",
    )
    deceased_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the customer died, from the death certificate seen (null: not known to have "
        "died). Their consents stop; none is recorded in their name from then.",
    )
    preferred_language = preferred_language_field()
    adult_verified = serializers.BooleanField(required=False, help_text="The result of an eKYC adult check.")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @staticmethod
    def representation():
        return SubjectOutputSerializer()


class SubjectSearchSerializer(serializers.Serializer):
    """Exactly one identifier, matched whole through its blind index (in the body, never the URL)."""

    national_id = serializers.CharField(max_length=40, required=False, help_text="CCCD, 12 digits.")
    passport_number = serializers.CharField(
        max_length=40, required=False, help_text="A passport number (a foreign national has no CCCD)."
    )
    phone = serializers.CharField(max_length=40, required=False)
    email = serializers.CharField(max_length=254, required=False)


class GuardianVerifySerializer(serializers.Serializer):
    evidence = serializers.CharField(
        max_length=300, help_text="The document that proves the authority: birth certificate, court decision."
    )
    document = serializers.ChoiceField(
        choices=GuardianDocument.choices, required=False, default="",
        help_text="The kind of document seen; kept with the reference on the child's record.",
    )


class NationalIdShareSerializer(serializers.Serializer):
    external_ref = serializers.CharField(max_length=64, help_text="The other customer number (CIF).")
    reason = serializers.CharField(
        max_length=500, help_text="Why both customer numbers belong to this person."
    )


class NationalIdShareOutputSerializer(serializers.Serializer):
    external_ref = serializers.CharField()
    reason = serializers.CharField()
    linked_at = serializers.DateTimeField()


class CustomerNumberChangeSerializer(serializers.Serializer):
    external_ref = serializers.CharField(
        max_length=64, help_text="The customer number core banking now uses."
    )
    kind = serializers.ChoiceField(
        choices=CustomerNumberKind.choices,
        help_text="`renumbered` (core banking gave a new number), `mistyped` (wrong when first recorded) or "
        "`became_customer` (a person who was not a customer opened an account: their NC- reference gives way "
        "to their CIF and they become a customer).",
    )
    reason = serializers.CharField(max_length=500, help_text="Why, with core banking's reference.")
