"""How far each purpose-change stop has got (`consents.services.scope_stops`), for the DPO on the
purpose's page: what it stops, how many live consents its job has done of how many, and when it ran."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from consents.models import Purpose, PurposeChangeStops
from consents.selectors.withdrawals import CAUSE_PURPOSE_RETIRED, CAUSE_PURPOSE_WIDENED
from core.labels import in_reader_language
from integrations.states import JobStatus


@dataclass
class StopsProgress:
    """One change's job. `total` is None until the job counted the consents it must go through."""

    retired: bool
    effective_at: datetime
    status: str
    done: int
    total: int | None
    started_at: datetime | None
    finished_at: datetime | None
    recipients: list[str] = field(default_factory=list)
    # A widening's pause of the recipients it still names, under the consents to older versions.
    widened: bool = False

    @property
    def status_label(self) -> str:
        return str(JobStatus(self.status).label)


def purpose_stops_progress(purpose: Purpose) -> list[StopsProgress]:
    """The purpose's changes telling recipients to stop, the latest first, each with its job's progress
    and the recipients it stops (named in the reader's language): one query, a row per change and
    recipient."""
    links = (
        PurposeChangeStops.recipients.through.objects.filter(
            purposechangestops__purpose=purpose, purposechangestops__job__isnull=False
        )
        .select_related("purposechangestops__job", "recipient")
        .order_by("-purposechangestops__effective_at", "purposechangestops_id", "recipient__name")
    )
    runs: dict = {}
    for link in links:
        change, job = link.purposechangestops, link.purposechangestops.job
        run = runs.setdefault(change.pk, StopsProgress(
            retired=change.cause == CAUSE_PURPOSE_RETIRED, effective_at=change.effective_at,
            status=job.status, done=job.rows_done, total=job.rows_total, started_at=job.started_at,
            finished_at=job.finished_at, widened=change.cause == CAUSE_PURPOSE_WIDENED,
        ))
        run.recipients.append(in_reader_language(link.recipient.name, link.recipient.name_en))
    return list(runs.values())
