from rest_framework import serializers

from audit.actions import action_label
from audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id", "sequence", "recorded_at", "actor_kind", "actor_user_id", "actor_label",
            "action", "action_label", "target_type", "target_id", "subject_id", "data",
            "request_id", "ip", "prev_hash", "entry_hash", "mac_key_id",
        ]
        read_only_fields = fields

    def get_action_label(self, entry) -> str:
        return action_label(entry.action)


class ChainVerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    entries = serializers.IntegerField()
    first_invalid = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    checkpoints = serializers.IntegerField(
        help_text="Checkpoints outside the database the chain was checked against."
    )
