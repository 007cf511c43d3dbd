"""The clocks: a receipt e-mail (and webhook) on every change, the notice 7 days before the end, the
summary every 90 days; each sent once however often the job runs."""

from __future__ import annotations

import json
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from authorisations import services
from core.actors import actor_for_user
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.authorisations.factories import authorise, register


def emails(topic):
    return OutboxMessage.objects.filter(topic=topic)


def test_every_change_sends_a_receipt_and_a_webhook(customer1, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    registration = register(webhook_url="https://ketoan.example.vn/hooks")
    authorisation = authorise(customer1, registration=registration)
    services.authorisation_pause(
        actor=actor_for_user(customer1),
        authorisation_id=authorisation.pk,
        subject=customer1.customer_account.subject,
    )
    assert emails("authorisations.customer.granted").count() == 1
    assert emails("authorisations.customer.paused").count() == 1
    hooks = OutboxMessage.objects.filter(topic="authorisations.authorisation.changed").order_by("created_at")
    assert [json.loads(h.payload)["status"] for h in hooks] == ["active", "paused"]
    outbox_deliver(emails("authorisations.customer.granted").get().pk)
    [sent] = mail.outbox
    assert sent.to == [customer1.customer_account.subject.email]
    assert "Công ty Kế toán Số" in sent.body


def test_the_expiry_notice_goes_seven_days_ahead_once(customer1):
    now = timezone.now()
    authorise(customer1, days=30, now=now)
    assert services.authorisations_notify_expiring(now=now + timedelta(days=22)) == 0
    assert services.authorisations_notify_expiring(now=now + timedelta(days=23, hours=1)) == 1
    assert services.authorisations_notify_expiring(now=now + timedelta(days=24)) == 0
    assert emails("authorisations.customer.expiring").count() == 1


def test_the_summary_comes_every_90_days(customer1, customer2):
    now = timezone.now()
    authorise(customer1, days=365, now=now)
    authorise(customer2, days=365, now=now + timedelta(days=30))
    assert services.authorisations_send_summaries(now=now + timedelta(days=89)) == 0
    assert services.authorisations_send_summaries(now=now + timedelta(days=90)) == 1
    assert services.authorisations_send_summaries(now=now + timedelta(days=91)) == 0
    assert services.authorisations_send_summaries(now=now + timedelta(days=120)) == 1  # customer2's turn
    assert services.authorisations_send_summaries(now=now + timedelta(days=181)) == 1
    assert emails("authorisations.customer.summary").count() == 3


def test_the_clocks_are_on_the_beat_schedule():
    from authorisations import tasks
    from config.celery import app

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {tasks.expire_due.name, tasks.notify_expiring.name, tasks.send_summaries.name} <= scheduled
