"""Writes of the audit app, split by sub-domain: the trail itself (`trail`), its verification and
checkpoints (`chain`), the signed archive records (`archives`) and restore records (`restores`); import
from here."""

from audit.services.archives import audit_archive_record, audit_archive_record_after_the_fact
from audit.services.chain import (
    audit_chain_check,
    audit_chain_full_check_ask,
    audit_chain_unfinished_record,
    audit_checkpoint_write,
)
from audit.services.checkpoint_series import audit_checkpoints_restart
from audit.services.restores import audit_restore_record, audit_restore_since_checkpoint_record
from audit.services.trail import audit_record, audit_record_many
from audit.services.unusual import audit_unusual_access_sweep

__all__ = [
    "audit_archive_record", "audit_archive_record_after_the_fact", "audit_chain_check",
    "audit_chain_full_check_ask", "audit_chain_unfinished_record", "audit_checkpoint_write",
    "audit_checkpoints_restart", "audit_record",
    "audit_record_many",
    "audit_restore_record", "audit_restore_since_checkpoint_record", "audit_unusual_access_sweep",
]
