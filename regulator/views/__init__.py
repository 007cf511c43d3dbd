"""Regulator pages: DPO and auditor only (auditor read-only), in Vietnamese and English."""

from regulator.views.announcements import (
    announcement_list,
    announcement_retry,
    announcement_schedule,
    announcement_send,
    me_notice_changes,
)
from regulator.views.breaches import (
    breach_close,
    breach_customers,
    breach_customers_decline,
    breach_detail,
    breach_edit,
    breach_list,
    breach_mailing,
    breach_mailing_cancel,
    breach_mailing_progress,
    breach_new,
    breach_notify,
    breach_phase,
    breach_phase_reference,
)
from regulator.views.dossiers import dossier_detail, dossier_edit, dossier_file, dossier_list, dossiers_sync
from regulator.views.proof_bundles import proof_bundle
from regulator.views.record import activity_edit, processing_record, record_review
from regulator.views.transfers import recipient_transfers

__all__ = [
    "recipient_transfers",
    "activity_edit",
    "announcement_list",
    "announcement_retry",
    "announcement_schedule",
    "announcement_send",
    "breach_close",
    "breach_customers",
    "breach_customers_decline",
    "breach_mailing",
    "breach_mailing_cancel",
    "breach_mailing_progress",
    "breach_detail",
    "breach_edit",
    "breach_list",
    "breach_new",
    "breach_notify",
    "breach_phase",
    "breach_phase_reference",
    "dossier_detail",
    "dossier_edit",
    "dossier_file",
    "dossier_list",
    "dossiers_sync",
    "me_notice_changes",
    "processing_record",
    "record_review",
    "proof_bundle",
]
