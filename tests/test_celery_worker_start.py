"""What a Celery worker process does once started (config/celery.py)."""

from __future__ import annotations

import gc

from celery.signals import worker_process_init


def test_a_worker_process_takes_its_startup_objects_out_of_the_collectors_sight():
    # Full collections would otherwise walk every object of Django and the apps, on each sweep.
    assert gc.get_freeze_count() == 0
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
