"""Faults in the asynchronous half: the broker stopped, a worker killed in the middle of a delivery.

Both run a private redis-server (on a free port) and a real `celery -A config worker`, so they are
marked `faults` and skip where redis-server is missing (CI installs it and must run them).
"""

from __future__ import annotations

import os
import signal

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from consents.models import Consent, ConsentStatus
from core.roles import Role
from integrations.models import OutboxMessage, WebhookEndpoint
from integrations.outbox import outbox_enqueue_webhook
from integrations.tasks import dispatch_due_outbox
from tests.consents.factories import make_purpose, make_recipient
from tests.factories import UserFactory, make_subject, make_token
from tests.reliability.figures import FaultFigures, audit_verdict, duplicates, report
from tests.reliability.servers import (
    PrivateRedis,
    Receiver,
    children_of,
    point_celery_at,
    start_worker,
    stop,
    wait_until,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_redis(settings, tmp_path_factory):
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    settings.REDIS_URL = settings.CELERY_BROKER_URL = server.url
    previous_url, previous_options = point_celery_at(server.url, {"visibility_timeout": 3600})
    yield server
    server.stop()
    point_celery_at(previous_url, previous_options)


def _api() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(UserFactory(role=Role.CLIENT))}")
    return client


def test_consents_recorded_while_redis_is_down_are_kept_and_notified_once_it_is_back(private_redis, tmp_path):
    with Receiver() as receiver:
        recipient = make_recipient("Fault partner", client=UserFactory(role=Role.CLIENT), url=receiver.url)
        purpose = make_purpose("fault-sharing", category="sharing", recipients=[recipient])
        subjects = [make_subject() for _ in range(5)]
        api = _api()

        private_redis.stop()
        health = api.get("/healthz")
        assert health.status_code == 503 and health.json()["broker"] == "down"
        statuses = []
        for subject in subjects:
            body = {
                "subject": subject.external_ref,
                "purpose": purpose.code,
                "notice_version": "v1",
                "channel": "api",
                "session": "app-session-1",
            }
            statuses.append(api.post("/api/v1/consents/", body, format="json").status_code)
        assert statuses == [201] * 5
        consents = list(Consent.objects.filter(purpose=purpose).order_by("granted_at"))
        # Withdrawals by consent and by customer, each queueing a notice to the recipient.
        for consent in consents[:4]:
            response = api.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "api"}, format="json")
            statuses.append(response.status_code)
            assert response.status_code == 200, response.content
        last = {"subject": subjects[4].external_ref, "purposes": [purpose.code], "channel": "api"}
        statuses.append(api.post("/api/v1/consents/withdraw/", last, format="json").status_code)
        assert statuses[-1] == 200

        # Nothing lost: every withdrawal committed, its notice waits in the outbox.
        assert Consent.objects.filter(purpose=purpose, status=ConsentStatus.WITHDRAWN).count() == 5
        notices = OutboxMessage.objects.filter(endpoint=recipient.endpoint)
        assert notices.count() == 5
        assert set(notices.values_list("status", flat=True)) == {OutboxMessage.Status.PENDING}
        assert receiver.requests == []

        private_redis.start()
        worker = start_worker(private_redis.url, log=tmp_path / "worker.log")
        try:
            # What beat's `dispatch-due-outbox` entry sends every minute.
            dispatch_due_outbox.delay()
            wait_until(
                lambda: not notices.exclude(status=OutboxMessage.Status.SENT).exists(),
                timeout=60,
                what="every notice sent",
            )
            # A second sweep finds nothing due: no notice goes out twice.
            dispatch_due_outbox.delay()
            wait_until(
                lambda: (
                    _log(tmp_path).count("Task core.dispatch_due_outbox[") >= 4
                ),  # received + succeeded, twice
                timeout=30,
                what="the second sweep",
            )
        finally:
            stop(worker)
        expected = sorted(str(pk) for pk in notices.values_list("pk", flat=True))
        report(FaultFigures(
            "Redis (broker) down while consents are granted and withdrawn",
            operations=len(statuses), successes=sum(s < 300 for s in statuses),
            server_errors=sum(s >= 500 for s in statuses), notices_expected=len(expected),
            notices_delivered=len(set(receiver.processed)),
            duplicates_acted_on=duplicates(receiver.processed),
            audit_verify=audit_verdict(),
        ))
        assert sorted(d for d, _ in receiver.requests) == expected
        assert sorted(receiver.processed) == expected
        assert set(notices.values_list("attempts", flat=True)) == {1}


def _log(tmp_path) -> str:
    return (tmp_path / "worker.log").read_text(errors="replace")


def test_a_worker_killed_mid_delivery_runs_the_task_again_and_the_notice_is_processed_once(
    private_redis, tmp_path
):
    with Receiver() as receiver:
        receiver.stall = True
        endpoint = WebhookEndpoint.objects.create(
            client=UserFactory(role=Role.CLIENT), name="stalling", url=receiver.url, secret="kill-secret"
        )
        worker = start_worker(private_redis.url, pool="prefork", log=tmp_path / "worker.log")
        try:
            with transaction.atomic():
                message = outbox_enqueue_webhook(
                    endpoint=endpoint,
                    topic="consent.withdrawn",
                    payload={"duty": "d-kill"},
                    dedupe_key="kill-1",
                )
            wait_until(
                receiver.first_arrived.is_set, timeout=60, what="the first delivery to reach the receiver"
            )
            (child,) = children_of(worker.pid)
            os.kill(child, signal.SIGKILL)

            # acks_late + reject_on_worker_lost: the message goes back to the queue and a fresh pool
            # process runs the task again. The row is leased (attempts=1, next try in the future), so
            # the rerun sends nothing while the first attempt's outcome is unknown.
            wait_until(
                lambda: _log(tmp_path).count("] received") >= 2 and "] succeeded" in _log(tmp_path),
                timeout=60,
                what="the task to run again",
            )
            assert "WorkerLostError" in _log(tmp_path)
            message.refresh_from_db()
            assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
            assert len(receiver.requests) == 1

            # When the lease runs out the sweep sends it again, under the same delivery id.
            OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
            dispatch_due_outbox.delay()
            wait_until(
                lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SENT,
                timeout=60,
                what="the notice to be sent",
            )
        finally:
            receiver.release.set()
            stop(worker)
        message.refresh_from_db()
        assert message.attempts == 2
        report(FaultFigures(
            "Celery pool process killed in the middle of a webhook delivery",
            operations=1, successes=1, notices_expected=1, notices_delivered=len(set(receiver.processed)),
            duplicates_acted_on=duplicates(receiver.processed), audit_verify=audit_verdict(),
            note=f"{len(receiver.requests)} HTTP deliveries of one notice (same id and body); acted on once",
        ))
        (first_id, first_body), (second_id, second_body) = receiver.requests
        assert first_id == second_id == str(message.pk) and first_body == second_body
        # The receiver, deduplicating on X-QDL-Delivery, acted on the notice once.
        assert receiver.processed == [str(message.pk)]
