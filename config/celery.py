"""The Celery app and the whole beat schedule, in one place.

Beat entries are kebab-case, carry their cadence in words, and expire after about one interval so a
backlog after downtime does not run the same sweep many times over.

Beat (`celery -A config beat`) uses `core.beat.DatabaseScheduler` (django-celery-beat's), which copies
these entries into its PeriodicTask rows at start-up, `expires` as `expire_seconds`; the DPO then
changes report times on the "Reminders and schedules" page (or in the admin), and beat picks the
change up within minutes. Only the beat holding the leader lock sends, so a second beat is a standby
and no job is sent twice (docs/deployment.md).
"""
from __future__ import annotations

import gc
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("quyen_du_lieu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def freeze_startup_objects(**kwargs) -> None:
    """Take what a worker process holds once started (Django, the apps, the tasks) out of the garbage
    collector's sight: none of it ever becomes garbage, yet each full collection walked all 150,000
    objects of it, and a sweep that builds 50,000 rows' objects (the expiry of 10,000 authorisations)
    ran several: 0.3 of its 0.6 s in the collector. A forked pool process also keeps sharing those
    pages with its parent instead of copying them as the collector touches them."""
    gc.collect()
    gc.freeze()


MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def beat_entry(task: str, schedule: crontab | int, *, expires: int, kwargs: dict | None = None) -> dict:
    """One beat entry: `task` called with `kwargs` on `schedule`, dropped if still queued `expires`
    seconds later."""
    entry = {"task": task, "schedule": schedule, "options": {"expires": expires}}
    if kwargs:
        entry["kwargs"] = kwargs
    return entry


app.conf.beat_schedule = {
    # Every night at 02:30 local time: verify the audit chain from the last signed checkpoint's head
    # on, alert the DPO when broken.
    "verify-audit-chain": beat_entry("audit.verify_chain", crontab(hour=2, minute=30), expires=DAY),
    # Every Sunday at 03:30 local time: verify the whole audit chain, from its first entry.
    "verify-audit-chain-full": beat_entry(
        "audit.verify_chain",
        crontab(hour=3, minute=30, day_of_week=0),
        expires=7 * DAY,
        kwargs={"full": True},
    ),
    # Every hour at :05: verify the audit chain since the last checkpoint and append a signed
    # checkpoint of its head outside the database (AUDIT_CHECKPOINT_DIR, and e-mail when configured).
    "write-audit-checkpoint": beat_entry("audit.write_checkpoint", crontab(minute=5), expires=HOUR),
    # Every 15 minutes: notice staff who looked at unusually many customers in the last hour.
    "notice-unusual-access": beat_entry("audit.unusual_access_sweep", 15 * MINUTE, expires=15 * MINUTE),
    # Every minute: hand due outbox messages (webhooks, retries after backoff) to delivery tasks.
    "dispatch-due-outbox": beat_entry("core.dispatch_due_outbox", MINUTE, expires=MINUTE),
    # Every minute: hand background jobs (CSV imports) whose worker died or never came back to a
    # worker; they resume from their cursor.
    "resume-stale-jobs": beat_entry("integrations.resume_stale_jobs", MINUTE, expires=MINUTE),
    # Every hour at :40: forget Idempotency-Key answers older than a week (they may quote personal data).
    "expire-idempotency-keys": beat_entry(
        "integrations.expire_idempotency_keys", crontab(minute=40), expires=HOUR
    ),
    # Every hour: record the expiry of consents past their expiry time (the check already refuses them).
    "expire-due-consents": beat_entry("consents.expire_due", HOUR, expires=HOUR),
    # Every night at 00:30 local time: stop the consents a guardian gave alone for a customer who has
    # turned 7 (the check asks them again from the birthday), dated at the birthday's start.
    "stop-outgrown-consents": beat_entry("consents.stop_outgrown", crontab(hour=0, minute=30), expires=DAY),
    # Every hour at :25: remind recipients of the duties they have not confirmed, a day before the deadline.
    "remind-duty-recipients": beat_entry("consents.remind_recipients", crontab(minute=25), expires=HOUR),
    # Every hour at :10: expire third-party authorisations whose term has ended (tokens stop with them).
    "expire-due-authorisations": beat_entry("authorisations.expire_due", crontab(minute=10), expires=HOUR),
    # Every day at 09:00 local time: tell customers of authorisations that end within 7 days.
    "authorisation-expiry-notices": beat_entry(
        "authorisations.notify_expiring", crontab(hour=9, minute=0), expires=DAY
    ),
    # Every day at 09:15 local time: the 90-day summary of active authorisations, to each customer due.
    "authorisation-summaries": beat_entry(
        "authorisations.send_summaries", crontab(hour=9, minute=15), expires=DAY
    ),
    # Every minute: remind before deadlines, record and escalate breaches, for every clock source.
    "sweep-deadlines": beat_entry("core.sweep_deadlines", MINUTE, expires=MINUTE),
    # Every night at 01:25 local time: a hold for a dispute come into force calls off its customer's
    # erase tasks; one run out sends the deletions it kept back to their systems.
    "deletions-follow-disputes": beat_entry(
        "dsr.deletions_follow_disputes", crontab(hour=1, minute=25), expires=DAY
    ),
    # Every night at 01:30 local time: delete what has reached the end of its legal hold.
    "release-legal-holds": beat_entry("dsr.release_legal_holds", crontab(hour=1, minute=30), expires=DAY),
    # Every night at 01:40 local time, when the bank has turned it on: erase the former customers past
    # the bank's retention (after the release, whose holds keep a customer out of it).
    "erase-former-customers": beat_entry(
        "dsr.erase_former_customers", crontab(hour=1, minute=40), expires=DAY
    ),
    # Every night at 00:20 local time: create the next three months' partitions of the history tables
    # (consent events, audit entries, outbox, access records) before any row can need them.
    "ensure-partitions": beat_entry("core.ensure_partitions", crontab(hour=0, minute=20), expires=DAY),
    # Every night at 01:45 local time: empty exports whose download window has closed.
    "purge-expired-exports": beat_entry("dsr.purge_expired_exports", crontab(hour=1, minute=45), expires=DAY),
    # Every night at 01:50 local time: delete the new phones and e-mails customers typed for confirmation
    # once settled for a week (dsr.services.profile.CONTACT_CHANGES_KEPT_FOR).
    "purge-contact-changes": beat_entry("dsr.purge_contact_changes", crontab(hour=1, minute=50), expires=DAY),
    # Every hour at :35: an identity check a requester started by a code and left unfinished a day lapses,
    # and they are told what to do (dsr.services.identity_lapse).
    "lapse-identity-checks": beat_entry("dsr.lapse_identity_checks", crontab(minute=35), expires=HOUR),
    # Every night at 01:52 local time: empty the hash of identity-check codes that expired on requests
    # never verified (dsr.services.identity_codes); the requests stay.
    "purge-identity-codes": beat_entry("dsr.purge_identity_codes", crontab(hour=1, minute=52), expires=DAY),
    # Every night at 01:55 local time: empty the address and body of e-mails and SMS sent or cancelled
    # more than OUTBOX_CONTENT_KEPT_DAYS ago.
    "purge-delivered-outbox": beat_entry(
        "integrations.purge_delivered_outbox", crontab(hour=1, minute=55), expires=DAY
    ),
    # Every hour at :02: remove the staff roles granted until a day that has passed (a contractor, a deputy
    # acting for the DPO), so a role ends within the first hour after its last day.
    "expire-roles": beat_entry("accounts.expire_roles", crontab(minute=2), expires=HOUR),
    # Every night at 02:00 local time: delete sign-ins older than SIGN_IN_LOG_KEPT_DAYS from the sign-in log.
    "purge-sign-in-logs": beat_entry("accounts.purge_sign_in_logs", crontab(hour=2, minute=0), expires=DAY),
    # Every night at 02:10 local time: delete the input files (CSV imports, naming customers) that no live
    # background job will read, a day old (integrations.jobs.JOB_INPUT_ORPHANED_AFTER).
    "purge-job-inputs": beat_entry("integrations.purge_job_inputs", crontab(hour=2, minute=10), expires=DAY),
    # Every night at 02:15 local time: delete expired OAuth codes and access tokens, and refresh tokens
    # OAUTH_REFRESH_TOKEN_SECONDS after revocation or idle (the toolkit's `cleartokens`, audited).
    "purge-expired-oauth-tokens": beat_entry(
        "authorisations.clear_expired_tokens", crontab(hour=2, minute=15), expires=DAY
    ),
    # Every night at 02:05 local time: delete expired browser sessions (Django's `clearsessions`, audited).
    "purge-expired-sessions": beat_entry(
        "accounts.purge_expired_sessions", crontab(hour=2, minute=5), expires=DAY
    ),
    # Every day at 08:00 local time: the deadline report to the DPO (HTML e-mail, CSV attached).
    "deadline-report-daily": beat_entry(
        "dsr.send_deadline_report", crontab(hour=8, minute=0), expires=DAY, kwargs={"kind": "daily"}
    ),
    # Every Monday at 08:05 local time: the weekly summary of the week before.
    "deadline-report-weekly": beat_entry(
        "dsr.send_deadline_report",
        crontab(hour=8, minute=5, day_of_week=1),
        expires=7 * DAY,
        kwargs={"kind": "weekly"},
    ),
    # On the 1st of every month at 08:10 local time: the monthly report (printable for the regulator).
    "deadline-report-monthly": beat_entry(
        "dsr.send_deadline_report",
        crontab(hour=8, minute=10, day_of_month=1),
        expires=28 * DAY,
        kwargs={"kind": "monthly"},
    ),
    # Every five minutes: a purpose version whose date has come gives the purpose its new scope.
    "apply-purpose-versions": beat_entry("consents.apply_purpose_versions", 5 * MINUTE, expires=5 * MINUTE),
    # Every hour: send notice-change announcements whose lead time has come, and ask for fresh
    # consent where a material change has taken effect.
    "run-notice-announcements": beat_entry("regulator.run_announcements", crontab(minute=20), expires=HOUR),
}
