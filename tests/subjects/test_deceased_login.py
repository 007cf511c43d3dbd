"""A deceased customer's self-service login closes when staff record the death: whoever holds the
password (a relative) must not read or act on the dead person's data through it, which Law 91/2025 lets
the family do only through the bank, with their own consent. A former customer keeps theirs: their
rights outlive the relationship."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import Actor
from subjects import services as subject_services
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db
STAFF = Actor(kind="staff", user_id=None, label="officer_t")


def test_recording_the_death_closes_the_customers_login_and_its_session(client):
    user = make_customer(subject=make_subject(), username="late_customer")
    client.force_login(user)
    assert client.get("/en/me/").status_code == 200

    subject_services.subject_rectify(actor=STAFF, subject_id=user.customer_account.subject.pk,
                                     changes={"deceased_on": timezone.localdate()}, reason="certificate")

    user.refresh_from_db()
    assert not user.is_active
    assert client.get("/en/me/").status_code == 302
    assert AuditEntry.objects.filter(action="core.account.closed_on_death").count() == 1


def test_a_former_customer_keeps_their_login():
    user = make_customer(subject=make_subject(), username="former_customer")

    subject_services.subject_rectify(actor=STAFF, subject_id=user.customer_account.subject.pk,
                                     changes={"relationship_ended_on": timezone.localdate()}, reason="closed")

    user.refresh_from_db()
    assert user.is_active
