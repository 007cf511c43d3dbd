"""The Celery app and the whole beat schedule, in one place.

Beat entries are kebab-case, carry their cadence in words, and expire after about one interval so a
backlog after downtime does not run the same sweep many times over.
"""
from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("quyen_du_lieu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

DAY = 24 * 60 * 60

app.conf.beat_schedule = {
    # Every night at 02:30 local time: recompute the audit hash chain, alert the DPO when broken.
    "verify-audit-chain": {
        "task": "audit.verify_chain",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": DAY},
    },
    # Every minute: hand due outbox messages (webhooks, retries after backoff) to delivery tasks.
    "dispatch-due-outbox": {
        "task": "core.dispatch_due_outbox",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # Every hour: record the expiry of consents past their expiry time (the check already refuses them).
    "expire-due-consents": {
        "task": "consents.expire_due",
        "schedule": 60.0 * 60,
        "options": {"expires": 60 * 60},
    },
}
