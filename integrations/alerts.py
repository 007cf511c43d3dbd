"""Alerts the integrations layer sends on behalf of the layers below it (connected in apps.py)."""
from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from core.roles import Role
from integrations.outbox import outbox_email_staff, outbox_enqueue_email


def audit_chain_broken_email_dpo(*, result, **kwargs) -> None:
    """E-mail every DPO through the outbox, in the transaction that records the broken chain."""
    now = timezone.now()
    outbox_email_staff(
        roles=[Role.DPO],
        template="integrations/email/audit_chain_broken",
        context={"entries": result.entries, "first_invalid": result.first_invalid},
        topic="audit.chain.broken",
        dedupe_key=f"audit-broken:{timezone.localdate(now).isoformat()}:{result.first_invalid}",
        now=now,
    )


def audit_chain_unfinished_email_dpo(*, job: str, scope: str, limit_seconds: int, **kwargs) -> None:
    """E-mail every DPO that a verification of the audit chain stopped before it ended, in the
    transaction that records it: one e-mail a day per job and scope."""
    now = timezone.now()
    outbox_email_staff(
        roles=[Role.DPO],
        template="integrations/email/audit_chain_unfinished",
        context={"job": job, "whole_chain": scope == "full", "minutes": limit_seconds // 60},
        topic="audit.chain.unfinished",
        dedupe_key=f"audit-unfinished:{timezone.localdate(now).isoformat()}:{job}:{scope}",
        now=now,
    )


def audit_checkpoint_email_internal_audit(*, line: str, result, now, **kwargs) -> None:
    """Send each signed checkpoint to internal audit's mailboxes (AUDIT_CHECKPOINT_EMAIL), a copy
    of the anchor that nobody with database access can rewrite."""
    for address in settings.AUDIT_CHECKPOINT_EMAIL:
        outbox_enqueue_email(
            to=address,
            template="audit/email/checkpoint",
            context={"sequence": result.head_sequence, "head_hash": result.head_hash, "line": line},
            topic="audit.checkpoint",
            dedupe_key=f"audit-checkpoint:{result.head_sequence}:{now.isoformat()}:{address}",
            now=now,
        )
