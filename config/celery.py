"""The Celery app and the whole beat schedule, in one place.

Beat entries are kebab-case, carry their cadence in words, and expire after about one interval so a
backlog after downtime does not run the same sweep many times over.

Run exactly one beat (`celery -A config beat`): it uses django-celery-beat's DatabaseScheduler, which
copies these entries into its PeriodicTask rows at start-up; the DPO then changes report times on
the "Reminders and schedules" page (or in the admin), and beat picks the change up within minutes.
Two beats would send every job twice.
"""
from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("quyen_du_lieu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

app.conf.beat_schedule = {
    # Every night at 02:30 local time: verify the audit chain from the last signed checkpoint's head
    # on, alert the DPO when broken.
    "verify-audit-chain": {
        "task": "audit.verify_chain",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": DAY},
    },
    # Every Sunday at 03:30 local time: verify the whole audit chain, from its first entry.
    "verify-audit-chain-full": {
        "task": "audit.verify_chain",
        "schedule": crontab(hour=3, minute=30, day_of_week=0),
        "kwargs": {"full": True},
        "options": {"expires": 7 * DAY},
    },
    # Every hour at :05: verify the audit chain since the last checkpoint and append a signed
    # checkpoint of its head outside the database (AUDIT_CHECKPOINT_DIR, and e-mail when configured).
    "write-audit-checkpoint": {
        "task": "audit.write_checkpoint",
        "schedule": crontab(minute=5),
        "options": {"expires": HOUR},
    },
    # Every minute: hand due outbox messages (webhooks, retries after backoff) to delivery tasks.
    "dispatch-due-outbox": {
        "task": "core.dispatch_due_outbox",
        "schedule": MINUTE,
        "options": {"expires": MINUTE},
    },
    # Every minute: hand background jobs (CSV imports) whose worker died or never came back to a
    # worker; they resume from their cursor.
    "resume-stale-jobs": {
        "task": "integrations.resume_stale_jobs",
        "schedule": MINUTE,
        "options": {"expires": MINUTE},
    },
    # Every hour: forget Idempotency-Key answers older than a week (they may quote personal data).
    "expire-idempotency-keys": {
        "task": "integrations.expire_idempotency_keys",
        "schedule": crontab(minute=40),
        "options": {"expires": HOUR},
    },
    # Every hour: record the expiry of consents past their expiry time (the check already refuses them).
    "expire-due-consents": {
        "task": "consents.expire_due",
        "schedule": HOUR,
        "options": {"expires": HOUR},
    },
    # Every hour at :10: expire third-party authorisations whose term has ended (tokens stop with them).
    "expire-due-authorisations": {
        "task": "authorisations.expire_due",
        "schedule": crontab(minute=10),
        "options": {"expires": HOUR},
    },
    # Every day at 09:00 local time: tell customers of authorisations that end within 7 days.
    "authorisation-expiry-notices": {
        "task": "authorisations.notify_expiring",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": DAY},
    },
    # Every day at 09:15 local time: the 90-day summary of active authorisations, to each customer due.
    "authorisation-summaries": {
        "task": "authorisations.send_summaries",
        "schedule": crontab(hour=9, minute=15),
        "options": {"expires": DAY},
    },
    # Every minute: remind before deadlines, record and escalate breaches, for every clock source.
    "sweep-deadlines": {
        "task": "core.sweep_deadlines",
        "schedule": MINUTE,
        "options": {"expires": MINUTE},
    },
    # Every night at 01:30 local time: delete what has reached the end of its legal hold.
    "release-legal-holds": {
        "task": "dsr.release_legal_holds",
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": DAY},
    },
    # Every night at 00:20 local time: create the next three months' partitions of the history tables
    # (consent events, audit entries, outbox, access records) before any row can need them.
    "ensure-partitions": {
        "task": "core.ensure_partitions",
        "schedule": crontab(hour=0, minute=20),
        "options": {"expires": DAY},
    },
    # Every night at 01:45 local time: empty exports whose download window has closed.
    "purge-expired-exports": {
        "task": "dsr.purge_expired_exports",
        "schedule": crontab(hour=1, minute=45),
        "options": {"expires": DAY},
    },
    # Every day at 08:00 local time: the deadline report to the DPO (HTML e-mail, CSV attached).
    "deadline-report-daily": {
        "task": "dsr.send_deadline_report",
        "schedule": crontab(hour=8, minute=0),
        "kwargs": {"kind": "daily"},
        "options": {"expires": DAY},
    },
    # Every Monday at 08:05 local time: the weekly summary of the week before.
    "deadline-report-weekly": {
        "task": "dsr.send_deadline_report",
        "schedule": crontab(hour=8, minute=5, day_of_week=1),
        "kwargs": {"kind": "weekly"},
        "options": {"expires": 7 * DAY},
    },
    # On the 1st of every month at 08:10 local time: the monthly report (printable for the regulator).
    "deadline-report-monthly": {
        "task": "dsr.send_deadline_report",
        "schedule": crontab(hour=8, minute=10, day_of_month=1),
        "kwargs": {"kind": "monthly"},
        "options": {"expires": 28 * DAY},
    },
    # Every five minutes: a purpose version whose date has come gives the purpose its new scope.
    "apply-purpose-versions": {
        "task": "consents.apply_purpose_versions",
        "schedule": 5 * MINUTE,
        "options": {"expires": 5 * MINUTE},
    },
    # Every hour: send notice-change announcements whose lead time has come, and ask for fresh
    # consent where a material change has taken effect.
    "run-notice-announcements": {
        "task": "regulator.run_announcements",
        "schedule": crontab(minute=20),
        "options": {"expires": HOUR},
    },
}
