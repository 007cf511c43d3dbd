"""The background-job machine (issue #11): `job_allowed_actions` offers "cancel" exactly where
`job_cancel` would succeed, by the same table (`JOB_MACHINE`, `CANCEL_TO`)."""

from __future__ import annotations

import pytest

from core.actors import Actor
from core.errors import InvalidTransition
from integrations.jobs import job_allowed_actions, job_cancel, job_create, job_transition
from integrations.models import BackgroundJob
from integrations.states import JOB_MACHINE, JobStatus

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def _job(status: str) -> BackgroundJob:
    job = job_create(actor=ACTOR, kind="tests.noop")
    BackgroundJob.objects.filter(pk=job.pk).update(status=status)
    return BackgroundJob.objects.get(pk=job.pk)


def test_the_table_covers_every_status():
    assert JOB_MACHINE.statuses == set(JobStatus.values)
    assert JOB_MACHINE.terminal == {JobStatus.CANCELLED, JobStatus.DONE, JobStatus.FAILED}


@pytest.mark.parametrize("status", JobStatus.values)
def test_cancel_is_offered_exactly_where_it_succeeds(status):
    job = _job(status)
    offered = "cancel" in job_allowed_actions(job, ACTOR)
    assert offered == (status in (JobStatus.QUEUED, JobStatus.RUNNING))
    if offered:
        job_cancel(actor=ACTOR, job_id=job.pk)
    else:
        with pytest.raises(InvalidTransition):
            job_cancel(actor=ACTOR, job_id=job.pk)


def test_a_refused_job_move_is_409():
    job = _job(JobStatus.DONE)
    with pytest.raises(InvalidTransition) as refused:
        job_transition(actor=ACTOR, job_id=job.pk, to=JobStatus.RUNNING)
    assert refused.value.status == 409
