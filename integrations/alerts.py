"""Alerts the integrations layer sends on behalf of the layers below it (connected in apps.py)."""
from __future__ import annotations

from django.utils import timezone

from core.roles import Role
from integrations.outbox import outbox_email_staff


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
