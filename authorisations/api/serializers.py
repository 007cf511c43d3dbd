"""Input and output shapes of the third-party access API."""

from __future__ import annotations

from rest_framework import serializers

from authorisations.models import AccessRecord, Authorisation, FetchType, ThirdParty
from authorisations.scopes import SCOPE_CHOICES
from authorisations.selectors import authorisation_allowed_actions
from authorisations.states import MAX_DURATION_DAYS, AuthorisationStatus
from consents.models import Channel
from core.api.actions import ActingRight, AllowedActionsField
from core.api.inputs import MomentField

# Who revokes an authorisation through the API: staff with the permission and a writing token, or the
# customer, their own, as easily as they authorised it.
AUTHORISATION_REVOKE_RIGHT = ActingRight(
    "authorisations.revoke_authorisation", "authorisations:write", customers=True
)


class ThirdPartyCreateSerializer(serializers.Serializer):
    legal_name = serializers.CharField(max_length=200)
    tax_code = serializers.CharField(max_length=20)
    licence_ref = serializers.CharField(max_length=100)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    country = serializers.CharField(
        max_length=2,
        required=False,
        default="VN",
        help_text="ISO 3166 code; anything but VN makes it a cross-border transfer.",
    )
    purpose = serializers.CharField(max_length=2000, help_text="In Vietnamese.")
    purpose_en = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True,
        help_text="In English, for customers reading in English; the Vietnamese is shown when blank.",
    )
    redirect_uris = serializers.ListField(child=serializers.CharField(max_length=500), allow_empty=False)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=SCOPE_CHOICES), allow_empty=False)
    fetch_type = serializers.ChoiceField(
        choices=FetchType.choices, required=False, default=FetchType.PERIODIC
    )
    frequency_per_day = serializers.IntegerField(min_value=1, max_value=96, required=False, default=4)
    max_duration_days = serializers.IntegerField(
        min_value=1, max_value=MAX_DURATION_DAYS, required=False, default=MAX_DURATION_DAYS
    )
    confidential = serializers.BooleanField(required=False, default=True)
    webhook_url = serializers.URLField(required=False, allow_blank=True, default="")


class ThirdPartyOutputSerializer(serializers.ModelSerializer):
    client_id = serializers.CharField(source="application.client_id", read_only=True)
    cross_border = serializers.BooleanField(read_only=True)

    class Meta:
        model = ThirdParty
        fields = [
            "id",
            "legal_name",
            "tax_code",
            "licence_ref",
            "contact_email",
            "contact_phone",
            "country",
            "cross_border",
            "redirect_uris",
            "scopes",
            "purpose",
            "purpose_en",
            "fetch_type",
            "frequency_per_day",
            "max_duration_days",
            "status",
            "client_id",
            "created_at",
        ]


class ThirdPartyWithSecretSerializer(ThirdPartyOutputSerializer):
    client_secret = serializers.CharField(read_only=True, help_text="Shown once; only its hash is kept.")

    class Meta(ThirdPartyOutputSerializer.Meta):
        fields = [*ThirdPartyOutputSerializer.Meta.fields, "client_secret"]


class ThirdPartyCreatedSerializer(ThirdPartyWithSecretSerializer):
    webhook_secret = serializers.CharField(
        read_only=True, help_text="Shown once, when a webhook URL was given."
    )

    class Meta(ThirdPartyWithSecretSerializer.Meta):
        fields = [*ThirdPartyWithSecretSerializer.Meta.fields, "webhook_secret"]


class ThirdPartySecretRotateSerializer(serializers.Serializer):
    revoke_tokens = serializers.BooleanField(
        required=False, default=False,
        help_text="Also end every access and refresh token (and pending code) already issued to the client, "
        "whatever its secret: customers' access stops until the third party obtains new tokens.",
    )


class ThirdPartyStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ThirdParty.Status.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AccessOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessRecord
        fields = ["id", "scope", "accessed_at", "record_count", "reported_by", "claimed", "reported_at"]
        extra_kwargs = {
            "id": {"help_text": "The read's id. A claimed read's report names it in `claim`."},
            "accessed_at": {
                "help_text": "When the read was made: for a claimed read, the bank's time of the claim."
            },
            "claimed": {
                "help_text": "Claimed on `reads/` before serving (true) or only reported after (false)."
            },
            "reported_at": {
                "help_text": "When a report after serving reached the bank; null for a claimed read not "
                "reported (a claim needs no report)."
            },
        }


class AuthorisationOutputSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.external_ref", read_only=True)
    third_party = serializers.UUIDField(source="third_party_id", read_only=True)
    third_party_name = serializers.CharField(source="third_party.legal_name", read_only=True)
    frequency_per_day = serializers.IntegerField(
        source="reads_per_day", read_only=True, allow_null=True,
        help_text="Reads a day at most the customer agreed to; null for a one-time authorisation (once).",
    )
    status = serializers.ChoiceField(
        source="status_now", choices=AuthorisationStatus.choices, read_only=True,
        help_text="As at this answer: `expired` from the instant the term ends, before the hourly sweep "
        "records the expiry.",
    )
    allowed_actions = AllowedActionsField(
        authorisation_allowed_actions,
        right=AUTHORISATION_REVOKE_RIGHT,
        help_text="What the caller may do now, as the pages offer it: revoke (staff who may, and the "
        "customer), pause and resume (the customer's own, on the self-service pages).",
    )

    class Meta:
        model = Authorisation
        fields = [
            "id",
            "subject",
            "third_party",
            "third_party_name",
            "scopes",
            "purpose",
            "purpose_en",
            "fetch_type",
            "frequency_per_day",
            "cross_border",
            "destination_country",
            "status",
            "pause_reason",
            "starts_at",
            "expires_at",
            "ended_at",
            "channel",
            "allowed_actions",
        ]


class RevokeSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    evidence = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AccessReportSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=SCOPE_CHOICES)
    accessed_at = MomentField(help_text="When the data was served.")
    record_count = serializers.IntegerField(min_value=0, max_value=10_000_000)
    claim = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None,
        help_text="The `id` the read claim (`POST authorisations/{id}/reads/`) answered with, when this "
        "read was claimed: the claimed read is completed with this report (200) and not counted again. "
        "Leave it out for a read served without a claim (201, a new read). Without it, a report giving "
        "a claimed read's own `accessed_at` (as the claim answered, to the microsecond) and `scope` is "
        "taken for that read (200).",
    )


class AccessClaimSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=SCOPE_CHOICES, help_text="The data scope the read serves; within the authorisation's."
    )
    record_count = serializers.IntegerField(
        min_value=0, max_value=10_000_000, required=False, default=0,
        help_text="How many records the read serves, when the gateway knows before serving (else 0).",
    )


class IntrospectInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=2000, allow_blank=True)
    token_type_hint = serializers.CharField(max_length=40, required=False, allow_blank=True)


class IntrospectOutputSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    scope = serializers.CharField(required=False)
    client_id = serializers.CharField(required=False)
    token_type = serializers.CharField(required=False)
    exp = serializers.IntegerField(required=False)
    iat = serializers.IntegerField(required=False)
    sub = serializers.CharField(required=False, help_text="The customer's number (CIF).")
    authorisation_id = serializers.UUIDField(required=False)
    authorisation_expires_at = serializers.DateTimeField(required=False)
    fetch_type = serializers.ChoiceField(
        choices=FetchType.choices, required=False,
        help_text="How often the customer agreed the third party reads: once, or periodically.",
    )
    frequency_per_day = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="A periodic authorisation's reads a day at most (the day in Asia/Ho_Chi_Minh); null "
        "when once.",
    )
    reads_remaining = serializers.IntegerField(
        required=False,
        help_text="Reads still allowed: today's for a periodic authorisation (from local midnight), the "
        "one read for a one-time one. The token introspects inactive once none remains. Counted from "
        "the reads recorded so far: claim each read (`POST authorisations/{id}/reads/`) before serving it.",
    )
