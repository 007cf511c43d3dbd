"""A request's history: each move of its state machine, which its timeline shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from encrypted_model_fields.fields import EncryptedTextField

from core.actors import ActorKind
from dsr.models.requests import DataSubjectRequest
from dsr.states import OutcomeReason, RequestStatus, customer_status_label


class RequestStatusChange(models.Model):
    """One move of the state machine: the request's history, shown as its timeline."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=24, choices=RequestStatus.choices, blank=True)
    new_status = models.CharField(max_length=24, choices=RequestStatus.choices)
    actor_kind = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=150, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=24, choices=OutcomeReason.choices, blank=True)
    note = EncryptedTextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"RequestStatusChange {self.request_id} {self.old_status}->{self.new_status}"

    @property
    def new_status_for_customer(self) -> str:
        return customer_status_label(self.new_status, by_customer=self.actor_kind == ActorKind.CUSTOMER)

    @property
    def is_customer_reply(self) -> bool:
        """The customer's answer to the bank's question (`request_customer_reply`)."""
        return (
            self.old_status == RequestStatus.AWAITING_CUSTOMER
            and self.actor_kind == ActorKind.CUSTOMER
            and bool(self.note)
        )
