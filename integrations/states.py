"""The background-job state machine: its statuses, the one table of allowed moves and the terminal set.

`integrations.jobs.job_transition` is the only code that applies a move. Read as "from this status,
these are allowed next". A job is queued when its record and input are committed, running while a
worker holds it, cancelling once someone asked it to stop (the worker stops between two batches).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StateMachine


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    CANCELLING = "cancelling", _("Cancelling")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


J = JobStatus

JOB_MACHINE = StateMachine({
    J.QUEUED: {J.RUNNING, J.CANCELLED, J.FAILED},
    # running → running is a resume after a worker died (stale heartbeat): the new worker takes over.
    J.RUNNING: {J.RUNNING, J.CANCELLING, J.DONE, J.FAILED},
    # The worker notices between batches; a job that ends meanwhile still ends as it did.
    J.CANCELLING: {J.CANCELLED, J.DONE, J.FAILED},
    J.CANCELLED: set(),
    J.DONE: set(),
    J.FAILED: set(),
})
# Asking a job to stop: a queued job is cancelled at once, a running one stops after its batch.
CANCEL_TO: dict[str, str] = {J.QUEUED: J.CANCELLED, J.RUNNING: J.CANCELLING}
