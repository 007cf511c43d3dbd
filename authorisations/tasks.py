"""Celery tasks of the authorisations app; the schedule is in config/celery.py."""

from __future__ import annotations

from celery import shared_task

from authorisations import services


def _again_if_full(task, done: int) -> int:
    """A full batch means more are due: the task queues itself again at once."""
    if done >= services.clocks.BATCH:
        task.delay()
    return done


@shared_task(name="authorisations.expire_due")
def expire_due() -> int:
    return _again_if_full(expire_due, services.authorisations_expire_due())


@shared_task(name="authorisations.notify_expiring")
def notify_expiring() -> int:
    return _again_if_full(notify_expiring, services.authorisations_notify_expiring())


@shared_task(name="authorisations.send_summaries")
def send_summaries() -> int:
    return _again_if_full(send_summaries, services.authorisations_send_summaries())
