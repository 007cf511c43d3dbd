"""Celery tasks of the authorisations app; the schedule is in config/celery.py."""

from __future__ import annotations

from celery import shared_task

from authorisations import services


@shared_task(name="authorisations.expire_due")
def expire_due() -> int:
    done = services.authorisations_expire_due()
    if done >= services.clocks.BATCH:
        expire_due.delay()
    return done


@shared_task(name="authorisations.notify_expiring")
def notify_expiring() -> int:
    done = services.authorisations_notify_expiring()
    if done >= services.clocks.BATCH:
        notify_expiring.delay()
    return done


@shared_task(name="authorisations.send_summaries")
def send_summaries() -> int:
    done = services.authorisations_send_summaries()
    if done >= services.clocks.BATCH:
        send_summaries.delay()
    return done
