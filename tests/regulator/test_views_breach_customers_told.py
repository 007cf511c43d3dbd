"""Afterwards the bank proves which customers a breach notice went to, when, on which channel and
whether it reached them: the mailing page downloads one row per customer (audited), a customer the bank
could reach only in the app's inbox marked apart from one an e-mail or SMS reached."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from integrations.models import OutboxMessage
from notifications.services import notification_follow_outbox
from regulator import services
from regulator.services import breach_mailing
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def _told_rows(client, breach) -> dict[str, dict[str, str]]:
    response = client.get(reverse("regulator:breach_mailing", args=[breach.pk]), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert breach.reference in response["Content-Disposition"]
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {row["customer_number"]: row for row in rows}


def test_the_mailing_downloads_who_was_told_how_and_who_could_not_be_reached(
    client, dpo, django_capture_on_commit_callbacks
):
    make_inventory()
    make_catalogue()
    delivered = make_customer(preferred_language="en")
    waiting = make_customer()
    unreachable = make_customer(email="", phone="")
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    with_delivery = OutboxMessage.objects.get(topic=breach_mailing.CUSTOMER_TOPIC, subject_id=delivered.pk)
    notification_follow_outbox(message=with_delivery, error="", now=timezone.now())
    client.force_login(dpo)

    rows = _told_rows(client, breach)

    assert set(rows) == {delivered.external_ref, waiting.external_ref, unreachable.external_ref}
    reached, sending = rows[delivered.external_ref], rows[waiting.external_ref]
    assert (reached["outcome"], reached["channel"], reached["language"]) == ("reached", "email", "en")
    assert reached["delivered_at"] and reached["channels_tried"].startswith("email delivered ")
    assert sending["outcome"] == "being_sent" and not sending["delivered_at"]
    assert (rows[unreachable.external_ref]["outcome"], rows[unreachable.external_ref]["channel"]) == (
        "inbox_only", "inbox"
    )
    assert all(row["queued_at"] for row in rows.values())
    entry = AuditEntry.objects.filter(action="regulator.breach.customers_told_exported").get()
    assert entry.actor_label == actor_for_user(dpo).label
    assert {key: entry.data[key] for key in ("format", "reference", "customers")} == {
        "format": "csv", "reference": breach.reference, "customers": 3
    }


def test_the_download_is_audited_with_the_fingerprint_of_the_file_taken(
    client, dpo, django_capture_on_commit_callbacks
):
    """The list changes as deliveries end: the audit entry proves which file was taken by its SHA-256."""
    make_inventory()
    make_catalogue()
    make_customer()
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    client.force_login(dpo)

    response = client.get(reverse("regulator:breach_mailing", args=[breach.pk]), {"format": "csv"})

    entry = AuditEntry.objects.filter(action="regulator.breach.customers_told_exported").get()
    assert entry.data["sha256"] == hashlib.sha256(response.content).hexdigest()


def test_the_download_reads_the_customers_in_a_few_queries_whatever_their_number(
    client, dpo, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    make_inventory()
    make_catalogue()
    for _ in range(25):
        make_customer()
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)
    client.force_login(dpo)

    with django_assert_max_num_queries(15):
        rows = _told_rows(client, breach)

    assert len(rows) == 25
