"""Serializers of the webhook-endpoint API: plain input validation, and what the API shows."""
from __future__ import annotations

from rest_framework import serializers

from accounts.selectors import user_list
from core.api.inputs import ChangeSerializer
from integrations.models import OutboxMessage, WebhookEndpoint
from integrations.states import JobStatus


class EndpointInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500)
    client = serializers.SlugRelatedField(slug_field="username", queryset=user_list())
    events = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    recipient = serializers.IntegerField(required=False, allow_null=True, default=None)


class EndpointChangeSerializer(ChangeSerializer):
    name = serializers.CharField(max_length=100, required=False)
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    active = serializers.BooleanField(required=False)
    recipient = serializers.IntegerField(required=False, allow_null=True)

    @staticmethod
    def representation():
        return EndpointOutputSerializer()


class EndpointOutputSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.username")
    recipient = serializers.SerializerMethodField()
    previous_secret_valid_until = serializers.DateTimeField(source="previous_secret_until")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "url", "client", "events", "active", "recipient",
                  "previous_secret_valid_until", "created_at"]

    def get_recipient(self, endpoint) -> dict | None:
        served = self.context.get("served", {}).get(endpoint.pk)
        return {"id": served[0], "name": served[1]} if served else None


class EndpointWithSecretSerializer(EndpointOutputSerializer):
    """The answer to a creation or rotation: the only time the secret is shown."""

    secret = serializers.SerializerMethodField()

    class Meta(EndpointOutputSerializer.Meta):
        fields = [*EndpointOutputSerializer.Meta.fields, "secret"]

    def get_secret(self, endpoint) -> str:
        return self.context["secret"]


class DeliverySerializer(serializers.ModelSerializer):
    next_attempt_at = serializers.SerializerMethodField()

    class Meta:
        model = OutboxMessage
        fields = ["id", "topic", "status", "attempts", "next_attempt_at", "last_error", "created_at",
                  "sent_at"]

    def get_next_attempt_at(self, message) -> str | None:
        pending = message.status == OutboxMessage.Status.PENDING
        return serializers.DateTimeField().to_representation(message.next_attempt_at) if pending else None


class JobSerializer(serializers.Serializer):
    """A background job as `integrations.jobs.job_progress` reads it (output only)."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    status_label = serializers.CharField()
    finished = serializers.BooleanField()
    rows_total = serializers.IntegerField(allow_null=True)
    rows_done = serializers.IntegerField()
    rows_refused = serializers.IntegerField()
    percent = serializers.IntegerField()
    seconds_left = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
