"""The reminders of third-party authorisations (the notice 7 days before one ends, the 90-day summary of
the active ones) are customer mailings like every other: each leaves an audit entry on the customer's
trail, written in the transaction that queues the message and marks it sent, so neither exists without
the other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from authorisations import services
from authorisations.models import Authorisation
from authorisations.services import clocks
from notifications.models import Notification
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db

EXPIRY = "authorisations.authorisation.expiry_notice_sent"
SUMMARY = "authorisations.summary.sent"


def test_each_expiry_notice_is_audited_on_the_customers_trail(customer1, customer2):
    now = timezone.now()
    first = authorise(customer1, days=30, now=now)
    second = authorise(customer2, days=30, now=now)

    assert services.authorisations_notify_expiring(now=now + timedelta(days=23, hours=1)) == 2

    entries = {e.target_id: e for e in AuditEntry.objects.filter(action=EXPIRY)}
    assert set(entries) == {str(first.pk), str(second.pk)}
    entry = entries[str(first.pk)]
    assert entry.subject_id == customer1.customer_account.subject.pk
    assert entry.data["third_party"] == str(first.third_party_id)
    notification = Notification.objects.get(dedupe_key=f"authorisations.expiring:{first.pk}")
    assert entry.data["notification"] == str(notification.pk)
    # Once: the second run sends nothing and writes nothing.
    assert services.authorisations_notify_expiring(now=now + timedelta(days=24)) == 0
    assert AuditEntry.objects.filter(action=EXPIRY).count() == 2


def test_an_expiry_notice_and_its_entry_commit_together(customer1, monkeypatch):
    now = timezone.now()
    authorisation = authorise(customer1, days=30, now=now)

    def audit_down(records):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(clocks, "audit_record_many", audit_down)
    with pytest.raises(RuntimeError):
        services.authorisations_notify_expiring(now=now + timedelta(days=23, hours=1))

    assert not Notification.objects.filter(dedupe_key=f"authorisations.expiring:{authorisation.pk}").exists()
    assert Authorisation.objects.get(pk=authorisation.pk).expiry_notice_sent_at is None


def test_each_summary_is_audited_on_the_customers_trail(customer1):
    now = timezone.now()
    authorise(customer1, days=365, now=now)
    authorise(customer1, days=365, now=now)

    assert services.authorisations_send_summaries(now=now + timedelta(days=90)) == 1

    [entry] = AuditEntry.objects.filter(action=SUMMARY)
    assert entry.subject_id == customer1.customer_account.subject.pk
    assert entry.data["authorisations"] == 2
    notification = Notification.objects.get(topic="authorisations.customer.summary")
    assert entry.data["notification"] == str(notification.pk)
    assert services.authorisations_send_summaries(now=now + timedelta(days=91)) == 0
    assert AuditEntry.objects.filter(action=SUMMARY).count() == 1


def test_a_summary_and_its_entry_commit_together(customer1, monkeypatch):
    now = timezone.now()
    authorise(customer1, days=365, now=now)

    def audit_down(**record):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(clocks, "audit_record", audit_down)
    with pytest.raises(RuntimeError):
        services.authorisations_send_summaries(now=now + timedelta(days=90))

    assert not Notification.objects.filter(topic="authorisations.customer.summary").exists()
    # Not marked sent: the next run sends it (and audits it).
    monkeypatch.undo()
    assert services.authorisations_send_summaries(now=now + timedelta(days=90)) == 1
    assert AuditEntry.objects.filter(action=SUMMARY).count() == 1
