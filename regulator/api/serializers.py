"""Input (validation only) and output serializers of the regulator API."""

from __future__ import annotations

from rest_framework import serializers

from consents.models import NoticeAnnouncement
from consents.selectors import announcement_allowed_actions
from core.api.actions import AllowedActionsField
from core.api.inputs import ChangeSerializer, MomentField
from regulator.api.access import ANNOUNCEMENT_RIGHT, BREACH_RIGHT, DOSSIER_RIGHT
from regulator.models import AFFECTED_COUNT_MAX, BREACH_TO_FOLLOW_ITEMS, Breach, BreachNotification, Dossier
from regulator.selectors import breach_allowed_actions, dossier_allowed_actions, dossier_facts_changed
from regulator.services.breach_times import CORRECTION_REASON_MAX_LENGTH


class BreachCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    occurred_at = MomentField()
    detected_at = MomentField()
    systems = serializers.ListField(child=serializers.CharField(max_length=50), allow_empty=False)
    categories = serializers.ListField(child=serializers.CharField(max_length=50), allow_empty=False)
    subjects_affected = serializers.IntegerField(min_value=0, max_value=AFFECTED_COUNT_MAX, default=0)
    records_affected = serializers.IntegerField(min_value=0, max_value=AFFECTED_COUNT_MAX, default=0)
    measures_taken = serializers.CharField(required=False, allow_blank=True, default="")
    likely_consequences = serializers.CharField(required=False, allow_blank=True, default="")
    measures_taken_en = serializers.CharField(required=False, allow_blank=True, default="")
    likely_consequences_en = serializers.CharField(required=False, allow_blank=True, default="")
    customer_description = serializers.CharField(required=False, allow_blank=True, default="")
    customer_description_en = serializers.CharField(required=False, allow_blank=True, default="")


class BreachUpdateSerializer(ChangeSerializer):
    title = serializers.CharField(max_length=200, required=False)
    occurred_at = MomentField(
        required=False,
        help_text="A corrected time of the violation, until the authority is notified (409 "
        "`breach_times_notified` after). The deadlines are computed again from it, unless fallen due.",
    )
    detected_at = MomentField(
        required=False,
        help_text="A corrected time of the detection (not before the violation, not in the future), until "
        "the authority is notified (409 `breach_times_notified` after). The 72 hours count from it: the "
        "deadlines are computed again, except one that has fallen due, which stays.",
    )
    correction_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=CORRECTION_REASON_MAX_LENGTH,
        help_text="Why the times are corrected: required with a changed `occurred_at` or `detected_at`, "
        "and kept in the audit entry. A time sent back as it stands is no correction.",
    )
    description = serializers.CharField(required=False)
    subjects_affected = serializers.IntegerField(min_value=0, max_value=AFFECTED_COUNT_MAX, required=False)
    records_affected = serializers.IntegerField(min_value=0, max_value=AFFECTED_COUNT_MAX, required=False)
    measures_taken = serializers.CharField(required=False, allow_blank=True)
    likely_consequences = serializers.CharField(required=False, allow_blank=True)
    measures_taken_en = serializers.CharField(required=False, allow_blank=True)
    likely_consequences_en = serializers.CharField(required=False, allow_blank=True)
    customer_description = serializers.CharField(required=False, allow_blank=True)
    customer_description_en = serializers.CharField(required=False, allow_blank=True)
    systems = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, allow_empty=False
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, allow_empty=False
    )

    @staticmethod
    def representation():
        return BreachOutputSerializer()


class NotifySerializer(serializers.Serializer):
    late_reason = serializers.CharField(required=False, allow_blank=True, default="")
    new_facts = serializers.CharField(required=False, allow_blank=True, default="")
    authority_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    # The items not yet known, said to follow in a later phase (the initial phase gives or names each).
    to_follow = serializers.ListField(
        child=serializers.ChoiceField(choices=list(BREACH_TO_FOLLOW_ITEMS)), required=False, default=list
    )


class PhaseReferenceSerializer(serializers.Serializer):
    # Checked by the service (required, at most 100 characters), which words the refusal.
    authority_reference = serializers.CharField(allow_blank=True, trim_whitespace=False)


class PhaseOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = BreachNotification
        fields = [
            "phase",
            "kind",
            "submitted_at",
            "late",
            "late_reason",
            "authority_reference",
            "new_facts",
            "submitted_by_label",
        ]


class BreachOutputSerializer(serializers.ModelSerializer):
    systems = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    phases = PhaseOutputSerializer(many=True, read_only=True)
    allowed_actions = AllowedActionsField(
        breach_allowed_actions,
        right=BREACH_RIGHT,
        help_text="What the caller may do with the breach now, as the breach page offers it: update, notify, "
        "close. Empty for a reader, a token without `regulator:write` and a closed breach.",
    )

    class Meta:
        model = Breach
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "occurred_at",
            "detected_at",
            "systems",
            "categories",
            "subjects_affected",
            "records_affected",
            "measures_taken",
            "likely_consequences",
            "measures_taken_en",
            "likely_consequences_en",
            "customer_description",
            "customer_description_en",
            "status",
            "notify_due_at",
            "statutory_due_at",
            "statutory_regime",
            "deadline_breached_at",
            "notified_at",
            "customers_notified_at",
            "customers_notified",
            "customer_notice_decision",
            "customer_notice_reason",
            "customer_notice_decided_at",
            "closed_at",
            "phases",
            "allowed_actions",
        ]


class CustomerNoticeDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the affected customers are not told.")


class DossierOutputSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Null on a processing dossier (only a transfer's names its recipient).
    recipient = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    allowed_actions = AllowedActionsField(
        dossier_allowed_actions,
        right=DOSSIER_RIGHT,
        help_text="What the caller may do with the dossier now, as the dossier page offers it: edit, file "
        "(once its risk assessment is written, until the current version is filed, and not while the "
        "processing changed since that version: update from the catalogue first). Empty for a reader "
        "and a token without `regulator:write`.",
    )
    facts_changed = serializers.SerializerMethodField(
        help_text="Whether the processing changed since the dossier's latest version (its purpose, "
        "processing activity or recipient no longer state what that version states) and nobody has "
        "updated the dossiers from the catalogue (`dossiers/sync/`) since: filing is then refused (409 "
        "`dossier_facts_changed`), and a dossier filed before the change no longer states the processing "
        "as it is.",
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "kind",
            "purpose",
            "recipient",
            "started_at",
            "due_at",
            "status",
            "filed_at",
            "filed_version",
            "authority_reference",
            "current_version",
            "deadline_breached_at",
            "facts_changed",
            "allowed_actions",
        ]

    def get_facts_changed(self, dossier: Dossier) -> bool:
        return dossier_facts_changed(dossier)


class DossierEditSerializer(serializers.Serializer):
    assessment = serializers.CharField()
    note = serializers.CharField(max_length=500)


class DossierFileSerializer(serializers.Serializer):
    authority_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class AnnouncementCreateSerializer(serializers.Serializer):
    notice = serializers.IntegerField(help_text="The notice version's id.")


class AnnouncementOutputSerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(source="notice.purpose.code", read_only=True)
    version = serializers.CharField(source="notice.version", read_only=True)
    effective_at = serializers.DateTimeField(source="notice.effective_at", read_only=True)
    material = serializers.BooleanField(source="notice.material", read_only=True)
    allowed_actions = AllowedActionsField(
        announcement_allowed_actions,
        right=ANNOUNCEMENT_RIGHT,
        help_text="What the caller may do with the announcement now, as the announcements page offers it: "
        "send (only before the announcement is sent, while scheduled), retry (only while parked after "
        "failing again and again: send_failed, never sent, or ask_failed, sent but fresh consent not "
        "asked). Empty for a reader, a token without `regulator:write` and an announcement neither "
        "scheduled nor parked.",
    )

    class Meta:
        model = NoticeAnnouncement
        fields = [
            "id",
            "purpose",
            "version",
            "effective_at",
            "material",
            "significant",
            "lead_days",
            "send_at",
            "status",
            "sent_at",
            "customers_told",
            "asked_at",
            "customers_asked",
            "attempts",
            "last_error",
            "last_failed_at",
            "next_attempt_at",
            "allowed_actions",
        ]


class ActivitySerializer(serializers.Serializer):
    systems = serializers.ListField(child=serializers.CharField(max_length=50))
    categories = serializers.ListField(child=serializers.CharField(max_length=50))
    data_subjects = serializers.CharField(max_length=200, required=False, default="customers")
    security_measures = serializers.CharField(required=False, allow_blank=True, default="")
    started_at = MomentField(required=False, allow_null=True, default=None)
