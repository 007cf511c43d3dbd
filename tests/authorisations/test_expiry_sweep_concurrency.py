"""Expiry sweeps running at once (PostgreSQL: real row locks): each authorisation ends once, a row
another transaction holds is skipped rather than waited for, and the audit chain stays whole."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from audit.selectors import audit_chain_verify
from authorisations import services
from authorisations.models import Authorisation, AuthorisationEvent
from tests.authorisations.test_expiry_sweep_batch import _scenario
from tests.concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_simultaneous_sweeps_end_each_authorisation_once():
    due = _scenario(n_customers=4)
    now = timezone.now()

    def sweep() -> int:
        expired = 0
        while done := services.authorisations_expire_due(now=now, limit=2):
            expired += done
        return expired

    assert sum(run_together([sweep, sweep])) == len(due)
    assert AuthorisationEvent.objects.filter(kind="expired").count() == len(due)
    assert Authorisation.objects.filter(pk__in=[a.pk for a in due], status="expired").count() == len(due)
    assert audit_chain_verify().valid


def test_a_row_held_by_another_transaction_is_skipped_not_waited_for():
    due = _scenario(n_customers=2)
    now = timezone.now()
    held, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                Authorisation.objects.select_for_update().get(pk=due[0].pk)
                held.set()
                release.wait(timeout=30)
        except Exception as exc:
            errors.append(exc)
        finally:
            held.set()
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(timeout=30)
    try:
        assert services.authorisations_expire_due(now=now) == len(due) - 1
    finally:
        release.set()
        holder.join()
    assert not errors
    assert services.authorisations_expire_due(now=now) == 1
    assert AuthorisationEvent.objects.filter(kind="expired").count() == len(due)
    assert audit_chain_verify().valid
