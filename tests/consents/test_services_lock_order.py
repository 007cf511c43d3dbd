"""Ending a consent follows the one lock order (`subjects.locks`): the customer's row first, then the
consent. Verifying a data-subject request to withdraw holds the customer, writes its audit entries (the
chain's head) and then locks the customer's consents. A customer's own withdrawal locked the consent
and then waited for the head, and the expiry sweep did the same: at the same instant each side waited
for the other and PostgreSQL aborted one ("deadlock detected")."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.services import audit_record
from consents import services
from core.actors import Actor
from subjects.models import DataSubject
from tests.concurrency import lock_waited_for, row_free, started_in_other_connection
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
CUSTOMER = Actor(kind="customer", user_id=None, label="customer in the app")


def _as_a_request_verification(subject) -> None:
    """What verifying a withdrawal request holds when it comes to the customer's consents."""
    DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
    audit_record(action="dsr.request.identity_verified", actor=Actor.system("tests"), subject=subject)


def test_a_customers_withdrawal_waits_for_the_customer_before_the_consent():
    subject, purpose = make_subject(), make_purpose()
    consent = grant(subject, purpose)
    with transaction.atomic():
        _as_a_request_verification(subject)
        thread, out = started_in_other_connection(
            lambda: services.consent_withdraw(actor=CUSTOMER, consent_id=consent.pk, channel="mobile_app")
        )
        assert lock_waited_for(until=lambda: not thread.is_alive()), out
        # It waits holding nothing the verification needs next: not the consent.
        assert row_free(consent)
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in out, out
    consent.refresh_from_db()
    assert consent.status == "withdrawn"


def test_the_expiry_sweep_leaves_a_held_customer_for_its_next_run():
    subject, purpose = make_subject(), make_purpose()
    now = timezone.now()
    consent = grant(subject, purpose, expires_at=now + timedelta(days=1), now=now)
    later = now + timedelta(days=2)
    with transaction.atomic():
        _as_a_request_verification(subject)
        thread, out = started_in_other_connection(lambda: services.consents_expire_due(now=later))
        lock_waited_for(until=lambda: not thread.is_alive(), timeout=5)
        assert row_free(consent)
    thread.join(60)
    assert not thread.is_alive()
    assert out == {"value": 0}
    assert services.consents_expire_due(now=later) == 1
