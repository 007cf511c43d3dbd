"""Celery tasks of the deadlines area: the sweeper that reminds before deadlines and records breaches.

Thin: call the service. The sweep handles a bounded batch and re-enqueues itself while the batch was
full, so a backlog drains in steps that each fit the time limit.
"""

from __future__ import annotations

from celery import shared_task

from deadlines.clocks import deadlines_sweep


@shared_task(name="core.sweep_deadlines", ignore_result=True, time_limit=120, soft_time_limit=100)
def sweep_deadlines() -> dict:
    """Remind before deadlines and record breaches for every clock source (every minute)."""
    result = deadlines_sweep()
    if result.full:
        sweep_deadlines.delay()
    return {"reminders": result.reminders, "breaches": result.breaches}
