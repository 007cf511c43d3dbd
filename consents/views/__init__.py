"""Consents pages, by audience. Every write goes through a service; a refusal becomes a message for
the person, never a 500."""

from consents.views.catalogue import (
    consent_import,
    import_job,
    import_job_cancel,
    import_job_progress,
    notice_new,
    purpose_ask_again,
    purpose_edit,
    purpose_list,
    recipient_contact,
    recipient_end,
    recipient_list,
    recipient_rename_en,
)
from consents.views.customer import me_consent_confirm, me_consent_set, me_consents, me_withdraw
from consents.views.duties import duty_acknowledge, duty_late_reason, duty_list
from consents.views.receipts import me_receipt
from consents.views.reports import report
from consents.views.staff import (
    staff_as_of,
    staff_grant,
    staff_receipt,
    staff_recorded,
    staff_void,
    staff_withdraw,
    subject_panel_context,
)
from consents.views.versions import purpose_versions

__all__ = [
    "staff_as_of",
    "consent_import",
    "duty_acknowledge",
    "duty_late_reason",
    "duty_list",
    "import_job",
    "import_job_cancel",
    "import_job_progress",
    "me_consent_confirm",
    "me_consent_set",
    "me_consents",
    "me_receipt",
    "me_withdraw",
    "notice_new",
    "purpose_ask_again",
    "purpose_versions",
    "purpose_edit",
    "purpose_list",
    "recipient_contact",
    "recipient_end",
    "recipient_list",
    "recipient_rename_en",
    "report",
    "staff_grant",
    "staff_receipt",
    "staff_recorded",
    "staff_void",
    "staff_withdraw",
    "subject_panel_context",
]
