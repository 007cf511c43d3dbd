"""A staff member looking at many customers in a short time (a departing officer walking through a
branch's customers, a curious agent searching one famous customer after another) is noticed: the hourly
sweep records it in the trail and e-mails the DPO, once per person and window; a colleague's ordinary
day of look-ups raises nothing."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record_many, audit_unusual_access_sweep
from audit.services.unusual import UNUSUAL_ACCESS_WINDOW
from core.actors import actor_for_user
from core.roles import Role
from integrations.models import OutboxMessage
from tests.dsr.factories import make_request
from tests.factories import UserFactory, make_subject, subjects_in_bulk

pytestmark = pytest.mark.django_db

UNUSUAL = "audit.access.unusual"
VIEWED = "core.subject.viewed"


def _looked_at(user, subjects, *, now):
    with transaction.atomic():
        audit_record_many([
            {"action": VIEWED, "actor": actor_for_user(user), "subject": subject, "target": subject,
             "data": {"context": "portal.detail", "revealed": False, "reason": ""}, "now": now}
            for subject in subjects
        ])


def test_many_customers_in_the_window_are_noticed_once(officer, privacy_officer):
    UserFactory(username="dpo_on_call", role=Role.DPO, email="dpo.on.call@bank.test")
    now = timezone.now()
    customers = subjects_in_bulk(settings.UNUSUAL_ACCESS_CUSTOMERS)
    _looked_at(officer, customers, now=now - timedelta(minutes=10))
    # Looking at the same customer again and again is not many customers.
    _looked_at(privacy_officer, customers[:1] * 3, now=now - timedelta(minutes=10))
    assert audit_unusual_access_sweep(now=now) == 1
    [entry] = AuditEntry.objects.filter(action=UNUSUAL)
    assert entry.data["user_id"] == officer.pk
    assert entry.data["customers"] == settings.UNUSUAL_ACCESS_CUSTOMERS
    assert entry.target_id == str(officer.pk)
    [mail] = OutboxMessage.objects.filter(topic=UNUSUAL)
    assert mail.destination == "dpo.on.call@bank.test"
    assert json.loads(mail.payload)["context"]["who"] == officer.username
    # The next sweep, in the same window, adds nothing.
    assert audit_unusual_access_sweep(now=now + timedelta(minutes=15)) == 0
    assert AuditEntry.objects.filter(action=UNUSUAL).count() == 1


def test_fewer_customers_or_an_older_window_raise_nothing(officer):
    now = timezone.now()
    customers = subjects_in_bulk(settings.UNUSUAL_ACCESS_CUSTOMERS)
    _looked_at(officer, customers[:-1], now=now - timedelta(minutes=5))
    assert audit_unusual_access_sweep(now=now) == 0
    _looked_at(officer, customers, now=now - UNUSUAL_ACCESS_WINDOW - timedelta(minutes=1))
    assert audit_unusual_access_sweep(now=now) == 0
    assert not OutboxMessage.objects.filter(topic=UNUSUAL).exists()


def test_a_system_reading_many_customers_is_not_a_staff_member_walking_through_them(client_user):
    # An integration client reading customers' records (core banking, the CRM) is recorded per look, and
    # reads thousands an hour by design: the sweep is about staff, so it raises nothing about a system.
    now = timezone.now()
    customers = subjects_in_bulk(settings.UNUSUAL_ACCESS_CUSTOMERS)
    _looked_at(client_user, customers, now=now - timedelta(minutes=5))
    assert audit_unusual_access_sweep(now=now) == 0
    assert not OutboxMessage.objects.filter(topic=UNUSUAL).exists()


@override_settings(UNUSUAL_ACCESS_CUSTOMERS=3)
def test_the_bank_sets_how_many_customers_in_an_hour_are_unusual(officer):
    # A small bank's desk serves a handful of customers an hour: it lowers the bar.
    now = timezone.now()
    _looked_at(officer, subjects_in_bulk(3), now=now - timedelta(minutes=5))
    assert audit_unusual_access_sweep(now=now) == 1
    assert AuditEntry.objects.get(action=UNUSUAL).data["customers"] == 3


def test_a_login_deleted_after_its_walk_is_noticed_once(officer):
    # The officer's login is removed the day they leave, before the sweep runs: the notice has no login
    # to point at, yet it is the same person, who must not be noticed (and the DPOs e-mailed) again at
    # every sweep of the hour.
    now = timezone.now()
    _looked_at(officer, subjects_in_bulk(settings.UNUSUAL_ACCESS_CUSTOMERS), now=now - timedelta(minutes=10))
    officer_id = officer.pk
    officer.delete()
    assert audit_unusual_access_sweep(now=now) == 1
    assert AuditEntry.objects.get(action=UNUSUAL).data["user_id"] == officer_id
    assert audit_unusual_access_sweep(now=now + timedelta(minutes=15)) == 0
    assert AuditEntry.objects.filter(action=UNUSUAL).count() == 1


@override_settings(UNUSUAL_ACCESS_CUSTOMERS=3)
def test_a_queue_download_counts_the_customers_its_requests_are_of(logged_in, dpo):
    # The queue's CSV is one entry however many requests it holds: thousands of requests' customers taken
    # away at once are a walk through them too. The same customers downloaded again are not more of them.
    customers = [make_subject() for _ in range(3)]
    for customer in customers[:2]:
        make_request(customer)
    client = logged_in(dpo)
    for _again in range(2):
        assert client.get(reverse("dsr:queue"), {"format": "csv"}).status_code == 200
    assert audit_unusual_access_sweep() == 0
    make_request(customers[2])
    client.get(reverse("dsr:queue"), {"format": "csv"})
    assert audit_unusual_access_sweep() == 1
    entry = AuditEntry.objects.get(action=UNUSUAL)
    assert (entry.data["user_id"], entry.data["customers"]) == (dpo.pk, 3)
