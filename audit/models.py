"""The append-only, hash-chained audit trail.

Each entry stores a keyed MAC over its own content and the previous entry's hash (audit/hashing.py),
so changing, removing or inserting any entry breaks every seal after it, and nobody without the key
can seal a replacement. Sequence numbers come from a single locked head row, so concurrent writers
queue and the numbers have no gaps. Signed checkpoints outside the database (audit/checkpoints.py)
catch what the chain alone cannot: a cut tail with the head row moved back.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.actors import ActorKind


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove audit history through the ORM."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    recorded_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    # Looked up by the (action, -sequence) index, and by prefix ("consents.") on `action_prefix`.
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # No foreign key: the trail must outlive an erased subject and never cascade. Looked up by the
    # (subject_id, -sequence) index.
    subject_id = models.UUIDField(null=True, blank=True)
    data = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    # The HMAC-SHA256 of the entry under the key `mac_key_id` names (a plain SHA-256 when that is empty).
    entry_hash = models.CharField(max_length=64, unique=True)
    mac_key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-sequence"]
        # Each index is upkeep on every entry written (10,000 in an expiry sweep): only those a query
        # uses (audit/migrations/0002_entry_indexes_in_use.py).
        indexes = [
            models.Index(fields=["subject_id", "-sequence"]),
            models.Index(fields=["action", "-sequence"]),
            models.Index(fields=["action"], opclasses=["varchar_pattern_ops"], name="audit_action_prefix"),
        ]

    def __str__(self) -> str:
        return f"AuditEntry #{self.sequence} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditChainHead(models.Model):
    """The single row every writer locks: the last sequence number and hash of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"AuditChainHead #{self.sequence}"
