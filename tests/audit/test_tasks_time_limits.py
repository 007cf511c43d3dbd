"""The weekly whole-chain verification (and the first hourly checkpoint, which has no checkpoint to
start from) walk the whole audit trail serially in one Celery task. docs/deployment.md sizes the trail at
10,000,000 entries and measured the serial walk at 268.7 s on the shared machine; the tasks ran under the
worker's global limits (config/settings.py: soft 240 s, hard 300 s), and a task killed at its limit
recorded no outcome and e-mailed nobody. (From the operations review, "running it at a bank".)"""
from __future__ import annotations

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from audit.checkpoints import checkpoints_read
from audit.models import AuditEntry
from audit.selectors import audit_chain_last_full_check, chain
from audit.services import audit_checkpoint_write, audit_record
from audit.tasks import verify_chain, write_checkpoint
from config.celery import app
from core.actors import Actor
from core.roles import Role
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.factories import UserFactory

SYSTEM = Actor.system("tests")
# docs/deployment.md, "Sizing": audit chain verification of 10,000,000 entries, serial: 268.7 s.
DOCUMENTED_SERIAL_SECONDS_FOR_10M = 268.7


@pytest.fixture
def dpo(db):
    """A DPO with an address to write to (the shared `dpo` fixture has none, and is written nothing)."""
    return UserFactory(username="dpo_on_call", role=Role.DPO, email="dpo.on.call@bank.test")


def _effective_limits(task) -> tuple[float | None, float | None]:
    """(soft, hard) seconds a worker gives the task: its own, else the app's."""
    soft = task.soft_time_limit if task.soft_time_limit is not None else app.conf.task_soft_time_limit
    hard = task.time_limit if task.time_limit is not None else app.conf.task_time_limit
    return soft, hard


def _write(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            audit_record(action="core.token.issued", actor=SYSTEM, data={"i": i})


def _stopped_by_the_worker(*args, **kwargs):
    raise SoftTimeLimitExceeded()  # what the worker raises in the task at its soft limit


@pytest.mark.parametrize("task", [verify_chain, write_checkpoint], ids=["weekly-full-check", "checkpoint"])
def test_the_whole_chain_jobs_are_given_the_time_the_documented_trail_needs(task):
    soft, hard = _effective_limits(task)
    for limit in (soft, hard):
        assert limit is None or limit > DOCUMENTED_SERIAL_SECONDS_FOR_10M, (
            f"{task.name} is stopped after {limit} s, before a serial walk of the 10M-entry trail "
            f"docs/deployment.md sizes for ({DOCUMENTED_SERIAL_SECONDS_FOR_10M} s) can end"
        )


@pytest.mark.parametrize("task", [verify_chain, write_checkpoint], ids=["weekly-full-check", "checkpoint"])
def test_the_whole_chain_jobs_end_before_redis_hands_them_to_another_worker(task):
    """Tasks are acknowledged late: one still running when Redis's visibility timeout passes is delivered
    to a second worker, which walks the chain again beside the first."""
    soft, hard = _effective_limits(task)
    assert soft is not None and hard is not None
    assert soft < hard < settings.REDIS_VISIBILITY_TIMEOUT


@pytest.mark.django_db
def test_a_weekly_verification_stopped_by_its_time_limit_tells_the_dpo(monkeypatch, dpo):
    _write(3)
    monkeypatch.setattr(chain, "_walk", _stopped_by_the_worker)
    try:
        verify_chain(full=True)
    except SoftTimeLimitExceeded:
        pass

    outcomes = AuditEntry.objects.filter(action__startswith="audit.chain.")
    assert outcomes.exists(), "the weekly check ended with no recorded outcome"
    assert OutboxMessage.objects.filter(topic__startswith="audit.chain").exists(), "no DPO was told"
    (outcome,) = outcomes
    assert outcome.action == "audit.chain.unfinished"
    assert outcome.data == {"job": "audit.verify_chain", "scope": "full", "limit_seconds": 25 * 60}
    # Not a verification a document may cite: the proof bundle keeps citing the last finished one.
    assert audit_chain_last_full_check() is None


@pytest.mark.django_db
def test_a_check_stopped_mid_walk_still_records_its_outcome(monkeypatch, dpo):
    """Stopped while the stream of entries is open (on PostgreSQL: a transaction with a server-side
    cursor): the outcome's own transaction must not find itself nested in the stream's."""
    _write(5)
    seal_problem, seen = chain.entry_seal_problem, []

    def stopped_on_the_third_entry(entry, **kwargs):
        seen.append(entry.sequence)
        if len(seen) == 3:
            raise SoftTimeLimitExceeded()
        return seal_problem(entry, **kwargs)

    monkeypatch.setattr(chain, "entry_seal_problem", stopped_on_the_third_entry)

    assert verify_chain(full=True) is False

    assert AuditEntry.objects.filter(action="audit.chain.unfinished").count() == 1
    assert OutboxMessage.objects.filter(topic="audit.chain.unfinished").count() == 1


@pytest.mark.django_db
def test_the_first_checkpoint_stopped_by_its_time_limit_tells_the_dpo_in_their_words(monkeypatch, dpo):
    """After an upgrade no checkpoint is on file: the hourly job walks the whole trail, and until one such
    walk ends no checkpoint is ever written."""
    _write(3)
    monkeypatch.setattr(chain, "_walk", _stopped_by_the_worker)

    assert write_checkpoint() is False

    assert checkpoints_read().checkpoints == []
    outcome = AuditEntry.objects.get(action="audit.chain.unfinished")
    assert outcome.data["job"] == "audit.write_checkpoint" and outcome.data["scope"] == "full"
    message = OutboxMessage.objects.get(topic="audit.chain.unfinished")
    outbox_deliver(message.pk, now=timezone.now())
    (email,) = mail.outbox  # in the DPO's language, Vietnamese by default
    assert email.to == [dpo.email]
    assert "Việc kiểm tra nhật ký kiểm toán chưa hoàn tất" in email.subject
    assert "toàn bộ nhật ký kiểm toán (audit.write_checkpoint)" in email.body and "25 phút" in email.body


@pytest.mark.django_db
def test_a_later_checkpoint_stopped_says_it_read_from_the_last_one(monkeypatch, dpo):
    _write(3)
    audit_checkpoint_write()
    _write(2)
    monkeypatch.setattr(chain, "_walk", _stopped_by_the_worker)

    assert write_checkpoint() is False

    outcome = AuditEntry.objects.get(action="audit.chain.unfinished")
    assert outcome.data["scope"] == "since_checkpoint"
    assert [c.sequence for c in checkpoints_read().checkpoints] == [3]
