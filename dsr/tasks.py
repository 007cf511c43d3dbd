"""Celery tasks of the requests area. Thin: call one service; a full batch re-enqueues the task."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from core.tasks import again_if_full
from dsr.services import exports_purge_expired, legal_holds_release_due, request_results_purge_expired
from dsr.services.disputes import deletions_follow_disputes
from dsr.services.former_customers import FORMER_CUSTOMERS_ERASE_BATCH, former_customers_erase_due
from dsr.services.identity_codes import IDENTITY_CODES_PURGE_BATCH, identity_codes_purge_expired
from dsr.services.identity_lapse import IDENTITY_CHECKS_LAPSE_BATCH, identity_checks_lapse
from dsr.services.profile import CONTACT_CHANGES_PURGE_BATCH, contact_changes_purge
from dsr.services.reporting import report_send

BATCH = 200


@shared_task(name="dsr.release_legal_holds", ignore_result=True, time_limit=600, soft_time_limit=540)
def release_legal_holds() -> int:
    """Delete what has reached the end of its legal hold, with a deletion record for each (nightly)."""
    return again_if_full(release_legal_holds, legal_holds_release_due(limit=BATCH), batch=BATCH)


@shared_task(name="dsr.deletions_follow_disputes", ignore_result=True, time_limit=600, soft_time_limit=540)
def deletions_follow_disputes_nightly() -> int:
    """Erase tasks called off under a hold for a dispute come into force, sent after one ran out (nightly)."""
    return deletions_follow_disputes()


@shared_task(name="dsr.erase_former_customers", ignore_result=True, time_limit=300, soft_time_limit=240)
def erase_former_customers() -> int:
    """Erase the former customers past the bank's retention (nightly), once the bank has turned it on."""
    if not settings.FORMER_CUSTOMERS_ERASED_AFTER_RETENTION:
        return 0
    erased = former_customers_erase_due(limit=FORMER_CUSTOMERS_ERASE_BATCH)
    return again_if_full(erase_former_customers, erased, batch=FORMER_CUSTOMERS_ERASE_BATCH)


@shared_task(name="dsr.purge_expired_exports", ignore_result=True, time_limit=300, soft_time_limit=240)
def purge_expired_exports() -> int:
    """Empty the stored data of exports whose download window has closed, and what the systems returned
    to requests closed as long ago that no export carries (nightly)."""
    emptied = max(exports_purge_expired(limit=BATCH), request_results_purge_expired(limit=BATCH))
    return again_if_full(purge_expired_exports, emptied, batch=BATCH)


@shared_task(name="dsr.purge_contact_changes", ignore_result=True, time_limit=300, soft_time_limit=240)
def purge_contact_changes() -> int:
    """Delete the new phones and e-mails typed for confirmation once settled a while (nightly)."""
    return again_if_full(purge_contact_changes, contact_changes_purge(), batch=CONTACT_CHANGES_PURGE_BATCH)


@shared_task(name="dsr.purge_identity_codes", ignore_result=True, time_limit=300, soft_time_limit=240)
def purge_identity_codes() -> int:
    """Empty the hash of identity-check codes that expired on requests never verified (nightly)."""
    return again_if_full(
        purge_identity_codes, identity_codes_purge_expired(), batch=IDENTITY_CODES_PURGE_BATCH
    )


@shared_task(name="dsr.lapse_identity_checks", ignore_result=True, time_limit=300, soft_time_limit=240)
def lapse_identity_checks() -> int:
    """Close the identity checks requesters left unfinished, telling them what to do (hourly)."""
    return again_if_full(lapse_identity_checks, identity_checks_lapse(), batch=IDENTITY_CHECKS_LAPSE_BATCH)


@shared_task(name="dsr.send_deadline_report", ignore_result=True, time_limit=300, soft_time_limit=240)
def send_deadline_report(kind: str = "daily") -> int:
    """E-mail the daily, weekly or monthly deadline report to the DPO (times set in beat's schedule)."""
    return report_send(kind=kind)
