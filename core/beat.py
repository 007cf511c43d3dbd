"""The beat scheduler: django-celery-beat's DatabaseScheduler, except that a schedule the DPO changed
on the "Reminders and schedules" page survives a beat restart.

Upstream, every start copies `config/celery.py`'s entries over their database rows, which would undo
the DPO's report times. Here an entry whose row is marked as changed by the DPO keeps its row; every
other entry is still written from `config/celery.py`, which stays the one place that declares jobs.
"""

from __future__ import annotations

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler as _DatabaseScheduler

CHANGED_BY_DPO = "Schedule changed by the DPO"


class DatabaseScheduler(_DatabaseScheduler):
    def update_from_dict(self, mapping):
        kept = set(
            PeriodicTask.objects.filter(name__in=list(mapping), description=CHANGED_BY_DPO).values_list(
                "name", flat=True
            )
        )
        super().update_from_dict({name: entry for name, entry in mapping.items() if name not in kept})
