"""Every write of the regulator app (entry points use durable transactions and write their audit entry)."""

from regulator.services.breach_mailing import (
    breach_customers_not_notify,
    breach_customers_notify,
    breach_customers_notify_run,
    breach_customers_notify_start,
)
from regulator.services.breach_phases import breach_phase_reference_record
from regulator.services.breaches import breach_close, breach_notify, breach_record, breach_update
from regulator.services.dossiers import (
    activity_save,
    dossier_edit,
    dossier_file,
    dossiers_sync,
)
from regulator.services.exports import document_export_record
from regulator.services.proof_bundles import proof_bundle_export, proof_bundle_period
from regulator.services.reviews import record_review

__all__ = [
    "activity_save",
    "breach_close",
    "breach_customers_not_notify",
    "breach_customers_notify",
    "breach_customers_notify_run",
    "breach_customers_notify_start",
    "breach_notify",
    "breach_phase_reference_record",
    "breach_record",
    "breach_update",
    "document_export_record",
    "dossier_edit",
    "dossier_file",
    "dossiers_sync",
    "proof_bundle_export",
    "proof_bundle_period",
    "record_review",
]
