"""The nightly jobs and the e-mail outbox: retention deletion, the audit alert, e-mail delivery with
retries and parking, surviving a broker outage, and customers hearing of their requests."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from audit import tasks as audit_tasks
from audit.selectors import ChainVerification
from core.actors import Actor, actor_for_user
from dsr import services
from dsr import tasks as dsr_tasks
from dsr.models import DeletionRecord, LegalHold, OutcomeReason
from integrations import delivery, outbox
from integrations import tasks as integration_tasks
from integrations.delivery import outbox_deliver
from integrations.jobs import job_create, job_dispatch_on_commit
from integrations.models import BackgroundJob, OutboxMessage
from integrations.outbox import outbox_enqueue_email, outbox_retry
from integrations.states import JobStatus
from tests.dsr.factories import STAFF, make_inventory, verified_request
from tests.jobs.factories import NOW, staff

pytestmark = pytest.mark.django_db


def _email(now=NOW, key="k1"):
    return outbox_enqueue_email(
        to="someone@bank.test",
        template="integrations/email/audit_chain_broken",
        context={"entries": 3, "first_invalid": 2},
        topic="test",
        dedupe_key=key,
        now=now,
    )


# ---------------------------------------------------------------------------- retention


def test_nightly_retention_deletes_held_data_once(subject, privacy_officer, dpo, monkeypatch):
    type(subject).objects.filter(pk=subject.pk).update(relationship_ended_on=timezone.localdate())
    make_inventory()
    actor = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=actor)
    for task in request.tasks.all():
        services.task_complete(actor=STAFF, task_id=task.pk, note="erased")
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    services.request_complete(actor=actor, request_id=request.pk)
    held = LegalHold.objects.filter(released_at__isnull=True).count()
    assert held and dsr_tasks.release_legal_holds() == 0  # not yet due
    later = timezone.now() + timedelta(days=5 * 366)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    requeued = []
    monkeypatch.setattr(dsr_tasks, "BATCH", 1)
    monkeypatch.setattr(dsr_tasks.release_legal_holds, "delay", lambda: requeued.append(1))
    assert dsr_tasks.release_legal_holds() == 1 and requeued == [1]  # a full batch asks for another run
    monkeypatch.setattr(dsr_tasks, "BATCH", 100)
    assert dsr_tasks.release_legal_holds() == held - 1
    assert dsr_tasks.release_legal_holds() == 0
    # The platform erased its own part; each other system has an erase task, and its confirmation
    # writes the record.
    for task in request.tasks.filter(hold__isnull=False, status="open"):
        services.task_complete(actor=STAFF, task_id=task.pk, note="erased")
    assert DeletionRecord.objects.filter(hold__isnull=False).count() == held


# ---------------------------------------------------------------------------- audit alert


def test_broken_audit_chain_alerts_the_dpo(monkeypatch):
    staff("chi", "dpo")
    broken = ChainVerification(valid=False, entries=10, first_invalid=7, reason="hash mismatch")
    monkeypatch.setattr("audit.services.chain.audit_chain_verify", lambda **kwargs: broken)
    assert audit_tasks.verify_chain() is False
    (message,) = OutboxMessage.objects.filter(topic="audit.chain.broken")
    outbox_deliver(message.pk, now=timezone.now())
    (email,) = mail.outbox
    assert email.to == ["chi@bank.test"] and "7" in email.body


def test_intact_audit_chain_sends_nothing():
    staff("chi", "dpo")
    assert audit_tasks.verify_chain() is True
    assert not OutboxMessage.objects.filter(topic="audit.chain.broken").exists()


# ---------------------------------------------------------------------------- e-mail outbox


def test_email_is_rendered_on_delivery_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first, again = _email(), _email()
    assert first.pk == again.pk and len(callbacks) == 1
    assert outbox_deliver(first.pk, now=NOW).status == OutboxMessage.Status.SENT
    assert outbox_deliver(first.pk, now=NOW) is None
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("[QDL] ")


def test_mail_server_down_retries_with_backoff_then_parks(monkeypatch, dpo):
    def refuse(self, messages):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    message = _email()
    now = NOW
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        message = outbox_deliver(message.pk, now=now)
        assert message.attempts == attempt and "ConnectionRefusedError" in message.last_error
        now = message.next_attempt_at
    assert message.status == OutboxMessage.Status.PARKED
    monkeypatch.undo()
    retried = outbox_retry(actor=actor_for_user(dpo), message_id=message.pk, now=now)
    assert retried.status == OutboxMessage.Status.PENDING and retried.attempts == 0
    assert outbox_deliver(message.pk, now=now).status == OutboxMessage.Status.SENT


def test_broker_outage_loses_nothing(monkeypatch, django_capture_on_commit_callbacks):
    """Enqueued while the broker is unreachable: the change commits, the message waits, and the
    every-minute sweep hands it to a worker once the broker is back."""

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(integration_tasks.deliver_outbox_message, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        message = _email()  # no exception escapes the commit
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.PENDING
    monkeypatch.setattr(integration_tasks.dispatch_due_outbox, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.dispatch_sweep_on_commit()
    # The broker is back: beat's sweep dispatches it and a worker delivers it.
    handed = []
    monkeypatch.setattr(integration_tasks.deliver_outbox_message, "delay", handed.append)
    assert integration_tasks.dispatch_due_outbox() == 1
    for message_id in handed:
        integration_tasks.deliver_outbox_message(message_id)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_only_a_parked_message_can_be_retried(dpo):
    from core.errors import Conflict

    message = _email()
    with pytest.raises(Conflict):
        outbox_retry(actor=actor_for_user(dpo), message_id=message.pk)


# ---------------------------------------------------------------------------- customers


def test_customer_hears_of_receipt_acknowledgement_and_rejection(subject):
    request = verified_request(subject)
    services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Trùng yêu cầu"
    )
    topics = list(
        OutboxMessage.objects.filter(subject_id=subject.pk, kind="email")
        .order_by("created_at")
        .values_list("topic", flat=True)
    )
    assert topics == ["dsr.customer.received", "dsr.customer.acknowledged", "dsr.customer.rejected"]
    rejected = OutboxMessage.objects.get(topic="dsr.customer.rejected")
    assert rejected.destination == subject.email
    outbox_deliver(rejected.pk, now=timezone.now())
    (email,) = mail.outbox
    assert request.reference in email.subject
    with translation.override(settings.LANGUAGE_CODE):
        assert str(OutcomeReason.MANIFESTLY_UNFOUNDED.label) in email.body  # the legal reason, in words


def test_customer_hears_of_an_extension(subject):
    request = verified_request(subject)
    services.request_extend(
        actor=STAFF, request_id=request.pk, note="Third-party records needed", now=request.received_at
    )
    assert OutboxMessage.objects.filter(topic="dsr.customer.extended", subject_id=subject.pk).count() == 1


def test_customer_without_email_is_not_written_to(subject):
    type(subject).objects.filter(pk=subject.pk).update(email="")
    subject.refresh_from_db()
    verified_request(subject)
    assert not OutboxMessage.objects.filter(kind="email").exists()


def test_a_job_is_dispatched_on_commit_and_waits_for_the_sweep_while_the_broker_is_down(
    django_capture_on_commit_callbacks, caplog
):
    handed = []
    reachable = SimpleNamespace(name="tests.job", delay=handed.append)

    def unreachable_delay(job_id):
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    unreachable = SimpleNamespace(name="tests.job", delay=unreachable_delay)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            sent = job_create(actor=Actor.system("tests"), kind="tests.job")
            job_dispatch_on_commit(reachable, sent)
            assert handed == []  # not before the commit
    assert handed == [str(sent.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            waiting = job_create(actor=Actor.system("tests"), kind="tests.job")
            job_dispatch_on_commit(unreachable, waiting)  # no exception escapes the commit
    assert BackgroundJob.objects.get(pk=waiting.pk).status == JobStatus.QUEUED
    assert "deferred to the stale-job sweep" in caplog.text
