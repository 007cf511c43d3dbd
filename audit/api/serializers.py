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


class ArchiveRecordSerializer(serializers.Serializer):
    """The signed archive record (`archives.jsonl`, `manage.py audit_archive_record`) a whole-chain check
    began after."""

    through = serializers.IntegerField(help_text="The last archived entry: entries #1 to this one are gone.")
    through_hash = serializers.CharField(
        help_text="The hash of the last archived entry, as the record kept it: the first entry checked links "
                  "to it."
    )
    month = serializers.CharField(
        allow_blank=True,
        help_text="The month (YYYY-MM) of the last archived entry; empty for a record written after the "
                  "fact.",
    )
    dump_sha256 = serializers.CharField(
        allow_blank=True,
        help_text="The SHA-256 of the archive's dump file; empty for a record written after the fact without "
                  "the old dump.",
    )
    recorded_at = serializers.CharField(
        source="written_at",
        help_text="When the record was written (ISO 8601, UTC): with `through`, it names the record's "
                  "line in archives.jsonl.",
    )
    after_the_fact = serializers.BooleanField(
        help_text="Recorded after the fact (`audit_archive_record --already-archived`), for an archive made "
                  "before archive records existed: `through` and `through_hash` were taken from the first "
                  "entry left, not computed from the archived entries, which were already gone."
    )


class RestoreRecordSerializer(serializers.Serializer):
    """A signed restore record (`restores.jsonl`, `manage.py audit_restore_record`) of the entries a check
    read."""

    restored_to = serializers.IntegerField(
        help_text="The newest entry of the backup restored: entries after it in the database are new ones."
    )
    restored_hash = serializers.CharField(help_text="That entry's hash, as the record kept it.")
    lost_through = serializers.IntegerField(
        help_text="The furthest entry a checkpoint had recorded: entries `restored_to` + 1 to this one were "
                  "lost."
    )
    backup = serializers.CharField(allow_blank=True,
                                   help_text="The backup restored, as the operator described it.")
    recorded_at = serializers.CharField(source="written_at",
                                        help_text="When the record was written (ISO 8601, UTC).")


class ChainVerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    entries = serializers.IntegerField()
    first_invalid = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    checkpoints = serializers.IntegerField(
        help_text="Checkpoints outside the database the chain was checked against."
    )
    from_sequence = serializers.IntegerField(
        help_text="The first entry checked: 1, or the first entry left in the database once earlier entries "
                  "were archived."
    )
    archive = ArchiveRecordSerializer(
        allow_null=True,
        help_text="The signed archive record that says the entries before `from_sequence` were archived, "
                  "when the check began after one; null when nothing before it is missing, or when no record "
                  "says the missing entries were archived (the chain is then broken).",
    )
    restored_to = serializers.IntegerField(
        help_text="With `lost_through`, when the chain is broken as a restore from an older backup leaves it "
                  "(entries numbered anew after a checkpoint had recorded them, or missing): the last entry "
                  "that checks out. 0 otherwise. `manage.py audit_restore_record` records the restore."
    )
    lost_through = serializers.IntegerField(
        help_text="The furthest entry a checkpoint had recorded: entries `restored_to` + 1 to this one are "
                  "lost. 0 when the chain is not found so."
    )
    restores = RestoreRecordSerializer(
        many=True,
        help_text="The signed restore records of the entries checked, oldest first. A chain that is `valid` "
                  "with one is consistent, not intact: the entries each names were lost.",
    )
