"""Reads of the audit app: the trail (`entries`) and the proof that it is intact (`chain`); import from
here."""

from audit.selectors.archives import audit_archive_boundary, audit_archived_entries_kept
from audit.selectors.chain import ChainVerification, audit_chain_start, audit_chain_verify
from audit.selectors.details import audit_entry_details
from audit.selectors.entries import (
    AUDIT_ENTRY_CHECKS,
    CheckedEntry,
    audit_category_check,
    audit_entries,
    audit_entries_checked,
    audit_first_keyed_sequence,
    audit_target_check,
    audit_target_label,
)
from audit.selectors.full_check import (
    FULL_CHECK_ASKED,
    audit_chain_full_check_lost,
    audit_chain_full_check_running,
)
from audit.selectors.outcomes import (
    CHAIN_FULL,
    CHAIN_OUTCOMES,
    CHAIN_SINCE_CHECKPOINT,
    CHAIN_UNFINISHED,
    ChainChecks,
    audit_chain_checkpoints_gone,
    audit_chain_found_broken,
    audit_chain_full_checks_unfinished,
    audit_chain_last_full_check,
    audit_checkpoints_given_up,
)

__all__ = [
    "audit_checkpoints_given_up",
    "AUDIT_ENTRY_CHECKS", "CHAIN_FULL", "CHAIN_OUTCOMES", "CHAIN_SINCE_CHECKPOINT", "CHAIN_UNFINISHED",
    "FULL_CHECK_ASKED",
    "ChainChecks", "ChainVerification", "CheckedEntry", "audit_archive_boundary",
    "audit_archived_entries_kept", "audit_chain_checkpoints_gone", "audit_chain_found_broken",
    "audit_chain_full_check_lost", "audit_chain_full_check_running",
    "audit_chain_full_checks_unfinished", "audit_chain_last_full_check", "audit_chain_start",
    "audit_category_check", "audit_chain_verify", "audit_entries", "audit_entry_details",
    "audit_entries_checked", "audit_first_keyed_sequence", "audit_target_check", "audit_target_label",
]
