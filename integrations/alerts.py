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


def audit_unusual_access_email_dpo(*, entry, **kwargs) -> None:
    """E-mail every DPO that a staff member looked at unusually many customers, in the transaction that
    records it: whom to ask, how many customers, and over which window (the trail, narrowed to them, lists
    whom and why)."""
    data = entry.data
    outbox_email_staff(
        roles=[Role.DPO],
        template="integrations/email/unusual_access",
        context={"who": data["who"], "customers": data["customers"], "since_at": data["since"],
                 "until_at": data["until"]},
        topic="audit.access.unusual",
        dedupe_key=f"audit-unusual-access:{entry.sequence}",
        now=entry.recorded_at,
    )


def audit_checkpoint_email_internal_audit(*, line: str, result, now, **kwargs) -> None:
    """Send each signed checkpoint to internal audit's mailboxes (AUDIT_CHECKPOINT_EMAIL), a copy
    of the anchor that nobody with database access can rewrite."""
    _email_internal_audit(
        template="audit/email/checkpoint",
        context={"sequence": result.head_sequence, "head_hash": result.head_hash, "line": line},
        topic="audit.checkpoint",
        dedupe_key=f"audit-checkpoint:{result.head_sequence}:{now.isoformat()}",
        now=now,
    )


def audit_restore_email(*, record, line: str, lost_after, lost_until, **kwargs) -> None:
    """E-mail every DPO and internal audit's mailboxes (AUDIT_CHECKPOINT_EMAIL) the signed record of a
    restore from a backup, in the transaction that notes it in the trail: once per restore (its key is
    the record's), since the checks that name the restore on every later run send nothing. It names the
    window whose records were lost (`lost_after` to `lost_until`), which the DPO has re-recorded."""
    now = timezone.now()
    context = {
        "restored_to": record.restored_to, "lost_from": record.restored_to + 1,
        "lost_through": record.lost_through, "restored_hash": record.restored_hash,
        "backup": record.backup, "recorded_at": record.written_at, "line": line,
        "lost_after_at": lost_after, "lost_until_at": lost_until,
    }
    key = f"audit-restore:{record.restored_to}:{record.lost_through}:{record.written_at}"
    _email_dpo_and_internal_audit(template="audit/email/restore", context=context,
                                  topic="audit.restore.recorded", dedupe_key=key, now=now)


def audit_restore_since_checkpoint_email(*, entry, taken_at, lost_after, lost_until, **kwargs) -> None:
    """E-mail every DPO, each in their language, that the database was restored from a backup newer than
    the last checkpoint, and the window whose records were lost: no signed record names such a restore."""
    context = {
        "restored_to": entry.data["restored_to"], "lost_from": entry.data["restored_to"] + 1,
        "backup": entry.data["backup"], "recorded_at": entry.recorded_at, "taken_at": taken_at,
        "lost_after_at": lost_after, "lost_until_at": lost_until,
    }
    outbox_email_staff(roles=[Role.DPO], template="audit/email/restore_since_checkpoint", context=context,
                       topic="audit.restore.since_checkpoint",
                       dedupe_key=f"audit-restore-since-checkpoint:{entry.sequence}", now=entry.recorded_at)


def audit_checkpoints_restarted_email(*, entry, **kwargs) -> None:
    """E-mail every DPO and internal audit's mailboxes that a lost series of checkpoints was given up, in
    the transaction that notes it in the trail: they hold the e-mailed copies of the lost checkpoints."""
    context = {"recorded_at": entry.recorded_at, "reason": entry.data["reason"],
               "directory": entry.data["directory"]}
    key = f"audit-checkpoints-restarted:{entry.sequence}"
    _email_dpo_and_internal_audit(template="audit/email/checkpoints_restarted", context=context,
                                  topic="audit.checkpoints.restarted", dedupe_key=key, now=entry.recorded_at)


def _email_dpo_and_internal_audit(*, template: str, context: dict, topic: str, dedupe_key: str, now) -> None:
    """Queue one e-mail to every DPO, each in their language, and to each of internal audit's mailboxes."""
    outbox_email_staff(roles=[Role.DPO], template=template, context=context, topic=topic,
                       dedupe_key=dedupe_key, now=now)
    _email_internal_audit(template=template, context=context, topic=topic, dedupe_key=dedupe_key, now=now)


def _email_internal_audit(*, template: str, context: dict, topic: str, dedupe_key: str, now) -> None:
    """Queue the e-mail to each of internal audit's mailboxes (none unless AUDIT_CHECKPOINT_EMAIL is set),
    in the site's language; each address's key adds the address."""
    for address in settings.AUDIT_CHECKPOINT_EMAIL:
        outbox_enqueue_email(to=address, template=template, context=context, topic=topic,
                             dedupe_key=f"{dedupe_key}:{address}", now=now)
