"""The shapes of a consent's detail, with its void when it was recorded in error, and of the void's
input (`POST /api/v1/consents/{id}/void/`, `consents.services.voids.consent_void`); the views are in
`consents.api.views`. Input serializers validate only; the service writes."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consents import selectors
from consents.api.serializers import ConsentOutputSerializer
from consents.api.served import reads_consent_proof
from consents.models import VoidReason
from core.actors import ActorKind
from core.api.actions import ActingRight, AllowedActionsField

# Who voids a consent recorded in error through the API: the DPO and privacy officers, with a token
# that may write consents.
CONSENT_VOID_RIGHT = ActingRight("consents.void_consent", "consents:write")
# Who withdraws one through the API (`ConsentWithdrawView`): staff who may change consents, a client with
# a token that may write them, and the customer their own.
CONSENT_WITHDRAW_RIGHT = ActingRight("consents.change_consent", "consents:write", customers=True)


class VoidInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=VoidReason.choices, help_text="Why the record is wrong.")
    note = serializers.CharField(
        max_length=1000,
        help_text="What went wrong, in your words; kept encrypted with the void's event, erased with the "
        "customer's data.",
    )


class VoidOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(
        help_text="The staff member who voided it (their username); `staff` to a client serving some "
        "purposes only (a processor)."
    )
    by_role = serializers.CharField(
        allow_null=True, help_text="The role they acted in then: dpo or privacy_officer."
    )
    reason = serializers.ChoiceField(choices=VoidReason.choices)
    reason_label = serializers.CharField()


class ConsentDetailSerializer(ConsentOutputSerializer):
    """One consent as its page shows it: with its void, and what the caller may do to it now."""

    voided = serializers.SerializerMethodField()
    allowed_actions = AllowedActionsField(
        selectors.consent_allowed_actions,
        right=CONSENT_VOID_RIGHT,
        action_rights={"withdraw": CONSENT_WITHDRAW_RIGHT},
        help_text="void, while the consent is in force or a refusal, to the DPO and privacy officers who did "
        "not record it (four eyes), unless the customer gave it signed in, as the staff page offers it "
        "(consents.selectors.consent_void_refusal); withdraw, while it is in force, within its term and "
        "its purpose relies on consent, to whom the withdrawal endpoint accepts "
        "(consents.selectors.consent_withdraw_refusal).",
    )

    withdrawal_consequences = serializers.SerializerMethodField(
        help_text="What withdrawing means, in the language asked for (Accept-Language): the sentences the "
        "bank's withdrawal pages show, for the app to show before the customer confirms (Law 91/2025: the "
        "consequences are explained first). Empty when the consent cannot be withdrawn "
        "(consents.selectors.consent_withdraw_refusal).",
    )

    class Meta(ConsentOutputSerializer.Meta):
        fields = [
            *ConsentOutputSerializer.Meta.fields, "voided", "allowed_actions", "withdrawal_consequences"
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_withdrawal_consequences(self, consent) -> list[str]:
        now = timezone.now()
        if selectors.consent_withdraw_refusal(consent, now=now) is not None:
            return []
        return [str(line) for line in selectors.withdrawal_consequences(consent, now=now)]

    @extend_schema_field(VoidOutputSerializer(allow_null=True))
    def get_voided(self, consent):
        """When, by whom and why the consent was voided as recorded in error; null otherwise."""
        void = selectors.consent_void_of(consent)
        if void is None:
            return None
        shown = VoidOutputSerializer(void).data
        if not reads_consent_proof(self.context.get("request"), consent):
            shown["by"] = ActorKind.STAFF.value
        return shown
