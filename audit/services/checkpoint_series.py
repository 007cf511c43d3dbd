"""Giving up a lost series of checkpoints (docs/operations.md, "A checkpoint directory lost for good")."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.checkpoints import checkpoint_dir, checkpoints_read
from audit.models import AuditEntry
from audit.selectors import audit_chain_checkpoints_gone
from audit.selectors.outcomes import CHECKPOINTS_RESTARTED
from audit.services.trail import audit_record
from audit.signals import checkpoints_restarted
from core.actors import Actor
from core.errors import InvalidInput

REASON_MAX_LENGTH = 500


def audit_checkpoints_restart(*, actor: Actor, reason: str, now: datetime | None = None) -> AuditEntry:
    """Record that the checkpoint files this database's verifications were held to are gone for good (no
    backup, no write-once copy) or were left behind on purpose (a test environment loaded from a copy of
    production's database), so the chain is verified, and checkpointed, from a new first checkpoint.

    Only the state `audit_chain_checkpoints_gone` refuses is given up: an empty directory while the trail
    records verifications held to checkpoints; never a directory holding checkpoints, whose breaks are a
    restore to record or damage to look into. Noted in the trail with the reason and the directory, and
    announced in the same transaction (`checkpoints_restarted`: integrations e-mails the DPOs and internal
    audit, who hold the e-mailed copies of the lost checkpoints to hold the trail against by hand)."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(_("Give the reason the checkpoint files cannot be put back, in at most %(limit)s "
                             "characters."), field="reason", limit=REASON_MAX_LENGTH)
    anchors = checkpoints_read()
    if anchors.problem or anchors.last is not None:
        raise InvalidInput(_("%(directory)s holds checkpoints: they are not given up. A break against them "
                             "is a restore to record (manage.py audit_restore_record) or damage to look "
                             "into."), directory=str(checkpoint_dir()))
    if not audit_chain_checkpoints_gone():
        raise InvalidInput(_("No verification in the trail was held to checkpoints: there is nothing to give "
                             "up, and the hourly job writes the first checkpoint."))
    with transaction.atomic(durable=True):
        entry = audit_record(action=CHECKPOINTS_RESTARTED, actor=actor, now=now,
                             data={"reason": reason, "directory": str(checkpoint_dir())})
        checkpoints_restarted.send(sender=audit_checkpoints_restart, entry=entry)
    return entry
