"""One lock order (`subjects.locks`) for authorisations (PostgreSQL: real row locks). A data-subject
request's service locks the customer, writes its audit entries (which hold the chain's one head row
until commit) and then pauses or revokes the customer's authorisations (`authorisations.services.
rights`). The expiry sweep, a customer's revocation and the gateway's access report locked the
authorisation first and then waited for the head: each side waited for the other and PostgreSQL
aborted one ("deadlock detected"). They now lock the customer first, or, the sweep, skip one another
writer holds and leave it for the next run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from authorisations import services
from core.actors import Actor, actor_for_user
from subjects.models import DataSubject
from tests.authorisations.factories import authorise
from tests.concurrency import lock_waited_for, row_free, started_in_other_connection
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]

GATEWAY = Actor(kind="client", user_id=None, label="gateway")
STAFF = Actor(kind="staff", user_id=None, label="officer_t")


def _request_service_started(subject: DataSubject) -> None:
    """A request's service up to the step where it locks the customer's authorisations: the customer's
    row, then an audit entry (the chain's head)."""
    DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
    audit_record(action="dsr.request.transitioned", actor=STAFF, subject=subject)


def test_the_expiry_sweep_leaves_a_customer_another_writer_holds_for_its_next_run(customer1):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1, days=30, now=timezone.now() - timedelta(days=31))
    with transaction.atomic():
        _request_service_started(subject)
        thread, expired = started_in_other_connection(services.authorisations_expire_due)
        lock_waited_for(until=lambda: not thread.is_alive(), timeout=5)
        assert row_free(authorisation), "the sweep holds the customer's authorisation while it waits"
    thread.join(60)
    assert not thread.is_alive()
    assert expired == {"value": 0}
    assert services.authorisations_expire_due() == 1


def _revoke(customer, authorisation):
    return services.authorisation_revoke(
        actor=actor_for_user(customer),
        authorisation_id=authorisation.pk,
        channel="internet_banking",
        subject=customer.customer_account.subject,
    )


def _report_read(customer, authorisation):
    return services.access_record(
        actor=GATEWAY,
        authorisation_id=authorisation.pk,
        scope="accounts:read",
        accessed_at=timezone.now(),
        record_count=3,
    )


@pytest.mark.parametrize("write", [_revoke, _report_read], ids=["revocation", "access report"])
def test_a_write_of_one_authorisation_waits_for_the_customer_before_locking_it(customer1, write):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1)
    with transaction.atomic():
        _request_service_started(subject)
        thread, written = started_in_other_connection(lambda: write(customer1, authorisation))
        assert lock_waited_for(until=lambda: not thread.is_alive()), written
        # It waits on the customer holding nothing the request's service needs next.
        assert row_free(authorisation), "it holds the authorisation while it waits for the audit chain"
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in written, written
