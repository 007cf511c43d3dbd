"""Telling a breach's affected customers scales with the bank: set-based counts, chunked queueing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from dsr.models import DataCategory
from integrations.delivery import render_email
from integrations.models import OutboxMessage
from regulator import services
from regulator.selectors import breach_affected_subjects
from regulator.services import breach_mailing
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def _notify_counting_queries(breach) -> int:
    with CaptureQueriesContext(connection) as captured:
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=2))
    return len(captured)


def test_queueing_costs_the_same_queries_for_3_or_30_customers(django_capture_on_commit_callbacks):
    make_inventory()
    make_catalogue()
    few = [make_customer() for _ in range(3)]
    # Core banking serves a contract purpose: every customer of the bank is affected.
    first = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        small = _notify_counting_queries(first)
    many = few + [make_customer() for _ in range(27)]
    second = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks() as callbacks:
        large = _notify_counting_queries(second)
    assert large == small
    second.refresh_from_db()
    assert second.customers_notified == len(many) == 30
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"breach:{second.pk}:").count() == 30
    # One outbox sweep on commit, not one delivery task per customer.
    assert len(callbacks) == 1


def test_customers_are_queued_in_chunks_once_each(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(breach_mailing, "CUSTOMER_CHUNK", 4)
    make_inventory()
    make_catalogue()
    with_address = [make_customer() for _ in range(10)]
    # No e-mail address: the notifier reaches them on their next channel, by SMS (#17).
    by_sms = make_customer(email="")
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    assert breach_affected_subjects(breach).count() == 11
    with django_capture_on_commit_callbacks() as callbacks:
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    messages = OutboxMessage.objects.filter(topic=breach_mailing.CUSTOMER_TOPIC)
    emails = messages.filter(kind=OutboxMessage.Kind.EMAIL)
    assert sorted(str(m.subject_id) for m in emails) == sorted(str(s.pk) for s in with_address)
    assert {m.destination for m in emails} == {s.email for s in with_address}
    assert [(m.kind, m.subject_id, m.destination) for m in messages.exclude(pk__in=emails)] == [
        (OutboxMessage.Kind.SMS, by_sms.pk, by_sms.phone)
    ]
    assert len(callbacks) == 3  # one sweep per chunk that queued something (4 + 4 + 3 customers)
    breach.refresh_from_db()
    assert breach.customers_notified == 11

    with django_capture_on_commit_callbacks() as callbacks:
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    assert messages.count() == 11 and callbacks == []
    entries = AuditEntry.objects.filter(action="regulator.breach.customers_notified").order_by("pk")
    assert [(e.data["messages"], e.data["queued"]) for e in entries] == [(11, 11), (11, 0)]


def test_each_customer_is_written_to_in_their_own_language(django_capture_on_commit_callbacks):
    make_inventory()
    make_catalogue()
    english = make_customer(preferred_language="en")
    vietnamese = make_customer()
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    messages = OutboxMessage.objects.filter(topic=breach_mailing.CUSTOMER_TOPIC)
    by_subject = {str(m.subject_id): m for m in messages}
    assert '"language": "en"' in by_subject[str(english.pk)].payload
    assert '"language": "vi"' in by_subject[str(vietnamese.pk)].payload
    email = render_email(by_subject[str(english.pk)])
    assert "Important: a security incident affecting your data" in email.subject
    assert breach.reference in email.subject
    assert "Important:" not in render_email(by_subject[str(vietnamese.pk)]).subject


def test_the_data_concerned_is_named_in_each_customers_language(django_capture_on_commit_callbacks):
    """The inventory's categories carry an English name beside the Vietnamese one: a customer who
    reads English is not told which of their data is concerned in Vietnamese."""
    make_inventory()
    make_catalogue()
    DataCategory.objects.filter(code="accounts").update(
        name_vi="Tài khoản và số dư", name_en="Accounts and balances"
    )
    english = make_customer(preferred_language="en")
    vietnamese = make_customer()
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    emails = {
        str(m.subject_id): render_email(m).body
        for m in OutboxMessage.objects.filter(topic=breach_mailing.CUSTOMER_TOPIC, kind="email")
    }
    assert "Data concerned: Accounts and balances" in emails[str(english.pk)]
    assert "Tài khoản và số dư" in emails[str(vietnamese.pk)]
    assert "Accounts and balances" not in emails[str(vietnamese.pk)]
